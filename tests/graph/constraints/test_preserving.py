"""Property: every IFEval repair is content-preserving (graph.constraints.preserving), whatever the text.

The response's words survive in order (case and markup aside); the only words a repair may add
are those its constraint dictates. Checked on generated texts and on the paper's failing rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import build, catalogue
from graph.constraints.preserving import content_words, dictated_by, extra_words, preserves_content

REPAIRS: list[tuple[str, dict[str, Any]]] = [
    ("change_case:english_lowercase", {}),
    ("change_case:english_capital", {}),
    ("change_case:capital_word_frequency", {"capital_frequency": 3, "capital_relation": "less than"}),
    ("change_case:capital_word_frequency", {"capital_frequency": 4, "capital_relation": "at least"}),
    ("punctuation:no_comma", {}),
    ("detectable_content:postscript", {"postscript_marker": "P.S."}),
    ("detectable_content:number_placeholders", {"num_placeholders": 3}),
    ("startend:end_checker", {"end_phrase": "Any other questions?"}),
    ("startend:quotation", {}),
    ("detectable_format:title", {}),
    ("detectable_format:json_format", {}),
    ("detectable_format:constrained_response", {}),
    ("detectable_format:multiple_sections", {"section_spliter": "SECTION", "num_sections": 2}),
    ("detectable_format:number_highlighted_sections", {"num_highlights": 3}),
    ("detectable_format:number_bullet_lists", {"num_bullets": 3}),
    ("detectable_format:number_bullet_lists", {"num_bullets": 0}),
    ("combination:two_responses", {}),
    ("combination:repeat_prompt", {"prompt_to_repeat": "Tell me about the sea."}),
    ("length_constraints:number_paragraphs", {"num_paragraphs": 3}),
    (
        "length_constraints:nth_paragraph_first_word",
        {"num_paragraphs": 3, "nth_paragraph": 2, "first_word": "tea"},
    ),
    ("length_constraints:number_sentences", {"num_sentences": 3, "relation": "less than"}),
]

PIECES = [
    *"abcXYZ ,.;:!?*#-<>[]{}\"'\n\t0123456789",
    "\n\n", "***", "******", "* ", "- ", "1. ", "```json", "yes ", "My answer is: Yes",
    "Tea is hot. ", "tea, however, ", "THE SEA ", "I ", "Section 1 ", "# Heading\n", "P.S. ", "e.g. ",
    "Mr. Smith went. ", "word ", "Hello there! ", "\\", "{\"a\": 1}",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def test_every_ifeval_repair_is_listed() -> None:
    repairable = {
        cid for cid, cls in catalogue().items() if cls.has_repair and "ifbench" not in cls.__module__
    }
    assert repairable <= {cid for cid, _ in REPAIRS}


@pytest.mark.parametrize(("constraint_id", "kwargs"), REPAIRS, ids=[f"{c}{k}" for c, k in REPAIRS])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_repairs_preserve_content(constraint_id: str, kwargs: dict[str, Any], text: str) -> None:
    fixed = build(constraint_id, kwargs).repair(text)
    if fixed is not None:
        allowed = dictated_by(constraint_id, kwargs, fixed)
        assert preserves_content(text, fixed, allowed), (text, fixed, extra_words(text, fixed))


@pytest.mark.benchmarks
def test_repairs_preserve_content_on_real_rows(fci_rows: list[dict[str, Any]]) -> None:
    checked = 0
    for row in fci_rows:
        for cid, kwargs in zip(row["instruction_id_list"], row["kwargs"], strict=True):
            fixed = build(cid, kwargs).repair(row["response"])
            if fixed is not None:
                checked += 1
                assert preserves_content(row["response"], fixed, dictated_by(cid, kwargs, fixed)), cid
    assert checked > 1500


@pytest.mark.parametrize(
    ("before", "after", "allowed", "expected"),
    [
        ("Red, green and blue.", "red green AND blue", (), True),
        ("1. Boil water.\n2. Add tea.", "* Boil water.\n* Add tea.", (), True),
        ("Tea is hot.", "Tea is very hot.", (), False),
        ("Tea is hot.", "Tea hot.", (), False),
        ("Tea is hot.", "is Tea hot.", (), False),
        ("Tea is hot.", "Tea is hot. Any questions?", ("any", "questions"), True),
    ],
)
def test_the_definition(before: str, after: str, allowed: tuple[str, ...], expected: bool) -> None:
    assert preserves_content(before, after, allowed) is expected


def test_words_are_case_folded_runs() -> None:
    assert content_words("It's **BIG**, isn't it?") == ["it", "s", "big", "isn", "t", "it"]
