"""Helpers shared by the benchmark scripts: timing, tables, generated inputs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    cells = [header] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ctdc_file(directory: Path, rows: int, seed: int = 7) -> Path:
    from tiphub.demo import write_ctdc_synthetic

    path = directory / f"ctdc-{rows}.csv"
    if not path.exists():
        write_ctdc_synthetic(path, rows, seed=seed)
    return path


class scratch_postgres:
    """A throw-away database on the PostgreSQL server at ``admin_url`` (dropped on exit)."""

    def __init__(self, admin_url: str) -> None:
        import uuid

        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.name = f"tiphub_bench_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()
