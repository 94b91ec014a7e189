"""Store fixtures: every store test runs on a SQLite file and on the real PostgreSQL server.

PostgreSQL comes from ``FOLLOWFIX_TEST_POSTGRES_URL`` (default: the local server, database
``test``). Each test session creates its own database there and drops it at the end, so engineers
sharing the server never see each other's rows; tests truncate the tables they use.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from service.store import Store, normalize_url

PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pg_admin_url() -> str:
    return normalize_url(os.environ.get("FOLLOWFIX_TEST_POSTGRES_URL", PG_DEFAULT))


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server for this session; skips LOUDLY when none answers."""
    admin = pg_admin_url()
    name = f"followfix_store_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    except (OSError, TimeoutError, ImportError) as exc:
        pytest.skip(f"POSTGRESQL NOT REACHABLE at {admin} ({exc!r}): postgres store tests NOT run")
    yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('store')}/store.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


async def open_clean(url: str) -> Store:
    """A store with empty tables. A SQLite file is fresh per test; the session's PostgreSQL
    database is truncated, or rebuilt from scratch when an earlier test dropped a table on purpose."""
    store = await Store.open(url)
    if store.engine.dialect.name != "postgresql":
        return store
    async with store.engine.begin() as conn:
        intact = (
            await conn.execute(
                text(
                    "SELECT bool_and(to_regclass(t) IS NOT NULL) FROM unnest(ARRAY['corrections', 'pairs', 'sft_examples', 'tasks']) t"
                )
            )
        ).scalar_one()
        if not intact:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    if not intact:
        await store.close()
        store = await Store.open(url)
    async with store.engine.begin() as conn:
        await conn.execute(text("TRUNCATE corrections, pairs, sft_examples, tasks RESTART IDENTITY CASCADE"))
    return store


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    opened = await open_clean(store_url)
    yield opened
    await opened.close()
