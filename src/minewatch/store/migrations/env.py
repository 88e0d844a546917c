"""Alembic environment: the engine comes from minewatch, not from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from minewatch.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")


def run_migrations_online() -> None:
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(conn) -> None:
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
