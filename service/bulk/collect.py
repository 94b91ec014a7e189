"""Background workers that drain the collect queue through the engine into the store.

An item is acknowledged only after its correction is stored. One that fails for a transient
reason (teacher down, store busy) stays claimed and comes back after its lease. One that cannot
succeed (a permanent error, any unexpected exception, unstorable text, claimed too often) goes to
the dead-letter list with its reason: a poison item costs one attempt, never a worker.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from graph.errors import FollowfixError, StoreDataError
from graph.storable import find_unstorable
from service.bulk.backlog import CollectMetrics
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
MAX_REASON = 2000


class CollectWorkers:
    """``count`` asyncio tasks claiming batches from the queue; counters for tests and metrics."""

    def __init__(
        self,
        queue: CollectQueue,
        store: Any,
        worker: RecordWorker,
        count: int,
        metrics: CollectMetrics | None = None,
    ) -> None:
        self.queue = queue
        self.store = store
        self.worker = worker
        self.count = count
        self.metrics = metrics
        self.name = f"collector-{uuid.uuid4().hex[:8]}"
        self.processed = 0
        self.failed = 0
        self.dead = 0
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._loop(f"{self.name}-{i}")) for i in range(self.count)]
        for task in self._tasks:
            task.add_done_callback(_report_exit)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    @property
    def running(self) -> int:
        return sum(not task.done() for task in self._tasks)

    def health(self) -> str:
        """``/readyz``'s line: ``failed: ...`` when a configured worker is not running."""
        if self.count == 0:
            return "disabled (FOLLOWFIX_COLLECT_WORKERS=0)"
        if self.running < self.count:
            return f"failed: {self.count - self.running} of {self.count} collect workers stopped"
        return f"ok ({self.running} workers)"

    async def _loop(self, consumer: str) -> None:
        idle = IDLE_MIN_S
        while True:
            try:
                items = await self.queue.claim(consumer, BATCH)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the queue is down (or its driver broke): keep polling
                logger.warning("collect queue unavailable: %s", exc)
                items = []
            if not items:
                await asyncio.sleep(idle)  # back off while idle: an empty table is polled rarely
                idle = min(IDLE_MAX_S, idle * 2)
                continue
            idle = IDLE_MIN_S
            for item in items:
                await self._guarded(item)

    async def _guarded(self, item: QueueItem) -> None:
        """Whatever one item raises is that item's failure, not the worker's."""
        try:
            await self._handle(item)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("collect item %s raised; dead-lettering it", item.id)
            await self._dead(item, f"{type(exc).__name__}: {exc}")

    async def _dead(self, item: QueueItem, reason: str) -> None:
        self.dead += 1
        self._count("dead")
        try:
            moved = await self.queue.fail(item, reason[:MAX_REASON])
        except FollowfixError as exc:
            logger.warning("collect item %s not dead-lettered (back after its lease): %s", item.id, exc)
            return
        if moved:
            logger.error("collect item %s dead-lettered: %s", item.id, reason[:MAX_REASON])

    def _retry_later(self, item: QueueItem, why: object) -> None:
        self.failed += 1
        self._count("retry_later")
        logger.warning("collect item %s will be retried after its lease: %s", item.id, why)

    def _count(self, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.count(outcome)

    async def _handle(self, item: QueueItem) -> None:
        if item.attempts > self.queue.max_attempts:
            await self._dead(item, f"claimed {item.attempts} times without finishing (its worker stopped)")
            return
        problem = find_unstorable(item.payload)
        if problem is not None:
            await self._dead(item, f"{problem.path}: {problem.reason}")
            return
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
            if outcome.retryable:
                self._retry_later(item, outcome.error)
            else:
                await self._dead(item, f"{outcome.error_code}: {outcome.error}")
            return
        try:
            await self.store.record(outcome.result, source=SOURCE)
        except StoreDataError as exc:
            await self._dead(item, str(exc))
            return
        except FollowfixError as exc:
            self._retry_later(item, exc)
            return
        self.processed += 1
        self._count("stored")
        try:
            if not await self.queue.ack(item):
                logger.info("collect item %s stored; its claim had passed to another worker", item.id)
        except FollowfixError as exc:  # stored already: a redelivery lands on the same correction id
            logger.warning("collect item %s stored but not acked (back after its lease): %s", item.id, exc)


def _report_exit(task: asyncio.Task[None]) -> None:
    """A worker task only ends when cancelled; anything else is logged (and ``/readyz`` fails)."""
    if not task.cancelled() and task.exception() is not None:
        logger.error("collect worker %s stopped", task.get_name(), exc_info=task.exception())
