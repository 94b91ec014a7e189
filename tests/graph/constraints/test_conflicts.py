"""Each conflict-table entry, shown by the checks themselves: no generated text passes both sides.

Texts are drawn from pieces that include each side's own words (the prompt, the phrase, the
splitter...), then also repaired towards one side and the other, so the search reaches texts that
pass one check and asks whether the other can pass too. Near misses show the entries are not
too eager: a feasible variant of the kwargs has a witness text that passes both.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import build
from graph.constraints.conflicts import TABLE, conflict_between, find_conflicts

Kw = dict[str, Any]
EXAMPLES: dict[tuple[str, str], tuple[Kw, Kw]] = {
    ("combination:repeat_prompt", "punctuation:no_comma"): (
        {"prompt_to_repeat": "Hi, tell me about cats."},
        {},
    ),
    ("startend:end_checker", "punctuation:no_comma"): ({"end_phrase": "Thanks, bye."}, {}),
    ("keywords:existence", "punctuation:no_comma"): ({"keywords": ["salt, pepper"]}, {}),
    ("combination:repeat_prompt", "startend:quotation"): ({"prompt_to_repeat": "Tell me a joke."}, {}),
    ("combination:repeat_prompt", "detectable_format:json_format"): (
        {"prompt_to_repeat": "Write a poem."},
        {},
    ),
    ("combination:repeat_prompt", "keywords:forbidden_words"): (
        {"prompt_to_repeat": "Describe the sea briefly."},
        {"forbidden_words": ["sea"]},
    ),
    ("length_constraints:number_words", "combination:repeat_prompt"): (
        {"num_words": 4, "relation": "less than"},
        {"prompt_to_repeat": "Tell me about the sea."},
    ),
    ("length_constraints:number_words", "startend:end_checker"): (
        {"num_words": 3, "relation": "less than"},
        {"end_phrase": "Any other questions?"},
    ),
    ("change_case:english_lowercase", "change_case:english_capital"): ({}, {}),
    ("detectable_format:multiple_sections", "change_case:english_lowercase"): (
        {"section_spliter": "SECTION", "num_sections": 2},
        {},
    ),
    ("detectable_format:multiple_sections", "change_case:english_capital"): (
        {"section_spliter": "Section", "num_sections": 2},
        {},
    ),
    ("detectable_format:constrained_response", "change_case:english_lowercase"): ({}, {}),
    ("detectable_format:constrained_response", "change_case:english_capital"): ({}, {}),
    ("change_case:capital_word_frequency", "change_case:english_lowercase"): (
        {"capital_frequency": 1, "capital_relation": "at least"},
        {},
    ),
    ("change_case:capital_word_frequency", "change_case:english_capital"): (
        {"capital_frequency": 1, "capital_relation": "less than"},
        {},
    ),
    ("length_constraints:number_words", "length_constraints:number_words"): (
        {"num_words": 5, "relation": "at least"},
        {"num_words": 5, "relation": "less than"},
    ),
    ("length_constraints:number_sentences", "length_constraints:number_sentences"): (
        {"num_sentences": 2, "relation": "less than"},
        {"num_sentences": 3, "relation": "at least"},
    ),
    ("change_case:capital_word_frequency", "change_case:capital_word_frequency"): (
        {"capital_frequency": 2, "capital_relation": "at least"},
        {"capital_frequency": 2, "capital_relation": "less than"},
    ),
    ("keywords:letter_frequency", "keywords:letter_frequency"): (
        {"letter": "a", "let_frequency": 3, "let_relation": "at least"},
        {"letter": "A", "let_frequency": 2, "let_relation": "less than"},
    ),
    ("keywords:frequency", "keywords:frequency"): (
        {"keyword": "sea", "frequency": 2, "relation": "at least"},
        {"keyword": "sea", "frequency": 2, "relation": "less than"},
    ),
    ("length_constraints:number_paragraphs", "length_constraints:number_paragraphs"): (
        {"num_paragraphs": 2},
        {"num_paragraphs": 3},
    ),
    ("detectable_format:number_bullet_lists", "detectable_format:number_bullet_lists"): (
        {"num_bullets": 2},
        {"num_bullets": 3},
    ),
    ("length_constraints:nth_paragraph_first_word", "length_constraints:nth_paragraph_first_word"): (
        {"num_paragraphs": 2, "nth_paragraph": 1, "first_word": "apples"},
        {"num_paragraphs": 3, "nth_paragraph": 1, "first_word": "apples"},
    ),
}

BASE = [
    *"abcXYZ ,.;:!?*#-<>[]{}\"'\n",
    "\n\n", "***", "* ", "- ", "true", "1", "SECTION 1", "Section 2", "apples", "Apples grow. ",
    "THE SEA", "the sea", "My answer is yes.", "Hallo, wie geht es dir heute? ", "Bonjour tout le monde. ",
    "Cats purr. ", "I AM HERE. ", "aaa", "A",
]  # fmt: skip


def _pieces(a: Kw, b: Kw) -> list[str]:
    own = [str(v) for kw in (a, b) for v in kw.values() if isinstance(v, str)]
    own += [k for kw in (a, b) for v in kw.values() if isinstance(v, list) for k in v]
    return BASE + own + [o.upper() for o in own] + [o.lower() for o in own]


def test_every_entry_has_an_example() -> None:
    assert set(EXAMPLES) == set(TABLE)


@pytest.mark.parametrize("pair", sorted(TABLE), ids="|".join)
def test_the_example_triggers_its_entry(pair: tuple[str, str]) -> None:
    a, b = (build(cid, kw) for cid, kw in zip(pair, EXAMPLES[pair], strict=True))
    assert conflict_between(a, b) and conflict_between(b, a)
    [conflict] = find_conflicts([a, build("detectable_format:title"), b])
    assert conflict.first == 0 and conflict.second == 2 and conflict.ids == pair


@pytest.mark.parametrize("pair", sorted(TABLE), ids="|".join)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_text_passes_both(pair: tuple[str, str], data: st.DataObject) -> None:
    kw_a, kw_b = EXAMPLES[pair]
    a, b = build(pair[0], kw_a), build(pair[1], kw_b)
    text = data.draw(st.lists(st.sampled_from(_pieces(kw_a, kw_b)), max_size=40).map("".join))
    candidates = [text]
    for first, second in ((a, b), (b, a)):
        once = first.repair(text) or text
        candidates += [once, second.repair(once) or once]
    for candidate in candidates:
        assert not (a.check(candidate).passed and b.check(candidate).passed), (pair, candidate)


@pytest.mark.parametrize(
    ("first", "second", "witness"),
    [
        (("combination:repeat_prompt", {"prompt_to_repeat": "Tell me about cats."}), ("punctuation:no_comma", {}),
         "Tell me about cats. Cats purr."),
        (("combination:repeat_prompt", {"prompt_to_repeat": '"Quote" this.'}), ("startend:quotation", {}),
         '"Quote" this. Done."'),
        (("combination:repeat_prompt", {"prompt_to_repeat": "tru"}), ("detectable_format:json_format", {}), "true"),
        (("combination:repeat_prompt", {"prompt_to_repeat": "Describe the sea"}),
         ("keywords:forbidden_words", {"forbidden_words": ["sea"]}), "Describe the seashore."),
        (("detectable_format:multiple_sections", {"section_spliter": "SECTION", "num_sections": 1}),
         ("change_case:english_capital", {}), "SECTION 1\nHELLO THERE FRIEND."),
        (("language:response_language", {"language": "en"}), ("change_case:english_lowercase", {}),
         "the quick brown fox jumps over the lazy dog and runs away into the forest."),
        (("change_case:capital_word_frequency", {"capital_frequency": 2, "capital_relation": "less than"}),
         ("change_case:english_capital", {}), "OK 123."),
        (("length_constraints:number_words", {"num_words": 5, "relation": "at least"}),
         ("length_constraints:number_words", {"num_words": 6, "relation": "less than"}), "one two three four five"),
        (("keywords:existence", {"keywords": ["cat"]}), ("keywords:forbidden_words", {"forbidden_words": ["cat"]}),
         "A catalogue."),
    ],
)  # fmt: skip
def test_near_misses_are_not_conflicts(first: tuple[str, Kw], second: tuple[str, Kw], witness: str) -> None:
    a, b = build(*first), build(*second)
    assert conflict_between(a, b) is None
    assert a.check(witness).passed and b.check(witness).passed
