"""The graph state: plain JSON-like values only, so every checkpoint serializes and resumes.

Nodes return updates; the reducers below sum what accumulates (trajectory, usage, teacher time).
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from graph.result import Usage

NextAction = Literal["correct", "combine", "finalize"]


def add_usage(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    """Sum two usage records (as dicts of :class:`graph.result.Usage`)."""
    return Usage.model_validate(left or {}).add(Usage.model_validate(right or {})).model_dump()


def union(left: list[str] | None, right: list[str] | None) -> list[str]:
    """Order-preserving union of two id lists."""
    merged = list(left or [])
    merged.extend(item for item in (right or []) if item not in merged)
    return merged


class Verdict(TypedDict):
    id: str
    passed: bool
    detail: str


class Attempt(TypedDict):
    """A candidate text from the correct node, waiting for the verify node's judgement."""

    targets: list[int]
    method: str
    text: str | None
    edit_distance: float
    usage: dict[str, Any]
    latency_s: float
    note: str


class CorrectionState(TypedDict, total=False):
    id: str
    instruction: str
    original: str
    response: str
    constraints: list[dict[str, Any]]
    verdicts_before: list[Verdict]
    verdicts: list[Verdict]
    round: int
    queue: list[int]
    round_failures: list[int]
    combined_done: bool
    budget_hit: bool
    pending: list[Attempt]
    next_action: NextAction
    stop_reason: str
    strategy: str
    strategy_note: str
    teacher_model: str | None
    trajectory: Annotated[list[dict[str, Any]], operator.add]
    usage: Annotated[dict[str, Any], add_usage]
    teacher_s: Annotated[float, operator.add]
    unfixable: Annotated[list[str], union]
    conflicts: list[dict[str, Any]]
    excluded: list[int]
    blocked: list[int]
    seen: list[str]
    broke: list[list[int]]
    cycles: Annotated[list[str], union]
    result: dict[str, Any]
