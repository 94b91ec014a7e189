"""Mechanical repairs make their constraint pass on real responses and change little else."""

from __future__ import annotations

import difflib
import json
from typing import Any

import pytest

from graph.constraints import build, catalogue

REQUIRED_REPAIRS = {
    "change_case:english_lowercase", "change_case:english_capital", "punctuation:no_comma",
    "detectable_content:postscript", "startend:end_checker", "startend:quotation", "detectable_format:title",
    "detectable_format:json_format", "detectable_format:constrained_response", "combination:two_responses",
    "combination:repeat_prompt", "detectable_content:number_placeholders", "detectable_format:multiple_sections",
    "detectable_format:number_highlighted_sections", "detectable_format:number_bullet_lists",
    "length_constraints:number_paragraphs", "change_case:capital_word_frequency", "length_constraints:number_sentences",
    "length_constraints:nth_paragraph_first_word",
}  # fmt: skip


def test_required_constraints_have_repairs() -> None:
    assert {cid for cid, cls in catalogue().items() if cls.has_repair} >= REQUIRED_REPAIRS


@pytest.mark.benchmarks
def test_repairs_pass_on_real_failing_responses(fci_rows: list[dict[str, Any]]) -> None:
    attempted, repaired, wrong = 0, 0, []
    for row in fci_rows:
        for cid, kwargs in zip(row["instruction_id_list"], row["kwargs"], strict=True):
            constraint = build(cid, kwargs)
            if not constraint.has_repair or constraint.check(row["response"]).passed:
                continue
            attempted += 1
            fixed = constraint.repair(row["response"])
            if fixed is None:
                continue
            repaired += 1
            if not constraint.check(fixed).passed:
                wrong.append((cid, row["response"][:80]))
    assert wrong == []
    assert attempted > 1000
    # Case repairs give up on non-English text and constrained_response without a yes/no: most succeed.
    assert repaired / attempted > 0.85, (repaired, attempted)


def _changed_ratio(before: str, after: str) -> float:
    return 1.0 - difflib.SequenceMatcher(None, before, after, autojunk=False).ratio()


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "response", "expected"),
    [
        ("punctuation:no_comma", {}, "Red, green, and blue.", "Red green and blue."),
        ("startend:quotation", {}, "  Hello there.\n", '"Hello there."'),
        (
            "startend:end_checker",
            {"end_phrase": "Any questions?"},
            '"Quoted body."',
            '"Quoted body. Any questions?"',
        ),
        (
            "combination:repeat_prompt",
            {"prompt_to_repeat": "Name a color."},
            "Blue.",
            "Name a color.\n\nBlue.",
        ),
        (
            "combination:two_responses",
            {},
            "Answer one.\n---\nAnswer two.",
            "Answer one.\n******\nAnswer two.",
        ),
        ("detectable_format:constrained_response", {}, "Yes, it is.", "My answer is yes. Yes, it is."),
        ("detectable_format:title", {}, "# Sea Poem\nWaves.", "<<Sea Poem>>\nWaves."),
        ("detectable_format:json_format", {}, '** {"a": [1, 2]} **', '{"a": [1, 2]}'),
        ("detectable_format:json_format", {}, 'Result:\n{"a": 1}', '[\n  "Result:",\n  "{\\"a\\": 1}"\n]'),
        (
            "detectable_format:number_highlighted_sections",
            {"num_highlights": 2},
            "Tea is calm. Coffee is loud, and fast. The end.",
            "**Tea is calm**. **Coffee is loud, and fast**. The end.",
        ),
        (
            "detectable_format:number_bullet_lists",
            {"num_bullets": 2},
            "Intro.\n* a\n* b\n* c",
            "Intro.\n* a b\n* c",
        ),
        (
            "detectable_format:number_bullet_lists",
            {"num_bullets": 2},
            "Steps:\n1. Boil water.\n2. Add tea.",
            "Steps:\n* Boil water.\n* Add tea.",
        ),
        (
            "length_constraints:number_paragraphs",
            {"num_paragraphs": 2},
            "One.\n\nTwo.\n\nThree.",
            "One.\n\nTwo.\n\n***\n\nThree.",
        ),
        (
            "length_constraints:nth_paragraph_first_word",
            {"num_paragraphs": 2, "nth_paragraph": 2, "first_word": "however"},
            "Tea is good. However, coffee wins. Both are hot.",
            "Tea is good.\n\nHowever, coffee wins. Both are hot.",
        ),
        (
            "length_constraints:number_sentences",
            {"num_sentences": 3, "relation": "less than"},
            "Tea is good. Coffee is hot. Water is wet.",
            "Tea is good; Coffee is hot. Water is wet.",
        ),
        (
            "change_case:capital_word_frequency",
            {"capital_frequency": 2, "capital_relation": "less than"},
            "NOTE: the TEA is HOT and the TEA is good.",
            "NOTE: the Tea is Hot and the Tea is good.",
        ),
        (
            "change_case:capital_word_frequency",
            {"capital_frequency": 2, "capital_relation": "at least"},
            "Drink warm green tea.",
            "DRINK WARM green tea.",
        ),
        (
            "detectable_format:multiple_sections",
            {"section_spliter": "SECTION", "num_sections": 2},
            "Section 1\nIntro.\n\nSection 2\nBody.",
            "SECTION 1\nIntro.\n\nSECTION 2\nBody.",
        ),
    ],
)
def test_repair_output(constraint_id: str, kwargs: dict[str, Any], response: str, expected: str) -> None:
    assert build(constraint_id, kwargs).repair(response) == expected


def test_repairs_are_minimal_on_long_text() -> None:
    body = "\n\n".join(f"Paragraph {i} talks about rivers and stones at length." for i in range(20))
    for cid, kwargs in [
        ("detectable_content:postscript", {"postscript_marker": "P.S."}),
        ("startend:end_checker", {"end_phrase": "That is all."}),
        ("detectable_content:number_placeholders", {"num_placeholders": 2}),
        ("startend:quotation", {}),
    ]:
        fixed = build(cid, kwargs).repair(body)
        assert fixed is not None, cid
        assert body[:-1] in fixed, cid
        assert _changed_ratio(body, fixed) < 0.1, cid


def test_repair_refuses_what_it_cannot_decide() -> None:
    assert build("detectable_format:constrained_response", {}).repair("It depends on the weather.") is None
    german = "das ist ein deutscher satz über das wetter heute."
    assert build("change_case:english_capital", {}).repair(german) is None
    assert (
        build("detectable_format:multiple_sections", {"section_spliter": "Day", "num_sections": 5}).repair(
            "x"
        )
        is None
    )
    assert (
        build("length_constraints:number_words", {"num_words": 9, "relation": "at least"}).repair("short")
        is None
    )


def test_json_repair_wraps_plain_text_as_json() -> None:
    fixed = build("detectable_format:json_format", {}).repair("Plain answer, no JSON.")
    assert fixed is not None and json.loads(fixed) == ["Plain answer, no JSON."]
