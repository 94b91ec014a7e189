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
    skip: tuple[int, ...] = ()  # failing constraints not to try again (infeasible pair, cycling fix)
    skip_reason: str = ""


# Repairs that add or move text run before those that lay it out, and layout before marking and
# case: a paragraph regrouping after a P.S. is added keeps the count; a merge of sentences after
# the first-word regrouping cannot hide the sentence it opened on.
_REPAIR_RANK = {
    "combination:repeat_prompt": 0,
    "detectable_format:constrained_response": 0,
    "detectable_format:json_format": 0,
    "combination:two_responses": 1,
    "detectable_format:title": 1,
    "detectable_content:postscript": 1,
    "detectable_content:number_placeholders": 1,
    "startend:end_checker": 1,
    "detectable_format:multiple_sections": 2,
    "length_constraints:nth_paragraph_first_word": 3,
    "length_constraints:number_paragraphs": 3,
    "detectable_format:number_bullet_lists": 4,
    "length_constraints:number_sentences": 5,
    "detectable_format:number_highlighted_sections": 6,
    "change_case:capital_word_frequency": 7,
    "startend:quotation": 8,
}


def repair_rank(constraint_id: str) -> int:
    """Where a constraint's fix goes in a round (see ``_REPAIR_RANK``); others in between, in order."""
    return _REPAIR_RANK.get(constraint_id, 5)


def plan_next(s: Situation) -> dict[str, Any]:
    """State updates naming the next action (correct, combine or finalize) and why a loop stops."""
    failures = failing(s.verdicts)
    if not failures:
        return {"next_action": "finalize", "stop_reason": "all constraints pass", "queue": []}
    failures = [i for i in failures if i not in s.skip]
    if not failures:
        return {"next_action": "finalize", "stop_reason": s.skip_reason or "nothing left to try", "queue": []}
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
