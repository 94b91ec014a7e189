"""Alembic, configured in code: upgrade a store to head when it opens.

Several processes may open one store at once (uvicorn workers, a bulk job): PostgreSQL serialises
them with an advisory lock, a SQLite file with an exclusive lock on a ``.lock`` file beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)
# Alembic announces each of its plugins at INFO on every command: noise in every CLI run.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Arbitrary constant key for pg_advisory_xact_lock ("followfx" in ASCII).
ADVISORY_KEY = 0x666F6C6C6F776678


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> None:
    if current_revision(connection) == head_revision():
        return
    logger.info("migrating store to revision %s", head_revision())
    command.upgrade(alembic_config(connection), "head")


@contextlib.asynccontextmanager
async def _file_lock(database: str | None) -> AsyncIterator[None]:
    """An exclusive flock beside a SQLite file; nothing for in-memory databases or without fcntl."""
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        import fcntl  # POSIX only
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    handle = Path(f"{database}.lock").open("a")  # noqa: SIM115  (closed in finally)
    try:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to head; a no-op when it is there already."""
    if engine.dialect.name == "sqlite":
        async with _file_lock(engine.url.database), engine.begin() as conn:
            await conn.run_sync(_upgrade)
        return
    async with engine.begin() as conn:
        await _advisory_lock(conn)
        await conn.run_sync(_upgrade)


async def _advisory_lock(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
