"""Each shortcut in the checkers gives exactly the answer of the plain computation it replaces."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import compiled, text
from graph.constraints.keywords import ForbiddenWords, LetterFrequency, keyword_pattern
from graph.constraints.verify import loose_variants

WORD_RE = re.compile(r"\w+")
fuzz = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_word_count_kernel_is_built() -> None:
    """CI installs with a compiler; a silent fallback would leave the fast path untested."""
    if not compiled.BUILT:
        pytest.skip("graph.constraints._kernels was not built (no C compiler at install)")
    assert compiled.kernels.count_words("snake_case, 3.14 and Ünïcödé ٣٤ words") == 7


@fuzz
@given(st.text())
def test_word_count_equals_the_regex_count_on_any_unicode(sample: str) -> None:
    assert text.count_words(sample) == len(WORD_RE.findall(sample))


@pytest.mark.benchmarks
def test_word_count_equals_the_regex_count_on_benchmark_responses(fci_rows: list[dict[str, object]]) -> None:
    for row in fci_rows:
        for variant in loose_variants(str(row["response"])):
            assert text.count_words(variant) == len(WORD_RE.findall(variant))


def _forbidden_by_regex_alone(words: list[str], response: str) -> list[str]:
    return [w for w in words if keyword_pattern(w, True).search(response)]


KEYWORD_PIECES = ["coffee", "Coffee", "COFFEE", "tea", "tea-time", "don't", "K", "k", "\u212a", "s", "\u017f"]
TEXT_PIECES = [*KEYWORD_PIECES, " ", ".", ",", "\n", "é", "İ", "i", "x", "teatime", "_"]


@fuzz
@given(
    st.lists(st.sampled_from(KEYWORD_PIECES), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(TEXT_PIECES), max_size=25).map("".join),
)
def test_forbidden_words_shortcut_agrees_with_the_regex(words: list[str], response: str) -> None:
    if not response.strip():
        return
    result = ForbiddenWords.from_kwargs({"forbidden_words": words}).check(response)
    assert result.measured == len(_forbidden_by_regex_alone(words, response))


@fuzz
@given(
    st.sampled_from(["a", "T", "é", "İ", "ß", "Σ", "1", "?"]),
    st.text(alphabet="aATtéÉİiß ΣσςẞSs1?", max_size=40),
)
def test_letter_count_equals_counter_of_the_lower_cased_text(letter: str, response: str) -> None:
    if not response.strip():
        return
    kwargs = {"letter": letter, "let_frequency": 0, "let_relation": "at least"}
    expected = Counter(response.lower())[letter.lower()]
    assert LetterFrequency.from_kwargs(kwargs).check(response).measured == expected


def test_forbidden_words_still_found_in_non_ascii_text() -> None:
    constraint = ForbiddenWords.from_kwargs({"forbidden_words": ["kit"]})
    assert not constraint.check("The \u212aIT is here, café.").passed  # the Kelvin sign matches k
    assert not constraint.check("The KIT is here.").passed
    assert constraint.check("The kitten is here.").passed


@pytest.mark.benchmarks
def test_capital_words_are_the_upper_case_word_tokens(fci_rows: list[dict[str, object]]) -> None:
    for row in fci_rows[::3]:
        response = str(row["response"])
        assert text.capital_words(response) == tuple(w for w in text.word_tokens(response) if w.isupper())
