"""Everything that differs between SQLite and PostgreSQL lives here (one object per backend)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, event

# Python's sqlite3 sends None through its adapter lookup (a failed protocol search per value)
# before binding NULL; most cells of a case record are NULL, so that search halved bulk-insert
# speed. An explicit adapter makes the lookup hit at once and still binds NULL.
sqlite3.register_adapter(type(None), lambda value: value)


class Dialect:
    """SQLite behaviour; PostgreSQL overrides what differs."""

    name = "sqlite"

    def configure(self, engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-65536")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

    def bulk_insert(
        self, conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple]
    ) -> None:
        """Insert plain tuples as fast as the driver allows, inside the caller's transaction."""
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        cursor.close()

    def analyse(self, conn: Connection) -> None:
        """Refresh planner statistics after a big import."""
        conn.exec_driver_sql("ANALYZE")


class PostgresDialect(Dialect):
    name = "postgresql"

    def configure(self, engine: Engine) -> None:
        return None

    def bulk_insert(
        self, conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple]
    ) -> None:
        names = ", ".join(columns)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()

    def analyse(self, conn: Connection) -> None:
        conn.exec_driver_sql("ANALYZE case_records")


def dialect_for(engine: Engine) -> Dialect:
    if engine.dialect.name == "postgresql":
        return PostgresDialect()
    if engine.dialect.name == "sqlite":
        return Dialect()
    raise NotImplementedError(f"database backend {engine.dialect.name!r} is not supported")
