"""Background workers that drain the collect queue through the engine into the store.

An item is acknowledged only after its correction is stored; an item that fails for a transient
reason (teacher down, store busy) stays claimed and comes back after its lease.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from graph.errors import FollowfixError
from service.bulk.ids import record_id
from service.bulk.outcome import Outcome
from service.bulk.queue import CollectQueue, QueueItem
from service.bulk.records import BulkRecord
from service.bulk.work import RecordWorker

logger = logging.getLogger(__name__)

IDLE_MIN_S = 0.05
IDLE_MAX_S = 1.0
BATCH = 8
SOURCE = "collect"


class CollectWorkers:
    """``count`` asyncio tasks claiming batches from the queue; counters for tests and metrics."""

    def __init__(self, queue: CollectQueue, store: Any, worker: RecordWorker, count: int) -> None:
        self.queue = queue
        self.store = store
        self.worker = worker
        self.count = count
        self.name = f"collector-{uuid.uuid4().hex[:8]}"
        self.processed = 0
        self.failed = 0
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._loop(f"{self.name}-{i}")) for i in range(self.count)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _loop(self, consumer: str) -> None:
        idle = IDLE_MIN_S
        while True:
            try:
                items = await self.queue.claim(consumer, BATCH)
            except (FollowfixError, OSError) as exc:
                logger.warning("collect queue unavailable: %s", exc)
                items = []
            if not items:
                await asyncio.sleep(idle)  # back off while idle: an empty table is polled rarely
                idle = min(IDLE_MAX_S, idle * 2)
                continue
            idle = IDLE_MIN_S
            for item in items:
                await self._handle(item)

    async def _handle(self, item: QueueItem) -> None:
        payload = item.payload
        instruction, response = str(payload["instruction"]), str(payload["response"])
        record = BulkRecord(
            id=f"{SOURCE}:{item.id}:{record_id(None, instruction, response)}",
            instruction=instruction,
            response=response,
            constraints=payload.get("constraints"),
        )
        outcome: Outcome = await self.worker(record)
        if outcome.result is None:
            self.failed += 1
            if outcome.retryable:
                logger.warning("collect item %s will be retried after its lease: %s", item.id, outcome.error)
                return
            # Validated at POST time, so a permanent failure here means the catalogue changed under it.
            logger.error(
                "collect item %s cannot be corrected, dropped: %s (%s)", item.id, outcome.error, payload
            )
            await self.queue.ack([item.id])
            return
        try:
            await self.store.record(outcome.result, source=SOURCE)
        except FollowfixError as exc:
            logger.warning("collect item %s: store write failed, will retry: %s", item.id, exc)
            return
        await self.queue.ack([item.id])
        self.processed += 1
