"""Property: an IFBench repair is refused (None) or passes its check and keeps the response's words.

Words are compared as the sequence of lower-cased letters (digits may be list numbering), so case, spacing, quotes,
brackets, bullets, tags and separators named in the kwargs may change (the markup a constraint asks for) but no word may
be added, dropped or reordered, except where the constraint dictates it (``DICTATED``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import build, catalogue
from graph.constraints.ifbench.ids import OFFICIAL_IDS
from tests.graph.constraints.conftest import read_jsonl

REPAIRABLE = [cid for cid in OFFICIAL_IDS if cid in catalogue() and catalogue()[cid].has_repair]
# ids whose instruction itself dictates other words or another order (the reason after each)
# (their words are kept, reordered or respelled: tests/graph/constraints/ifbench/test_repairs_markup.py)
DICTATED: dict[str, str] = {
    "custom:word_reverse": "words in reverse order",
    "custom:character_reverse": "characters in reverse order",
    "custom:reverse_newline": "lines sorted Z to A",
    "custom:european_capitals_sort": "the 27 capitals in latitude order",
    "custom:date_format_list": "dates respelled as YYYY-MM-DD",
}
_LETTERS = re.compile(r"[^\W\d_]")  # letters only: digits may be list numbering (markup)

PIECES = [*"abcXYZ ,.;:!?*#-()[]{}\"'\n\t0123456789é", "\n\n", "* ", "- ", "😀", "Paris", "Hello world"]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


_TAG = re.compile(r"</?(?:i|em|b|strong)>")  # emphasis tags a constraint may ask for


def letters(text: str, kwargs: dict[str, Any]) -> list[str]:
    """The letters of ``text`` outside markup: tags and the kwargs' own strings (a separator)."""
    for value in kwargs.values():
        if isinstance(value, str) and value.strip():
            text = text.replace(value, " ")
    return [ch.lower() for ch in _LETTERS.findall(_TAG.sub(" ", text))]


def assert_sound(constraint_id: str, kwargs: dict[str, Any], text: str) -> None:
    constraint = build(constraint_id, kwargs)
    fixed = constraint.repair(text)
    if fixed is None:
        return
    assert fixed != text
    assert constraint.check(fixed).passed, (constraint_id, text, fixed)
    if constraint_id not in DICTATED:
        assert letters(fixed, kwargs) == letters(text, kwargs), (constraint_id, text, fixed)


def test_some_repairs_exist() -> None:
    assert "words:vowel" in REPAIRABLE


@pytest.mark.parametrize("constraint_id", REPAIRABLE)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_repair_is_none_or_sound_on_generated_text(constraint_id: str, text: str) -> None:
    assert_sound(constraint_id, catalogue()[constraint_id].example, text)


@pytest.mark.benchmarks
@pytest.mark.parametrize("constraint_id", REPAIRABLE)
def test_repair_is_none_or_sound_on_the_sample_responses(benchmarks_dir: Path, constraint_id: str) -> None:
    base = benchmarks_dir / "ifbench"
    responses = [row["response"] for row in read_jsonl(base / "sample_output.jsonl")]
    kwargs = [
        {k: v for k, v in kw.items() if v is not None}
        for row in read_jsonl(base / "IFBench_test.jsonl")
        for cid, kw in zip(row["instruction_id_list"], row["kwargs"], strict=True)
        if cid == constraint_id
    ] or [catalogue()[constraint_id].example]
    for text in responses:
        for kw in kwargs[:2]:
            assert_sound(constraint_id, kw, text)
