"""Where the loop goes next: a pure function of the verdicts and the round bookkeeping.

A round is one pass over the constraints that failed when it began, fixing one at a time on the
latest text. A round that ends with the same failure set it began with made no progress: then one
combined prompt naming every failure, once, before giving up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.checking import failing
from graph.state import Verdict


@dataclass(frozen=True, slots=True)
class Situation:
    verdicts: list[Verdict]
    queue: list[int]
    round: int
    round_failures: list[int]
    max_rounds: int
    combined_done: bool
    just_combined: bool
    budget_hit: bool
    can_combine: bool


def plan_next(s: Situation) -> dict[str, Any]:
    """State updates naming the next action (correct, combine or finalize) and why a loop stops."""
    failures = failing(s.verdicts)
    if not failures:
        return {"next_action": "finalize", "stop_reason": "all constraints pass", "queue": []}
    if s.budget_hit:
        return {"next_action": "finalize", "stop_reason": "token/cost budget exhausted", "queue": []}
    queue = [i for i in s.queue if i in failures]
    if queue and not s.just_combined:
        return {"next_action": "correct", "queue": queue}
    stalled = failures == s.round_failures
    if stalled and s.just_combined:
        return {
            "next_action": "finalize",
            "stop_reason": "no progress, even with a combined prompt",
            "queue": [],
        }
    if stalled and not s.combined_done and s.can_combine:
        return {"next_action": "combine", "queue": []}
    if stalled:
        return {"next_action": "finalize", "stop_reason": "no progress", "queue": []}
    if s.round >= s.max_rounds:
        return {"next_action": "finalize", "stop_reason": f"max_rounds ({s.max_rounds}) reached", "queue": []}
    return {"next_action": "correct", "queue": failures, "round": s.round + 1, "round_failures": failures}
