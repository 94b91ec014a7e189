"""Producing candidate fixes: a constraint's deterministic repair, or the teacher (with one stricter retry).

Candidates are only proposals; the verify node decides, by re-checking every constraint.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from graph.checking import over_budget
from graph.constraints import Constraint
from graph.context import GraphDeps
from graph.editdistance import normalized_edit_distance
from graph.prompts import build_messages, parse_reply
from graph.result import Usage
from graph.state import Attempt, CorrectionState


def _attempt(
    targets: list[int],
    method: str,
    text: str | None,
    before: str,
    usage: Usage,
    latency: float,
    note: str = "",
) -> Attempt:
    distance = normalized_edit_distance(before, text) if text is not None else 0.0
    return Attempt(
        targets=targets,
        method=method,
        text=text,
        edit_distance=round(distance, 6),
        usage=usage.model_dump(),
        latency_s=latency,
        note=note,
    )


def repair_attempt(constraint: Constraint[Any], index: int, text: str) -> Attempt | None:
    """The constraint's own mechanical fix, when it has one that the checker confirms."""
    if not constraint.has_repair:
        return None
    started = time.perf_counter()
    repaired = constraint.repair(text)
    if repaired is None:
        return None
    return _attempt([index], "repair", repaired, text, Usage(), time.perf_counter() - started)


async def teacher_attempts(
    state: CorrectionState,
    deps: GraphDeps,
    constraints: Sequence[Constraint[Any]],
    targets: list[int],
    method: str,
) -> tuple[list[Attempt], bool]:
    """Ask the teacher to fix ``targets``; retry once, stricter, if it rewrote too much.

    Returns the attempts and whether the budget stopped a call from being made.
    """
    teacher, run = deps.teacher, deps.run
    assert teacher is not None, "teacher_attempts needs a teacher"
    spent = Usage.model_validate(state.get("usage") or {})
    if over_budget(spent, run.max_tokens_budget, run.max_cost_usd):
        return [], True
    text, verdicts = state["response"], state["verdicts"]
    named = [(constraints[i], verdicts[i]["detail"]) for i in targets]
    keep = [c for i, c in enumerate(constraints) if i not in targets]
    reply = await teacher.complete(build_messages(state["instruction"], text, named, keep))
    candidate = parse_reply(reply.text)
    note = "" if candidate is not None else f"unusable teacher reply: {reply.text[:80]!r}"
    first = _attempt(targets, method, candidate, text, reply.usage, reply.latency_s, note)
    attempts = [first]
    if candidate is None or first["edit_distance"] <= run.max_edit_ratio:
        return attempts, False
    spent = spent.add(reply.usage)
    ratio = f"rewrote {first['edit_distance']:.0%} of the text (> {run.max_edit_ratio:.0%})"
    if over_budget(spent, run.max_tokens_budget, run.max_cost_usd):
        first["note"] = f"{ratio}; no budget left for a stricter retry"
        return attempts, False
    first["note"] = f"{ratio}: retried once with a stricter instruction"
    percent = round(first["edit_distance"] * 100)
    retry = await teacher.complete(
        build_messages(state["instruction"], text, named, keep, stricter_percent=percent)
    )
    second = parse_reply(retry.text)
    note = "" if second is not None else f"unusable teacher reply: {retry.text[:80]!r}"
    attempts.append(
        _attempt(targets, "teacher_strict_retry", second, text, retry.usage, retry.latency_s, note)
    )
    return attempts, False
