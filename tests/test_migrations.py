"""The migrations build exactly the tables the code describes (tiphub/store/schema.py), and
the newest one can be undone and redone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tiphub import Hub
from tiphub.store.schema import metadata


def test_migrated_database_matches_the_schema_module(any_hub: Hub) -> None:
    with any_hub.db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_newest_migration_goes_down_and_up(hub: Hub) -> None:
    from alembic import command

    from tiphub.store.engine import _alembic_config

    head = hub.db.head_revision()
    config = _alembic_config(hub.db.engine)
    command.downgrade(config, "-1")
    assert hub.db.current_revision() != head
    command.upgrade(config, "head")
    assert hub.db.current_revision() == head
