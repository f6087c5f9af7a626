"""Shared fixtures: a hub on a temporary SQLite file, and — where a test asks for
``any_hub`` — the same test on PostgreSQL too (when TIPHUB_TEST_POSTGRES_URL is set, as in CI)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiphub import Hub, Settings

PG_URL = os.environ.get("TIPHUB_TEST_POSTGRES_URL")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # exact counts (rounding_base=1) so tests can assert figures; rounding has its own tests
    return Settings(home=tmp_path / "home", current_year=2025, rounding_base=1)


@pytest.fixture
def hub(settings: Settings) -> Iterator[Hub]:
    with Hub(settings) as h:
        yield h


def _postgres_database() -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tiphub_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_hub(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Hub]:
    """A hub on each storage engine."""
    if request.param == "sqlite":
        with Hub(settings) as h:
            yield h
        return
    if not PG_URL:
        pytest.skip("TIPHUB_TEST_POSTGRES_URL not set (CI sets it)")
    url, drop = _postgres_database()
    try:
        with Hub(settings, db=url) as h:
            yield h
    finally:
        drop()  # type: ignore[operator]


@pytest.fixture
def write(tmp_path: Path):
    """Write a text file into the test's directory: ``write("a.csv", "x,y\\n1,2\\n")``."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return _write
