"""A bounded queue in front of the store for the request path.

``submit`` returns once its record is committed, so a handler that awaits it before answering
only acknowledges what is durable. Concurrent submits are written as one transaction (group
commit): while one batch commits, the next one gathers. Each write has a time limit. A failed
batch is retried record by record with backoff (safe: recording is idempotent per id), so one bad
record never fails the others; a record the database refuses for its data (``StoreDataError``) is
not retried; a record that still fails is logged, appended to an optional dead-letter JSONL file,
and raised to its submitter: never silently dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import RecorderStoppedError, StoreDataError, StoreError
from graph.result import CorrectionResult
from service.store.db import Store

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Item:
    result: CorrectionResult
    source: str
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Recorder:
    """Group-committing writer; ``start()`` before use, ``stop()`` drains what was submitted."""

    def __init__(
        self,
        store: Store,
        *,
        max_queue: int = 1000,
        max_batch: int = 200,
        retries: int = 3,
        backoff_s: float = 0.05,
        write_timeout_s: float = 30.0,
        dead_letter: Path | None = None,
    ) -> None:
        self.store = store
        self.max_batch = max_batch
        self.retries = retries
        self.backoff_s = backoff_s
        self.write_timeout_s = write_timeout_s
        self.dead_letter = dead_letter
        self._queue: asyncio.Queue[_Item] = asyncio.Queue(maxsize=max_queue)
        self._worker: asyncio.Task[None] | None = None
        self._accepting = False
        self.committed = 0
        self.failed = 0
        self.batches = 0

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        if self._worker is None:
            self._accepting = True
            self._worker = asyncio.create_task(self._run(), name="followfix-recorder")

    async def stop(self) -> None:
        """Refuse new submits, write everything already queued, then end the worker."""
        self._accepting = False
        if self._worker is None:
            return
        await self._queue.join()
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
        self._worker = None
        while not self._queue.empty():  # only reachable by a submit racing stop(): refuse it loudly
            late = self._queue.get_nowait()
            _resolve(late, RecorderStoppedError("the recorder stopped before this record was written"))

    async def submit(self, result: CorrectionResult, *, source: str) -> None:
        """Wait (bounded by the queue) until ``result`` is committed; raise StoreError if it cannot be."""
        if not self._accepting:
            raise RecorderStoppedError("the recorder is not running; the correction was not recorded")
        item = _Item(result, source)
        await self._queue.put(item)
        # Shielded: a cancelled caller (client gone) must not cancel the write of its record.
        await asyncio.shield(item.done)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            except Exception as exc:  # a bug must reach the submitters, not kill the worker
                logger.exception("recorder failed on a batch of %d records", len(batch))
                for item in batch:
                    _resolve(item, exc)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: list[_Item]) -> None:
        self.batches += 1
        try:
            async with asyncio.timeout(self.write_timeout_s):
                await self.store.record_many([i.result for i in batch], source=[i.source for i in batch])
        except (StoreError, TimeoutError) as exc:
            logger.warning("batch of %d records failed (%s); retrying one by one", len(batch), exc)
            await asyncio.gather(*(self._write_one(item) for item in batch))
            return
        self.committed += len(batch)
        for item in batch:
            _resolve(item, None)

    async def _write_one(self, item: _Item) -> None:
        error: Exception | None = None
        for attempt in range(self.retries):
            await asyncio.sleep(self.backoff_s * (2**attempt) * (0.5 + random.random()))
            try:
                async with asyncio.timeout(self.write_timeout_s):
                    await self.store.record(item.result, source=item.source)
            except StoreDataError as exc:  # the same value fails the same way: a 4xx, no retry
                self.failed += 1
                logger.error("record %s refused by the store: %s", item.result.id, exc)
                _resolve(item, exc)
                return
            except (StoreError, TimeoutError) as exc:  # writes are idempotent per id: retrying is safe
                error = exc
                logger.warning(
                    "record %s: attempt %d/%d failed: %s", item.result.id, attempt + 1, self.retries, exc
                )
                continue
            self.committed += 1
            _resolve(item, None)
            return
        self.failed += 1
        logger.error("record %s NOT stored after %d retries: %s", item.result.id, self.retries, error)
        await self._dead_letter(item, error)
        _resolve(item, StoreError(f"correction {item.result.id} was not recorded: {error}"))

    async def _dead_letter(self, item: _Item, error: Exception | None) -> None:
        if self.dead_letter is None:
            return
        line = json.dumps(
            {"source": item.source, "error": str(error), "result": item.result.model_dump(mode="json")}
        )
        try:
            await asyncio.to_thread(_append_line, self.dead_letter, line)
        except OSError as exc:
            logger.error("dead-letter file %s not writable: %s", self.dead_letter, exc)


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()


def _resolve(item: _Item, error: BaseException | None) -> None:
    if item.done.done():
        return
    if error is None:
        item.done.set_result(None)
    else:
        item.done.set_exception(error)
