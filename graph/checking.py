"""Thin helpers over the constraint library for the graph: build once, check all, compare outcomes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from graph.constraints import Constraint, build_constraints, verify
from graph.result import Usage
from graph.state import Verdict


@lru_cache(maxsize=4096)
def _built(key: str) -> tuple[Constraint[Any], ...]:
    return tuple(build_constraints(json.loads(key)))


def constraints_of(specs: Sequence[dict[str, Any]]) -> tuple[Constraint[Any], ...]:
    """Constraint objects for specs; cached, because every node of every round needs them."""
    return _built(json.dumps(list(specs), sort_keys=True))


def check_all(constraints: Sequence[Constraint[Any]], text: str, mode: str) -> list[Verdict]:
    """A fresh verdict for every constraint (the only source of any pass the result reports)."""
    results = verify(text, list(constraints), mode="loose" if mode == "loose" else "strict")
    return [Verdict(id=r.constraint_id, passed=r.passed, detail=r.detail) for r in results]


def failing(verdicts: Sequence[Verdict]) -> list[int]:
    return [index for index, verdict in enumerate(verdicts) if not verdict["passed"]]


def passes(verdicts: Sequence[Verdict]) -> int:
    return sum(1 for verdict in verdicts if verdict["passed"])


def acceptable(targets: Sequence[int], before: Sequence[Verdict], after: Sequence[Verdict]) -> bool:
    """Keep a candidate that passes more constraints, or fixes its targets without passing fewer."""
    gained = passes(after) - passes(before)
    return gained > 0 or (gained == 0 and all(after[i]["passed"] for i in targets))


def over_budget(usage: Usage, max_tokens: int | None, max_cost: float | None) -> bool:
    """True once the tokens or the cost spent reach the run's budget."""
    if max_tokens is not None and usage.prompt_tokens + usage.completion_tokens >= max_tokens:
        return True
    return max_cost is not None and (usage.cost_usd or 0.0) >= max_cost
