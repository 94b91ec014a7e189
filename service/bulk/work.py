"""The per-record function every engine runs: one record through the engine, as an :class:`Outcome`.

:class:`WorkConfig` is plain data, so a Ray worker can rebuild the same teacher and context from
it; :class:`RecordWorker` builds them once per process and then serves many records.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from graph.context import RunContext
from graph.errors import FollowfixError
from graph.run import correct
from graph.teacher import DelegatingTeacher, Teacher, TeacherConfig, TeacherReply, make_teacher
from service.bulk.cpugate import CpuGate, TurnTakingTeacher
from service.bulk.ids import correction_id
from service.bulk.outcome import Outcome
from service.bulk.ratelimit import Limiter, RateLimit
from service.bulk.records import BulkRecord

logger = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4
DEFAULT_COMPLETION_ESTIMATE = 512


@dataclass(frozen=True, slots=True)
class WorkConfig:
    """Everything a worker needs to correct records of one run; picklable by design."""

    namespace: str
    strategy: str | None = None
    max_rounds: int = 3
    mode: str = "strict"
    teacher: TeacherConfig | None = None
    rate_limit: RateLimit = field(default_factory=RateLimit)

    @property
    def effective_strategy(self) -> str:
        """Hybrid with a teacher, rules without one (the default of DESIGN.md)."""
        if self.strategy:
            return self.strategy
        return "hybrid" if self.teacher is not None else "rules"


def estimate_tokens(messages: list[dict[str, str]], max_tokens: int | None) -> int:
    """A pre-call guess for the tokens/min bucket; settled against real usage afterwards."""
    chars = sum(len(m.get("content", "")) for m in messages)
    return chars // CHARS_PER_TOKEN + (max_tokens or DEFAULT_COMPLETION_ESTIMATE)


class RateLimitedTeacher(DelegatingTeacher):
    """A teacher whose every call first waits for the job's shared limiter.

    The wait happens outside the inner call's per-attempt timeout, so queueing for the limit
    never counts as a slow endpoint.
    """

    def __init__(self, inner: Teacher, limiter: Limiter) -> None:
        super().__init__(inner)
        self._limiter = limiter

    async def complete(
        self, messages: list[dict[str, str]], *, response_format: dict[str, Any] | None = None
    ) -> TeacherReply:
        estimate = estimate_tokens(messages, self.config.max_tokens)
        await self._limiter.acquire(estimate)
        reply = await self._inner.complete(messages, response_format=response_format)
        await self._limiter.settle(estimate, reply.usage.prompt_tokens + reply.usage.completion_tokens)
        return reply


class RecordWorker:
    """Corrects records with one teacher client and one run context, built once.

    Its records take turns on the CPU (``service.bulk.cpugate``): one runs its checks and graph
    steps at a time while the others wait for the teacher.
    """

    def __init__(self, config: WorkConfig, limiter: Limiter | None = None) -> None:
        self.config = config
        self.context = RunContext(
            strategy=config.effective_strategy,  # type: ignore[arg-type]
            max_rounds=config.max_rounds,
            mode=config.mode,  # type: ignore[arg-type]
            teacher=config.teacher,
        )
        teacher: Teacher | None = make_teacher(config.teacher) if config.teacher is not None else None
        if teacher is not None and limiter is not None and config.rate_limit.enabled:
            teacher = RateLimitedTeacher(teacher, limiter)
        self.teacher = TurnTakingTeacher(teacher) if teacher is not None else None
        self._gate = CpuGate()

    async def __call__(self, record: BulkRecord) -> Outcome:
        try:
            async with self._gate.turn():
                result = await correct(
                    record.instruction,
                    record.response,
                    record.constraints,
                    context=self.context,
                    teacher=self.teacher,
                    correction_id=correction_id(self.config.namespace, record.id),
                )
        except FollowfixError as exc:
            logger.warning("record %s (row %d): %s", record.id, record.row, exc)
            return Outcome.failed(record.id, exc)
        return Outcome(record.id, result=result)

    async def aclose(self) -> None:
        """Release the teacher's connections (a run or a job is over)."""
        if self.teacher is not None:
            await self.teacher.aclose()


def describe(config: WorkConfig) -> str:
    """One line for logs and the jobs table."""
    teacher = config.teacher.model if config.teacher else None
    summary = {"strategy": config.effective_strategy, "teacher": teacher, "rounds": config.max_rounds}
    return json.dumps(summary)
