"""sentence:*: alliteration that grows, a keyword in sentence N, word counts that grow by n."""

from __future__ import annotations

import pytest

from graph.constraints import build
from graph.errors import ConstraintParamError
from tests.graph.constraints.ifbench.cases import Case, run_case

KW = {"word": "cat", "N": 2}
CASES: list[Case] = [
    # alliteration: scores 0 < 2 < 3 (a run of two scores 2, each extra word 1)
    ("sentence:alliteration_increment", {}, "Hello there. Big bear. Sally sells sea.", True, True),
    ("sentence:alliteration_increment", {}, "Big bear. Sad sun.", False, False),  # 2 then 2: equal fails
    ("sentence:alliteration_increment", {}, "Big bear. Sally sells sea.", True, True),
    ("sentence:alliteration_increment", {}, "One sentence only.", True, True),  # vacuous: one sentence
    (
        "sentence:alliteration_increment",
        {},
        'No run here. (Big) "bear" now.',
        True,
        True,
    ),  # leading marks dropped
    # keyword in the N-th sentence: N-1, N, N+1 sentences
    ("sentence:keyword", KW, "One. Two.", False, False),
    ("sentence:keyword", KW, "One. The cat sat.", True, True),
    ("sentence:keyword", KW, "One. The cat sat. Three.", True, True),
    ("sentence:keyword", KW, "One.", False, False),  # fewer sentences than N
    ("sentence:keyword", KW, "The cat. Two.", False, False),  # wrong sentence
    ("sentence:keyword", KW, "One. Cats sat.", False, False),  # whole word only
    ("sentence:keyword", KW, "One. A CAT sat.", True, True),  # case-insensitive
    ("sentence:keyword", {"word": "cat", "N": 0}, "One. Two. The cat.", True, True),  # N=0: last sentence
    ("sentence:keyword", {"word": "cat", "N": 2.0}, "One. The cat sat.", True, True),  # floats as in rows
    # increment by n: exactly n, n-1, n+1 more words
    ("sentence:increment", {"small_n": 2}, "One two. One two three four.", True, True),
    ("sentence:increment", {"small_n": 2}, "One two. One two three.", False, False),
    ("sentence:increment", {"small_n": 2}, "One two. One two three four five.", False, False),
    ("sentence:increment", {"small_n": 1}, "A b. Don't - stop now.", True, True),  # "-" is no word
    ("sentence:increment", {"small_n": 3}, "Just one sentence here.", True, True),  # vacuous
    ("sentence:increment", {"small_n": 1}, "Intro line\nA b. A b c.", False, True),  # loose drops line 1
]


@pytest.mark.parametrize(("constraint_id", "kwargs", "response", "strict", "loose"), CASES)
def test_sentence_cases(constraint_id: str, kwargs: dict, response: str, strict: bool, loose: bool) -> None:
    run_case(constraint_id, kwargs, response, strict, loose)


def test_details_say_by_how_much() -> None:
    detail = build("sentence:increment", {"small_n": 2}).check("One two. One two three.").detail
    assert "has 3 words; needs 4" in detail and "-1" in detail
    assert (
        "sentence 2 has 2" in build("sentence:alliteration_increment", {}).check("Big bear. Sad sun.").detail
    )
    assert "has 1 sentences" in build("sentence:keyword", KW).check("One.").detail


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "field"),
    [
        ("sentence:keyword", {"N": 2}, "word"),
        ("sentence:keyword", {"word": "cat", "N": None}, "N"),
        ("sentence:keyword", {"word": "", "N": 2}, "word"),
        ("sentence:keyword", {"word": "cat", "N": -1}, "N"),
        ("sentence:increment", {"small_n": None}, "small_n"),
        ("sentence:increment", {"small_n": -2}, "small_n"),
    ],
)
def test_missing_or_random_kwargs_are_errors(constraint_id: str, kwargs: dict, field: str) -> None:
    """The official code draws a random value here; we refuse and name the kwarg."""
    with pytest.raises(ConstraintParamError) as caught:
        build(constraint_id, kwargs)
    assert caught.value.field == field
