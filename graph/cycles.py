"""Telling a loop that cannot end from one that is progressing: cycles of fixes and infeasible sets.

A fix that brings back a text already seen in this correction, or that breaks the constraint
whose own fix broke this one, would only undo another fix: the engine refuses it, stops trying
that fix and says which pair undoes each other (instead of running until ``max_rounds``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from graph.constraints import Constraint
from graph.state import Attempt, Verdict


def digest(text: str) -> str:
    """A short fingerprint of a text (state stays small; texts are compared exactly)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def newly_broken(before: Sequence[Verdict], after: Sequence[Verdict]) -> list[int]:
    """Constraints that passed before and fail after."""
    return [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b["passed"] and not a["passed"]]


def cycle_of(
    attempt: Attempt,
    before: Sequence[Verdict],
    after: Sequence[Verdict],
    seen: Sequence[str],
    broke: Sequence[Sequence[int]],
    constraints: Sequence[Constraint[Any]],
    trajectory: Sequence[Mapping[str, Any]],
) -> str:
    """Why accepting ``attempt`` would go round in a circle, or "" when it would not."""
    text = attempt["text"]
    assert text is not None
    names = [constraints[i].id for i in attempt["targets"]]
    if digest(text) in seen:
        undone = [s for s in trajectory if s.get("accepted") and s.get("response_before") == text]
        other = ", ".join(undone[-1]["constraint_ids"]) if undone else "an earlier fix"
        return f"cycle: the fix for {', '.join(names)} brings back the text before the fix for {other}"
    for target in attempt["targets"]:
        for j in newly_broken(before, after):
            if [j, target] in [list(p) for p in broke]:
                return (
                    f"cycle: the fixes for {constraints[target].id} and {constraints[j].id} undo each other;"
                    f" stopped trying the fix for {constraints[target].id}"
                )
    return ""


def infeasible_reason(conflicts: Sequence[Mapping[str, Any]]) -> str:
    """The stop reason of an infeasible set: every conflicting pair and why."""
    if not conflicts:
        return ""
    pairs = "; ".join(f"{c['ids'][0]} vs {c['ids'][1]}: {c['reason']}" for c in conflicts)
    return f"infeasible: no text satisfies all constraints ({pairs})"
