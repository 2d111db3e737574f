"""Alembic environment for vats. Runs programmatically (`vats.store.db.upgrade(engine)` passes an open
connection in `config.attributes["connection"]`) or from the `alembic` CLI (URL from the config or
`vats.store.db.database_url()`). SQLite uses batch mode so ALTERs work there too."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from vats.store.all_models import load_all
from vats.store.db import owned_by_vats

config = context.config
target_metadata = load_all()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=owned_by_vats,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from vats.store.db import database_url, make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_online()
