"""One pass/fail table per constraint family, with the awkward inputs real responses contain."""

from __future__ import annotations

from typing import Any

import pytest

from graph.constraints import build, verify

EOT = "<|eot_id|>"
LONG = " ".join(["word"] * 300)

# (constraint id, kwargs, response, passes strict)
CASES: dict[str, list[tuple[str, dict[str, Any], str, bool]]] = {
    "keywords": [
        ("keywords:existence", {"keywords": ["river", "stone"]}, "A River of Stone.", True),
        ("keywords:existence", {"keywords": ["river", "stone"]}, "A river only.", False),
        ("keywords:existence", {"keywords": ["café"]}, "Le CAFÉ est ouvert.", True),
        (
            "keywords:frequency",
            {"keyword": "data", "frequency": 3, "relation": "at least"},
            "data Data DATA",
            True,
        ),
        (
            "keywords:frequency",
            {"keyword": "data", "frequency": 3, "relation": "less than"},
            "data Data DATA",
            False,
        ),
        (
            "keywords:frequency",
            {"keyword": "data", "frequency": 1, "relation": "less than"},
            "metadata",
            False,
        ),
        ("keywords:forbidden_words", {"forbidden_words": ["bad"]}, "Badge and badger are fine.", True),
        ("keywords:forbidden_words", {"forbidden_words": ["bad"]}, "That was BAD.", False),
        (
            "keywords:letter_frequency",
            {"letter": "e", "let_frequency": 3, "let_relation": "at least"},
            "EeE",
            True,
        ),
        (
            "keywords:letter_frequency",
            {"letter": "e", "let_frequency": 3, "let_relation": "less than"},
            "eee",
            False,
        ),
        (
            "keywords:letter_frequency",
            {"letter": "!", "let_frequency": 2, "let_relation": "at least"},
            "Hi!!",
            True,
        ),
        (
            "keywords:letter_frequency",
            {"letter": "#", "let_frequency": 1, "let_relation": "less than"},
            "# h",
            False,
        ),
    ],
    "language": [
        (
            "language:response_language",
            {"language": "de"},
            "Das ist ein kurzer deutscher Satz über das Wetter.",
            True,
        ),
        (
            "language:response_language",
            {"language": "de"},
            "This is an English sentence about the weather.",
            False,
        ),
        (
            "language:response_language",
            {"language": "ru"},
            "Это короткое предложение о погоде в Москве.",
            True,
        ),
        ("language:response_language", {"language": "ko"}, "오늘 날씨가 정말 좋네요. 산책하러 갈까요?", True),
        (
            "language:response_language",
            {"language": "fi"},
            "12345 !!! ???",
            True,
        ),  # no features: passes, as officially
        ("language:response_language", {"language": "it"}, "   ", False),
    ],
    "length": [
        ("length_constraints:number_words", {"num_words": 300, "relation": "at least"}, LONG, True),
        ("length_constraints:number_words", {"num_words": 300, "relation": "less than"}, LONG, False),
        ("length_constraints:number_words", {"num_words": 3, "relation": "less than"}, "état, naïve", True),
        (
            "length_constraints:number_words",
            {"num_words": 5, "relation": "at least"},
            f"One two three four{EOT}",
            True,
        ),
        (
            "length_constraints:number_sentences",
            {"num_sentences": 2, "relation": "less than"},
            "Dr. Smith left.",
            True,
        ),
        (
            "length_constraints:number_sentences",
            {"num_sentences": 3, "relation": "at least"},
            "One. Two. Three",
            True,
        ),
        (
            "length_constraints:number_sentences",
            {"num_sentences": 2, "relation": "at least"},
            "Cut off mid sent",
            False,
        ),
        ("length_constraints:number_paragraphs", {"num_paragraphs": 2}, "First.\n***\nSecond.", True),
        (
            "length_constraints:number_paragraphs",
            {"num_paragraphs": 2},
            "***\nFirst.\n***\nSecond.\n***",
            True,
        ),
        ("length_constraints:number_paragraphs", {"num_paragraphs": 3}, "A\n***\n\n***\nB", False),
        ("length_constraints:number_paragraphs", {"num_paragraphs": 2}, "A\n******\nB", False),
        (
            "length_constraints:nth_paragraph_first_word",
            {"num_paragraphs": 2, "nth_paragraph": 2, "first_word": "however"},
            'Intro.\n\n"However, no."',
            True,
        ),
        (
            "length_constraints:nth_paragraph_first_word",
            {"num_paragraphs": 2, "nth_paragraph": 2, "first_word": "however"},
            "Intro.\n\nThe end.",
            False,
        ),
        # Official quirk: an extra blank line leaves an empty piece at index 2, so paragraph 2 is "empty".
        (
            "length_constraints:nth_paragraph_first_word",
            {"num_paragraphs": 2, "nth_paragraph": 2, "first_word": "the"},
            "Intro.\n\n\n\nThe end.",
            False,
        ),
        (
            "length_constraints:nth_paragraph_first_word",
            {"num_paragraphs": 2, "nth_paragraph": 1, "first_word": "intro"},
            "Intro.\n\n\n\nThe end.",
            True,
        ),
    ],
    "content": [
        ("detectable_content:postscript", {"postscript_marker": "P.S."}, "Body.\n\nP.S. see you", True),
        (
            "detectable_content:postscript",
            {"postscript_marker": "P.S."},
            "Body.\n\np. s. lowercase counts",
            True,
        ),
        ("detectable_content:postscript", {"postscript_marker": "P.P.S"}, "Body.\nP.P.S. more", True),
        ("detectable_content:postscript", {"postscript_marker": "P.S."}, "Body. PS without dots", False),
        (
            "detectable_content:number_placeholders",
            {"num_placeholders": 2},
            "Dear [name], at [address]",
            True,
        ),
        ("detectable_content:number_placeholders", {"num_placeholders": 2}, "Dear [name]", False),
        ("detectable_content:number_placeholders", {"num_placeholders": 1}, "【name】 full-width", False),
    ],
    "format": [
        ("detectable_format:number_bullet_lists", {"num_bullets": 2}, "* one\n* two", True),
        ("detectable_format:number_bullet_lists", {"num_bullets": 2}, "- one\n* two\n** bold", True),
        ("detectable_format:number_bullet_lists", {"num_bullets": 2}, "* one\n* two\n- three", False),
        ("detectable_format:constrained_response", {}, "My answer is yes.", True),
        ("detectable_format:constrained_response", {}, "Yes, definitely.", False),
        ("detectable_format:number_highlighted_sections", {"num_highlights": 2}, "*one* and **two**", True),
        ("detectable_format:number_highlighted_sections", {"num_highlights": 2}, "** ** and * *", False),
        (
            "detectable_format:multiple_sections",
            {"section_spliter": "SECTION", "num_sections": 2},
            "SECTION 1\nA\nSECTION 2\nB",
            True,
        ),
        (
            "detectable_format:multiple_sections",
            {"section_spliter": "SECTION", "num_sections": 2},
            "Section 1\nA\nSection 2\nB",
            False,
        ),
        ("detectable_format:json_format", {}, '```json\n{"a": 1}\n```', True),
        ("detectable_format:json_format", {}, "```JSON\n[1, 2]\n```", True),
        ("detectable_format:json_format", {}, 'Here it is: {"a": 1}', False),
        ("detectable_format:json_format", {}, '{"a": 1}' + EOT, False),
        ("detectable_format:title", {}, "<<My Title>>\nText", True),
        ("detectable_format:title", {}, "<< >>\nText", False),
        ("detectable_format:title", {}, "<<broken\ntitle>>", False),
    ],
    "combination": [
        ("combination:two_responses", {}, "First answer.\n******\nSecond answer.", True),
        ("combination:two_responses", {}, "Same.\n******\nSame.", False),
        ("combination:two_responses", {}, "One.\n***\nTwo.", False),
        ("combination:two_responses", {}, "A\n******\n\n******\nB", False),
        ("combination:repeat_prompt", {"prompt_to_repeat": "Write a poem."}, "write a poem. Roses...", True),
        ("combination:repeat_prompt", {"prompt_to_repeat": "Write a poem."}, "Sure! Write a poem.", False),
    ],
    "startend": [
        (
            "startend:end_checker",
            {"end_phrase": "Is there anything else?"},
            "Done. Is there anything else?",
            True,
        ),
        (
            "startend:end_checker",
            {"end_phrase": "Is there anything else?"},
            '"Done. is there anything else?"',
            True,
        ),
        (
            "startend:end_checker",
            {"end_phrase": "Is there anything else?"},
            f"Done. Is there anything else?{EOT}",
            False,
        ),
        ("startend:quotation", {}, '  "quoted"  ', True),
        ("startend:quotation", {}, "“curly quotes”", False),
        ("startend:quotation", {}, '"', False),
    ],
    "case": [
        ("change_case:english_lowercase", {}, "all lowercase english text about the sea.", True),
        ("change_case:english_lowercase", {}, "All lowercase except one.", False),
        ("change_case:english_lowercase", {}, "das ist ein deutscher satz über das wetter heute.", False),
        ("change_case:english_capital", {}, "ALL CAPITALS ENGLISH TEXT ABOUT THE SEA.", True),
        ("change_case:english_capital", {}, "ALL CAPS BUT one", False),
        (
            "change_case:capital_word_frequency",
            {"capital_frequency": 2, "capital_relation": "at least"},
            "I think NASA is great.",
            True,
        ),
        (
            "change_case:capital_word_frequency",
            {"capital_frequency": 2, "capital_relation": "less than"},
            "I DON'T KNOW.",
            False,
        ),
    ],
    "punctuation": [
        ("punctuation:no_comma", {}, "No commas here at all.", True),
        ("punctuation:no_comma", {}, "One, two.", False),
        ("punctuation:no_comma", {}, "Full-width comma，is not a comma for the checker.", True),
    ],
}


def _cases() -> list[Any]:
    return [
        pytest.param(cid, kwargs, response, expected, id=f"{family}-{cid.split(':')[1]}-{index}")
        for family, rows in CASES.items()
        for index, (cid, kwargs, response, expected) in enumerate(rows)
    ]


@pytest.mark.parametrize(("constraint_id", "kwargs", "response", "expected"), _cases())
def test_verdict(constraint_id: str, kwargs: dict[str, Any], response: str, expected: bool) -> None:
    result = build(constraint_id, kwargs).check(response)
    assert result.passed is expected, result.detail
    if not expected:
        assert result.detail and result.detail != "ok"


@pytest.mark.parametrize("constraint_id", sorted({case[0] for rows in CASES.values() for case in rows}))
@pytest.mark.parametrize("blank", ["", "   \n\t  "])
def test_empty_or_whitespace_response_follows_nothing(constraint_id: str, blank: str) -> None:
    kwargs = next(case[1] for rows in CASES.values() for case in rows if case[0] == constraint_id)
    result = build(constraint_id, kwargs).check(blank)
    assert not result.passed
    assert "empty" in result.detail


def test_details_name_the_failure_precisely() -> None:
    words = build("length_constraints:number_words", {"num_words": 300, "relation": "at least"})
    assert words.check(" ".join(["w"] * 212)).detail == "has 212 words; needs at least 300"
    commas = build("punctuation:no_comma", {}).check("We crossed the river, and then we rested, happily.")
    assert commas.detail.startswith("2 commas, first at: '")
    assert "river, and" in commas.detail
    nth = build(
        "length_constraints:nth_paragraph_first_word",
        {"num_paragraphs": 3, "nth_paragraph": 3, "first_word": "however"},
    ).check("a\n\nb\n\nThe end")
    assert nth.detail == "paragraph 3 starts with 'the'; must start with 'however'"


def test_loose_mode_forgives_a_preamble_line_and_markdown_stars() -> None:
    response = "Sure, here it is:\n*all lowercase english text about gardens and trees.*"
    spec = [{"id": "change_case:english_lowercase"}, {"id": "punctuation:no_comma"}]
    strict = verify(response, spec, mode="strict")
    loose = verify(response, spec, mode="loose")
    assert [r.passed for r in strict] == [False, False]
    assert [r.passed for r in loose] == [True, True]
    assert loose[0].detail.startswith("passes on loose variant")
