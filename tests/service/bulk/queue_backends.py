"""The three collect-queue backends for tests: a SQLite file, the real PostgreSQL, the real Redis.

``queue_factory`` yields a function that opens one more queue on the same backend with its own
connections (like another server process), so claims really race across connections.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from service.bulk.queue import CollectQueue
from service.bulk.redis_queue import RedisStreamQueue
from service.bulk.table_queue import TableQueue
from service.store import Store

REDIS_URL = "redis://127.0.0.1:6379/0"
QUEUE_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "redis"]
QueueFactory = Callable[..., Awaitable[CollectQueue]]


async def clear_queue_tables(store: Store) -> None:
    async with store.engine.begin() as conn:
        await conn.execute(text("DELETE FROM collect_queue"))
        await conn.execute(text("DELETE FROM collect_dead"))


def delete_stream(name: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(name, f"{name}:dead")
    client.close()


def backend_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The store URL of a table backend (call from a sync fixture: the PostgreSQL one runs a loop)."""
    if backend == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'queue.db'}"


async def open_queues(backend: str, url: str) -> AsyncIterator[QueueFactory]:
    """Yield a factory of queues on ``backend``; closes them all and clears the backend after."""
    opened: list[Any] = []
    stream = f"followfix-test:{uuid.uuid4().hex}"
    if backend != "redis":
        first = await Store.open(url)
        await clear_queue_tables(first)
        opened.append(first)

    async def make(
        max_pending: int = 1_000_000, lease_s: float = 30.0, max_attempts: int = 5
    ) -> CollectQueue:
        if backend == "redis":
            queue = RedisStreamQueue.from_url(REDIS_URL, stream, max_pending, lease_s, 1, max_attempts)
            opened.append(queue)
            return queue
        store = await Store.open(url, migrate_schema=False)
        opened.append(store)
        return TableQueue(store.engine, max_pending, lease_s, 1, max_attempts)

    try:
        yield make
    finally:
        for thing in opened:
            await thing.close()
        if backend == "redis":
            delete_stream(stream)
