"""``--workers N``: the same per-record function in N local worker processes.

Why: one event loop runs LangGraph, the checks and the teacher client of every record in flight,
and at 64 records in flight its ready queue grows long enough that each record waits tens of
milliseconds between its steps (``docs/benchmarks.md``). Worker processes split the records (and
the queue) and use every core. The parent keeps what decides "done" (reader, done-set, store
writes, output), exactly as with Ray, so resume and exactly-once are the same as in-process.

Parent and worker talk over a socket pair with length-prefixed pickles (both ends are this
code, started by this process). Messages, as tuples:

- parent -> worker: ``("record", seq, record_dict)``, ``("granted", ticket, wait_s)``
- worker -> parent: ``("ready",)``, ``("outcome", seq, Outcome)``, ``("reserve", ticket, tokens)``,
  ``("settle", estimated, actual)``

The job's teacher rate limit lives in the parent (one set of buckets); a worker reserves before
each call, like the Ray engine's limiter actor.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import pickle
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

from service.bulk.loop import run
from service.bulk.outcome import Outcome
from service.bulk.ratelimit import Buckets
from service.bulk.records import BulkRecord
from service.bulk.work import RecordWorker, WorkConfig

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0


async def read_message(reader: asyncio.StreamReader) -> Any | None:
    """The next message, or None once the other end has closed."""
    try:
        header = await reader.readexactly(_HEADER.size)
        return pickle.loads(await reader.readexactly(_HEADER.unpack(header)[0]))
    except asyncio.IncompleteReadError:
        return None


def send_message(writer: asyncio.StreamWriter, message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    writer.write(_HEADER.pack(len(data)) + data)


# --- the worker process ---------------------------------------------------------------------


class ParentLimiter:
    """A :class:`~service.bulk.ratelimit.Limiter` whose buckets live in the parent process."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._tickets = itertools.count()
        self._waiting: dict[int, asyncio.Future[float]] = {}

    async def acquire(self, tokens: int = 0) -> None:
        ticket = next(self._tickets)
        granted = self._waiting[ticket] = asyncio.get_running_loop().create_future()
        send_message(self._writer, ("reserve", ticket, tokens))
        wait = await granted
        if wait > 0:
            await asyncio.sleep(wait)

    async def settle(self, estimated: int, actual: int) -> None:
        send_message(self._writer, ("settle", estimated, actual))

    def granted(self, ticket: int, wait_s: float) -> None:
        future = self._waiting.pop(ticket, None)
        if future is not None and not future.done():
            future.set_result(wait_s)


def worker_main(sock: socket.socket, config: WorkConfig) -> None:
    """Entry point of a worker process: serve records until the parent closes its end."""
    logging.basicConfig(level=logging.WARNING)
    run(_serve(sock, config))


async def _serve(sock: socket.socket, config: WorkConfig) -> None:
    reader, writer = await asyncio.open_connection(sock=sock)
    limiter = ParentLimiter(writer) if config.rate_limit.enabled else None
    worker = RecordWorker(config, limiter)
    running: set[asyncio.Task[None]] = set()

    async def handle(seq: int, data: dict[str, Any]) -> None:
        record = BulkRecord.from_dict(data)
        try:
            outcome = await worker(record)
        except Exception as exc:  # a bug must not hang the parent: report it on this record
            logger.exception("record %s failed in a worker process", record.id)
            outcome = Outcome(record.id, error=f"{type(exc).__name__}: {exc}", error_code="InternalError")
        send_message(writer, ("outcome", seq, outcome))

    send_message(writer, ("ready",))
    while (message := await read_message(reader)) is not None:
        if message[0] == "record":
            task = asyncio.create_task(handle(message[1], message[2]))
            running.add(task)
            task.add_done_callback(running.discard)
        elif message[0] == "granted" and limiter is not None:
            limiter.granted(message[1], message[2])
    if running:
        await asyncio.gather(*running)
    await worker.aclose()
    await writer.drain()
    writer.close()


# --- the parent side ------------------------------------------------------------------------


@dataclass
class _Worker:
    """One worker process as the parent sees it."""

    process: Any
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    # seq -> (record id, the caller's future)
    pending: dict[int, tuple[str, asyncio.Future[Outcome]]] = field(default_factory=dict)
    alive: bool = True
    listener: asyncio.Task[None] | None = None


class ProcessExecutor:
    """Sends each record to the least busy worker process; awaitable per record, like the local worker."""

    def __init__(self, config: WorkConfig, workers: int) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.config = config
        self.count = workers
        self._workers: list[_Worker] = []
        self._seq = itertools.count()
        self._buckets = Buckets(config.rate_limit)

    async def start(self) -> None:
        """Spawn the workers and wait until each has built its engine."""
        context = multiprocessing.get_context("spawn")  # no fork of a process with live threads
        for index in range(self.count):
            parent_end, child_end = socket.socketpair()
            process = context.Process(
                target=worker_main,
                args=(child_end, self.config),
                name=f"followfix-worker-{index}",
                daemon=True,
            )
            process.start()
            child_end.close()
            reader, writer = await asyncio.open_connection(sock=parent_end)
            self._workers.append(_Worker(process, reader, writer))
        for worker in self._workers:
            ready = await asyncio.wait_for(read_message(worker.reader), START_TIMEOUT_S)
            if ready != ("ready",):
                raise RuntimeError(f"worker process {worker.process.name} failed to start")
            worker.listener = asyncio.create_task(self._listen(worker))
        logger.info("process engine: %d worker processes", self.count)

    async def __call__(self, record: BulkRecord) -> Outcome:
        live = [w for w in self._workers if w.alive]
        if not live:
            return Outcome(record.id, error="no live worker process", error_code="WorkerDied", retryable=True)
        worker = min(live, key=lambda w: len(w.pending))
        seq = next(self._seq)
        done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        worker.pending[seq] = (record.id, done)
        send_message(worker.writer, ("record", seq, record.to_dict()))
        return await done

    async def _listen(self, worker: _Worker) -> None:
        while (message := await read_message(worker.reader)) is not None:
            kind = message[0]
            if kind == "outcome":
                entry = worker.pending.pop(message[1], None)
                if entry is not None and not entry[1].done():
                    entry[1].set_result(message[2])
            elif kind == "reserve":
                send_message(worker.writer, ("granted", message[1], self._buckets.reserve(message[2])))
            elif kind == "settle":
                self._buckets.settle(message[1], message[2])
        worker.alive = False
        for record_id, future in worker.pending.values():
            if not future.done():
                logger.error(
                    "worker process %s ended with record %s in flight", worker.process.name, record_id
                )
                future.set_result(
                    Outcome(
                        record_id, error="the worker process ended", error_code="WorkerDied", retryable=True
                    )
                )
        worker.pending.clear()

    async def stop(self) -> None:
        """Let in-flight records finish, then end every worker process."""
        for worker in self._workers:
            if worker.alive and worker.writer.can_write_eof():
                worker.writer.write_eof()
        for worker in self._workers:
            if worker.listener is not None:
                try:
                    await asyncio.wait_for(worker.listener, STOP_TIMEOUT_S)
                except TimeoutError:
                    worker.listener.cancel()
            worker.writer.close()
            await asyncio.to_thread(worker.process.join, STOP_TIMEOUT_S)
            if worker.process.is_alive():
                worker.process.terminate()
        self._workers = []
