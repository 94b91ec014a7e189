"""Shared runner for the IFBench pass/fail tables: strict verdict and loose verdict per row."""

from __future__ import annotations

from typing import Any

from graph.constraints import build
from graph.constraints.verify import check_loose

# custom:european_capitals_sort's list in the required order, written down from IFBench's
# specification independently of the checker's own copy (a typo there must fail a test).
CAPITALS = [
    "Reykjavik",
    "Helsinki",
    "Oslo",
    "Tallinn",
    "Stockholm",
    "Riga",
    "Moscow",
    "Copenhagen",
    "Vilnius",
    "Minsk",
    "Dublin",
    "Berlin",
    "Amsterdam",
    "Warsaw",
    "London",
    "Brussels",
    "Prague",
    "Luxembourg",
    "Paris",
    "Vienna",
    "Bratislava",
    "Budapest",
    "Vaduz",
    "Chisinau",
    "Bern",
    "Ljubljana",
    "Zagreb",
]

# (constraint id, kwargs, response, passes strict, passes loose)
Case = tuple[str, dict[str, Any], str, bool, bool]


def run_case(constraint_id: str, kwargs: dict[str, Any], response: str, strict: bool, loose: bool) -> None:
    constraint = build(constraint_id, kwargs)
    result = constraint.check(response)
    assert result.passed is strict, (constraint_id, response, result.detail)
    assert check_loose(constraint, response).passed is loose, (constraint_id, response)
    if not result.passed:
        assert result.detail and result.detail != "ok"
