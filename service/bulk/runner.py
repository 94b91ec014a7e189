"""The bulk runner: bounded concurrency over a record stream, resumable and exactly-once.

The order of effects per record is what makes a SIGKILL harmless: the engine runs, the store
records the result (durable on return, idempotent on the correction id), and only then the line
goes to the output file. The output's ids are the done-set of the next run; a record killed
between the store and the output is recomputed and lands on the same store row. The executor
(``process``) is the only part that differs between the local and the Ray engine.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from graph.errors import FollowfixError, StoreDataError
from service.bulk.outcome import Outcome
from service.bulk.output import ResultWriter
from service.bulk.records import BulkRecord, RowError
from service.bulk.resume import read_earlier
from service.bulk.stats import RunStats

logger = logging.getLogger(__name__)

Process = Callable[[BulkRecord], Awaitable[Outcome]]
Item = BulkRecord | RowError
Done = tuple[BulkRecord, Outcome]
MAX_MESSAGES = 20
# Results stored per transaction at most; a batch is whatever finished while the last one committed
# or within COMMIT_WINDOW_S of the first. A transaction per record costs the event loop more than
# the record's own checks (thread hand-offs to the database driver); waiting a few milliseconds
# delays only when a finished record becomes durable, never the records still being worked on.
COMMIT_BATCH = 256
COMMIT_WINDOW_S = 0.05


class ResultStore(Protocol):
    """The part of ``service.store.Store`` the runner needs."""

    async def record_many(self, results: Sequence[Any], *, source: str) -> Any: ...


class Reporter(Protocol):
    """Progress display or persistence; called from the event loop, so it must be quick."""

    def start(self, stats: RunStats) -> None: ...

    def update(self, stats: RunStats) -> None: ...

    def finish(self, stats: RunStats) -> None: ...


class NullReporter:
    def start(self, stats: RunStats) -> None:
        return None

    def update(self, stats: RunStats) -> None:
        return None

    def finish(self, stats: RunStats) -> None:
        return None


def select(items: Iterable[Item], *, limit: int | None, shuffle: bool, seed: int) -> Iterator[Item]:
    """``--shuffle`` then ``--limit``: a rerun with the same flags sees the same rows.

    Shuffling holds the input in memory (a seeded permutation needs all of it); streaming does not.
    """
    if shuffle:
        rows = list(items)
        random.Random(seed).shuffle(rows)
        items = rows
    for count, item in enumerate(items):
        if limit is not None and count >= limit:
            return
        yield item


def errors_path(output: Path) -> Path:
    return output.with_name(output.name + ".errors.jsonl")


@dataclass
class BulkRun:
    """One run over one output file. ``cancel`` stops scheduling; in-flight records finish."""

    process: Process
    output: Path
    store: ResultStore | None = None
    source: str = "bulk"
    concurrency: int = 16
    reporter: Reporter = field(default_factory=NullReporter)
    cancel: asyncio.Event = field(default_factory=asyncio.Event)
    # Stats that add up across resumes: counts start from the results already in the output.
    carry_over: bool = False
    stats: RunStats = field(default_factory=RunStats)
    # The first few error messages of this run, for the CLI to show.
    messages: list[str] = field(default_factory=list)

    async def run(self, items: Iterable[Item], total: int | None = None) -> RunStats:
        writer = ResultWriter(self.output)
        done = writer.open()
        self.stats = RunStats(total=total)
        try:
            if self.carry_over:
                self.stats.carry(await asyncio.to_thread(read_earlier, self.output))
            with open(errors_path(self.output), "w", encoding="utf-8") as errors:
                await self._run(items, writer, done, errors)
        finally:
            writer.close()
            self.stats.elapsed_s = time.monotonic() - self.stats.started
            self.reporter.finish(self.stats)
        return self.stats

    async def _run(self, items: Iterable[Item], writer: ResultWriter, done: set[str], errors: Any) -> None:
        queue: asyncio.Queue[BulkRecord | None] = asyncio.Queue(maxsize=self.concurrency * 2)
        finished: asyncio.Queue[Done | None] = asyncio.Queue(maxsize=self.concurrency * 2)
        seen: set[str] = set()
        self.reporter.start(self.stats)

        async def worker() -> None:
            while (record := await queue.get()) is not None:
                await finished.put((record, await self._guarded(record)))

        async def workers() -> None:
            async with asyncio.TaskGroup() as crew:
                for _ in range(self.concurrency):
                    crew.create_task(worker())
            await finished.put(None)

        async def feed() -> None:
            for item in items:
                if self.cancel.is_set():
                    break
                if isinstance(item, RowError):
                    self.stats.bad_rows += 1
                    errors.write(json.dumps({"row": item.row, "error": item.message}) + "\n")
                    self._note(item.message)
                    continue
                if item.id in seen:  # before the done check: a repeat is a duplicate in every run
                    self.stats.duplicates += 1
                    continue
                seen.add(item.id)
                if item.id in done:
                    self.stats.skipped += 1
                    continue
                await queue.put(item)
            for _ in range(self.concurrency):
                await queue.put(None)

        # A failing task cancels the others; no sentinel is needed then, so none can block.
        async with asyncio.TaskGroup() as group:
            group.create_task(workers())
            group.create_task(self._commit(finished, writer, errors))
            group.create_task(feed())

    def _note(self, message: str) -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)

    async def _guarded(self, record: BulkRecord) -> Outcome:
        """Whatever one record raises is that record's error: the run goes on with the others."""
        try:
            return await self.process(record)
        except FollowfixError as exc:
            logger.warning("record %s (row %d): %s", record.id, record.row, exc)
            return Outcome.failed(record.id, exc)
        except Exception as exc:  # a bug or an unforeseen input: reported on the row, never the run's end
            logger.exception("record %s (row %d) raised", record.id, record.row)
            return Outcome.crashed(record.id, exc)

    async def _commit(self, finished: asyncio.Queue[Done | None], writer: ResultWriter, errors: Any) -> None:
        """Store then output, in batches of whatever finished meanwhile (one transaction each)."""
        closing = False
        while not closing:
            batch: list[Done] = []
            first = await finished.get()
            if first is None:
                return
            batch.append(first)
            if self.store is not None and finished.qsize() < COMMIT_BATCH:
                await asyncio.sleep(COMMIT_WINDOW_S)
            while len(batch) < COMMIT_BATCH and not finished.empty():
                more = finished.get_nowait()
                if more is None:
                    closing = True
                    break
                batch.append(more)
            await self._sink(batch, writer, errors)

    async def _store(self, batch: list[Done]) -> list[Done]:
        """Record the batch's results in one transaction. When the database refuses a value, the
        batch is written again row by row so only the bad row fails; an outage fails them all
        (retryable: they rerun)."""
        results = [outcome.result for _, outcome in batch if outcome.result is not None]
        if not results or self.store is None:
            return batch
        try:
            await self.store.record_many(results, source=self.source)
        except StoreDataError as exc:
            logger.warning(
                "a row of a batch of %d was refused (%s); storing them one by one", len(results), exc
            )
            return [await self._store_one(record, outcome) for record, outcome in batch]
        except FollowfixError as exc:
            logger.error("store write of %d results failed, they will rerun: %s", len(results), exc)
            return [(r, o if o.result is None else Outcome.failed(o.record_id, exc)) for r, o in batch]
        return batch

    async def _store_one(self, record: BulkRecord, outcome: Outcome) -> Done:
        if outcome.result is None or self.store is None:
            return record, outcome
        try:
            await self.store.record_many([outcome.result], source=self.source)
        except FollowfixError as exc:
            return record, Outcome.failed(outcome.record_id, exc)
        return record, outcome

    async def _sink(self, batch: list[Done], writer: ResultWriter, errors: Any) -> None:
        batch = await self._store(batch)
        for record, stored in batch:
            outcome = stored
            if outcome.result is not None:
                try:
                    writer.append(outcome.row(record.fields))
                except UnicodeError as exc:  # text UTF-8 cannot hold (a lone surrogate): this row only
                    outcome = Outcome.crashed(record.id, exc)
            if outcome.result is None:
                line = {
                    "record_id": record.id,
                    "row": record.row,
                    **outcome.row(),
                    "retryable": outcome.retryable,
                }
                errors.write(json.dumps(line) + "\n")
                errors.flush()
                self._note(f"row {record.row}: {outcome.error}")
            self.stats.add(outcome)
        self.reporter.update(self.stats)
