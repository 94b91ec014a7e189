"""One record at a time on the CPU: records take turns (first come, first served) for their
CPU-bound steps and give the turn up while they wait for the teacher.

Why: an event loop interleaves every ready coroutine step by step. When many teacher replies
arrive together (a fixed-latency endpoint returns them in waves), the records they belong to
share the CPU round-robin and all finish late together, then call the teacher together again:
the wave never dissolves and every record waits for the whole wave (~35-45 ms per record at 32
records per process, ``docs/benchmarks.md``). Served one after another, each record waits only
for those ahead of it and they leave for the teacher staggered, so the next replies come back
spread out. It changes only the order of work, never what a record computes.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from graph.teacher import DelegatingTeacher, Message, TeacherReply


@dataclass
class _Turn:
    """The turn of one record: held unless it is waiting for the teacher (possibly on several calls)."""

    lock: asyncio.Lock
    held: bool = True
    waiting: int = 0


_turn: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("followfix_cpu_turn", default=None)


class CpuGate:
    """The turn-taking of one process's records (one per event loop)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Run a whole record inside this: it holds the CPU turn except while it waits for I/O."""
        await self._lock.acquire()
        turn = _Turn(self._lock)
        token = _turn.set(turn)
        try:
            yield
        finally:
            _turn.reset(token)
            if turn.held:
                turn.held = False
                self._lock.release()


@asynccontextmanager
async def waiting() -> AsyncIterator[None]:
    """Wrap an I/O wait of the current record: its turn goes to the next record meanwhile.

    Outside a turn (no gate in use) this does nothing. Several waits of one record may overlap;
    the turn is given up by the first and taken back by the last.
    """
    turn = _turn.get()
    if turn is None:
        yield
        return
    turn.waiting += 1
    if turn.held:
        turn.held = False
        turn.lock.release()
    try:
        yield
    finally:
        turn.waiting -= 1
        if turn.waiting == 0 and not turn.held:
            await turn.lock.acquire()
            turn.held = True


class TurnTakingTeacher(DelegatingTeacher):
    """A teacher whose calls give up the record's CPU turn while they wait."""

    async def complete(
        self, messages: list[Message], *, response_format: dict[str, Any] | None = None
    ) -> TeacherReply:
        async with waiting():
            return await super().complete(messages, response_format=response_format)
