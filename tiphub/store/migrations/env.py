"""Alembic environment: tiphub passes its engine in ``config.attributes['engine']``."""

from alembic import context

from tiphub.store.schema import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
