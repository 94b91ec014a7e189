"""Live servers for the collect tests on each queue backend, and reads of what they stored.

``server_backend`` (a fixture in the test modules) picks one of: the store table on a SQLite
file, the store table on the real PostgreSQL (the session's database, cleaned), a Redis Stream on
the real Redis (store on SQLite). A test that holds its app serves it with
``tests.service.api.live.serve_app``, so it can reach into the running components.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.bulk.queue import CollectQueue
from service.bulk.redis_queue import RedisStreamQueue
from service.bulk.table_queue import TableQueue
from service.settings import Settings
from service.store import Store
from tests.service.api.conftest import make_settings
from tests.service.bulk.queue_backends import REDIS_URL, clear_queue_tables, delete_stream
from tests.service.store.conftest import open_clean


@dataclass
class Backend:
    name: str
    store_url: str
    stream: str | None = None

    def settings(self, tmp_path: Path, **overrides: Any) -> Settings:
        return make_settings(tmp_path, store_url=self.store_url, **overrides)

    async def queue(self) -> tuple[CollectQueue, Store | None]:
        """A queue on the same backend as the server's (another producer), and its store if any."""
        if self.stream is not None:
            return RedisStreamQueue.from_url(REDIS_URL, self.stream, 1_000_000, 300, 1, 5), None
        store = await Store.open(self.store_url, migrate_schema=False)
        return TableQueue(store.engine, 1_000_000, 300, 1, 5), store


def use_backend(
    name: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    """Environment for servers on ``name``; the PostgreSQL database is emptied first."""
    store_url = f"sqlite+aiosqlite:///{tmp_path / 'followfix.db'}"
    stream = None
    if name == "postgres":
        store_url = request.getfixturevalue("postgres_url")
        asyncio.run(_clean(store_url))
    if name == "redis":
        stream = f"followfix-test:{uuid.uuid4().hex}"
        monkeypatch.setenv("FOLLOWFIX_QUEUE_URL", REDIS_URL)
        monkeypatch.setenv("FOLLOWFIX_QUEUE_NAME", stream)
    try:
        yield Backend(name, store_url, stream)
    finally:
        if stream is not None:
            delete_stream(stream)


async def _clean(url: str) -> None:
    store = await open_clean(url)
    try:
        await clear_queue_tables(store)
    finally:
        await store.close()


def collected(store_url: str) -> Counter[str]:
    """How many times each instruction was stored from the collect queue."""

    async def read() -> Counter[str]:
        store = await Store.open(store_url, migrate_schema=False)
        try:
            return Counter(
                [c.result.instruction async for c in store.iter_corrections() if c.source == "collect"]
            )
        finally:
            await store.close()

    return asyncio.run(read())


def wait_until(predicate: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
