"""The collect queue under concurrency, on a SQLite file, the real PostgreSQL and the real Redis.

N producers and M consumers on separate connections (as separate server processes would be):
every accepted item is claimed by exactly one consumer while its lease holds; a consumer whose
lease ran out cannot ack or fail the item another consumer holds now; ids are never reused.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service.bulk.collect import CollectWorkers
from service.bulk.queue import QueueItem
from service.bulk.work import RecordWorker, WorkConfig
from service.store import Store
from tests.service.bulk.queue_backends import QUEUE_BACKENDS, QueueFactory, backend_url, open_queues
from tests.service.store.conftest import postgres_url  # noqa: F401  (the session's database)

PRODUCERS = 4
PER_PRODUCER = 500
CONSUMERS = 6


@pytest.fixture(params=QUEUE_BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    return request.param, backend_url(request.param, tmp_path, request)


@pytest.fixture
async def queues(backend: tuple[str, str]) -> AsyncIterator[QueueFactory]:
    async for factory in open_queues(*backend):
        yield factory


async def test_every_accepted_item_is_claimed_by_exactly_one_consumer(queues: QueueFactory) -> None:
    producers = [await queues() for _ in range(2)]
    consumers = [await queues() for _ in range(3)]
    accepted: list[str] = []
    claimed: Counter[str] = Counter()
    payloads: dict[str, int] = {}
    producing = True

    async def produce(index: int) -> None:
        queue = producers[index % len(producers)]
        for n in range(PER_PRODUCER):
            number = index * PER_PRODUCER + n
            item_id = await queue.put({"n": number})
            accepted.append(item_id)
            if n % 50 == 0:
                await asyncio.sleep(0)

    async def consume(index: int) -> None:
        queue = consumers[index % len(consumers)]
        while producing or len(claimed) < len(accepted):
            items = await queue.claim(f"consumer-{index}", 16)
            if not items:
                await asyncio.sleep(0.01)
                continue
            for item in items:
                claimed[item.id] += 1
                payloads[item.id] = item.payload["n"]
                assert await queue.ack(item)

    tasks = [asyncio.create_task(consume(i)) for i in range(CONSUMERS)]
    await asyncio.gather(*(produce(i) for i in range(PRODUCERS)))
    producing = False
    async with asyncio.timeout(60):
        await asyncio.gather(*tasks)

    total = PRODUCERS * PER_PRODUCER
    assert len(accepted) == len(set(accepted)) == total  # ids never reused
    assert set(claimed) == set(accepted)  # nothing lost
    assert [i for i, n in claimed.items() if n > 1] == []  # nothing claimed twice
    assert sorted(payloads.values()) == list(range(total))
    backlog = await consumers[0].backlog()
    assert (backlog.queued, backlog.in_flight, backlog.dead) == (0, 0, 0)


async def test_a_late_ack_cannot_touch_an_item_claimed_again(queues: QueueFactory) -> None:
    slow, fast = await queues(lease_s=0.2), await queues(lease_s=0.2)
    first = await slow.put({"n": 1})
    [held] = await slow.claim("slow", 1)
    await asyncio.sleep(0.3)  # the lease runs out while "slow" is still working
    [again] = await fast.claim("fast", 1)
    assert again.id == held.id == first and again.token != held.token
    assert again.attempts == 2
    assert not await slow.ack(held)  # the stale claim deletes nothing
    assert not await slow.fail(held, "late")
    newer = await fast.put({"n": 2})
    assert newer != first
    assert await fast.ack(again)
    assert not await fast.ack(again)  # an ack counts once
    [last] = await slow.claim("slow", 5)
    assert (last.id, last.payload) == (newer, {"n": 2})
    assert await slow.fail(last, "ValueError: poison")
    [dead] = await fast.dead(10)
    assert (dead.id, dead.payload, dead.reason) == (newer, {"n": 2}, "ValueError: poison")
    backlog = await fast.backlog()
    assert (backlog.queued, backlog.in_flight, backlog.dead) == (0, 0, 1)


async def test_ids_are_never_reused_after_deletes(queues: QueueFactory) -> None:
    queue = await queues()
    seen: set[str] = set()
    for _ in range(20):
        item_id = await queue.put({"x": random.random()})
        assert item_id not in seen
        seen.add(item_id)
        items: list[QueueItem] = await queue.claim("c", 10)
        for item in items:
            assert await queue.ack(item)  # the newest item is deleted: SQLite would hand its id out again


async def test_an_item_whose_worker_keeps_dying_is_dead_lettered(
    queues: QueueFactory, tmp_path: Path
) -> None:
    """Claimed ``max_attempts`` times without an ack (its worker died each time, so no exception
    was ever seen): the next claim dead-letters it instead of running it again, forever."""
    queue = await queues(lease_s=0.05, max_attempts=3)
    poison = await queue.put({"instruction": "dies", "response": "every time"})
    for _ in range(3):
        [held] = await queue.claim("dying-worker", 1)
        assert held.id == poison
        await asyncio.sleep(0.08)  # the worker is gone; its lease runs out
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    workers = CollectWorkers(queue, store, RecordWorker(WorkConfig(namespace="collect")), 1)
    workers.start()
    try:
        async with asyncio.timeout(20):
            while not await queue.dead(10):
                await asyncio.sleep(0.05)
    finally:
        await workers.stop()
        await store.close()
    [dead] = await queue.dead(10)
    assert dead.id == poison and dead.attempts == 4 and "claimed 4 times" in dead.reason
    assert await store_count(tmp_path) == 0


async def store_count(tmp_path: Path) -> int:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    try:
        return await store.count()
    finally:
        await store.close()
