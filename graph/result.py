"""The result of one correction: what the service returns, the store keeps and pairs are built from.

Shared contract between the engine (``graph``), the service, the store and training. Only
checker-confirmed verdicts appear here: ``verdicts_after`` is always a fresh check of ``final``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["unchanged", "corrected", "partial", "failed", "infeasible"]
"""``infeasible``: two constraints of the set can never both pass (see ``conflicts``)."""
Strategy = Literal["hybrid", "teacher", "rules"]
StepMethod = Literal["repair", "teacher", "teacher_strict_retry", "teacher_combined"]


class ConstraintSpec(BaseModel):
    """One constraint as data: its IFEval id and validated kwargs."""

    id: str
    kwargs: dict[str, Any] = Field(default_factory=dict)


class ConflictInfo(BaseModel):
    """Two constraints of the set that no text satisfies together (graph.constraints.conflicts)."""

    ids: list[str]
    indices: list[int]
    reason: str


class Verdict(BaseModel):
    id: str
    passed: bool
    detail: str


class Usage(BaseModel):
    """Teacher usage summed over every attempt, retries included."""

    calls: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None

    def add(self, other: Usage) -> Usage:
        cost = None
        if self.cost_usd is not None or other.cost_usd is not None:
            cost = (self.cost_usd or 0.0) + (other.cost_usd or 0.0)
        return Usage(
            calls=self.calls + other.calls,
            attempts=self.attempts + other.attempts,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=cost,
        )


class Step(BaseModel):
    """One attempted fix: which constraint, how, the text it produced and what the checker said."""

    index: int
    round: int
    constraint_ids: list[str]
    method: StepMethod
    response_before: str
    response_after: str
    accepted: bool
    edit_distance: float
    passed_after: list[bool]
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    note: str = ""


class CorrectionResult(BaseModel):
    id: str
    instruction: str
    original: str
    final: str
    status: Status
    strategy: Strategy
    strategy_note: str = ""
    mode: Literal["strict", "loose"] = "strict"
    constraints: list[ConstraintSpec]
    verdicts_before: list[Verdict]
    verdicts_after: list[Verdict]
    rounds: int = 0
    stop_reason: str = ""
    trajectory: list[Step] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    teacher_model: str | None = None
    elapsed_s: float = 0.0
    teacher_s: float = 0.0
    conflicts: list[ConflictInfo] = Field(default_factory=list)
    cycles: list[str] = Field(default_factory=list)
    teacher_calls_saved: int = 0
