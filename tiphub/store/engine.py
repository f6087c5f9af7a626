"""Opening the database and keeping its schema at the right Alembic revision."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, inspect
from sqlalchemy.engine import make_url

from tiphub.errors import DatabaseError
from tiphub.store.dialect import Dialect, dialect_for


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("tiphub.store") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


class Database:
    """An open database: the engine, its dialect and migration helpers."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = create_engine(url, future=True)
        except Exception as exc:  # driver missing, malformed URL
            raise DatabaseError(
                f"cannot open database ({parsed.get_backend_name()}): {exc.__class__.__name__}",
                hint="check TIPHUB_DATABASE_URL / --db; PostgreSQL needs tiphub[postgres]",
            ) from None
        self.url = parsed
        self.dialect: Dialect = dialect_for(self.engine)
        self.dialect.configure(self.engine)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed on success, rolled back on any error."""
        with self.engine.begin() as conn:
            yield conn

    def connect(self) -> Connection:
        return self.engine.connect()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(_alembic_config(self.engine)).get_current_head()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def is_empty(self) -> bool:
        return not inspect(self.engine).get_table_names()

    def upgrade(self, revision: str = "head") -> str | None:
        """Apply migrations up to ``revision``; returns the revision now current."""
        command.upgrade(_alembic_config(self.engine), revision)
        return self.current_revision()

    def ensure_current(self) -> None:
        """Create an empty database, or refuse one whose schema is not at the head revision."""
        if self.is_empty():
            self.upgrade()
            return
        current, head = self.current_revision(), self.head_revision()
        if current != head:
            raise DatabaseError(
                f"the database schema is at revision {current or 'none'}, this tiphub needs {head}",
                hint="run `tiphub db upgrade` (back up the database first)",
            )

    def dispose(self) -> None:
        self.engine.dispose()
