"""Regex kwargs are time-bounded: a runaway pattern is refused by name, real ones keep re's verdicts."""

from __future__ import annotations

import re
import time

import pytest

from graph.constraints import verify
from graph.constraints.patterns import BUDGET_S, KwargPattern, pattern_budget
from graph.errors import PatternBudgetError

RUNAWAY = ["(a|a)+$", "(aa|a)+$", "(a|a)*$"]


@pytest.mark.parametrize("pattern", RUNAWAY)
@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "field"),
    [
        ("keywords:existence", lambda p: {"keywords": ["tea", p]}, "constraints[0].kwargs.keywords.1"),
        (
            "keywords:frequency",
            lambda p: {"keyword": p, "frequency": 1, "relation": "at least"},
            "constraints[0].kwargs.keyword",
        ),
        (
            "keywords:forbidden_words",
            lambda p: {"forbidden_words": [p]},
            "constraints[0].kwargs.forbidden_words.0",
        ),
        (
            "detectable_format:multiple_sections",
            lambda p: {"section_spliter": p, "num_sections": 2},
            "constraints[0].kwargs.section_spliter",
        ),
        (
            "detectable_content:postscript",
            lambda p: {"postscript_marker": p},
            "constraints[0].kwargs.postscript_marker",
        ),
    ],
)
def test_a_runaway_pattern_is_refused_within_the_budget(pattern, constraint_id, kwargs, field) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with pytest.raises(PatternBudgetError) as caught:
        verify("a" * 60 + "!", [{"id": constraint_id, "kwargs": kwargs(pattern)}])
    assert time.perf_counter() - started < 4 * BUDGET_S  # generous: a shared machine
    assert caught.value.field == field
    assert "catastrophic" in caught.value.message


def test_the_budget_is_shared_by_every_match_of_one_verification() -> None:
    specs = [{"id": "keywords:existence", "kwargs": {"keywords": [p]}} for p in RUNAWAY * 10]
    started = time.perf_counter()
    with pytest.raises(PatternBudgetError) as caught:
        verify("a" * 60 + "!", specs)
    assert time.perf_counter() - started < 4 * BUDGET_S
    assert caught.value.field == "constraints[0].kwargs.keywords.0"


@pytest.mark.parametrize(
    ("pattern", "text", "flags"),
    [
        ("react.js", "I like React.js and reactXjs", re.IGNORECASE),
        ("2*input", "the 22input and input", re.IGNORECASE),
        ("tea", "TEA, tea and Tea", re.IGNORECASE),
        (r"\bcolou?r\b", "Colour and color, not colours", re.IGNORECASE),
        ("é", "École é É", re.IGNORECASE),
    ],
)
def test_matches_equal_the_standard_engines(pattern: str, text: str, flags: int) -> None:
    bounded = KwargPattern(pattern, field="k", flags=flags)
    assert bounded.findall(text) == re.findall(pattern, text, flags)
    assert bool(bounded.search(text)) == bool(re.search(pattern, text, flags))
    assert bounded.split(text) == re.split(pattern, text, flags=flags)


def test_an_outer_budget_is_shared_and_drawn_down() -> None:
    with pattern_budget(0.05) as outer:
        with pattern_budget() as inner:
            assert inner is outer
            KwargPattern("te+a", field="k").findall("tea " * 1000)
        assert 0 < outer.left < 0.05


def test_a_literal_is_never_charged_nor_refused() -> None:
    """A real keyword's verdict must not depend on load: literals run outside the budget."""
    with pattern_budget(0.0) as spent:
        assert KwargPattern("tea", field="k").findall("tea " * 1000) == ["tea"] * 1000
        assert spent.left == 0.0
        with pytest.raises(PatternBudgetError):
            KwargPattern("te+a", field="k").search("tea")
