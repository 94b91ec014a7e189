"""Alembic environment, configured in code (no alembic.ini at runtime).

``service.store.migrate`` hands over an open connection in ``config.attributes["connection"]``.
For development (``alembic revision --autogenerate``) a URL in ``sqlalchemy.url`` works too.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from service.store.models import metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_with)
    finally:
        await engine.dispose()


def main() -> None:
    if context.is_offline_mode():
        raise RuntimeError("offline (--sql) migrations are not supported: run them against a database")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
    else:
        asyncio.run(run_from_url(context.config.get_main_option("sqlalchemy.url") or ""))


main()
