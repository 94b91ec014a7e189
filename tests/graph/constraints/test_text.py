"""Text measurements equal the official tokenisers' on real responses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.tokenize.destructive import NLTKWordTokenizer

from graph.constraints import text

OWN = [
    'He said, "I DON\'T KNOW." Then (quietly) he left -- fast.',
    "Cannot, gonna, gimme: 'tis the U.S.A.'s [best] {deal}... Really?!",
    "Prices: $3.88, 3,36 euros; 'quoted' and ``double'' quotes.",
]


@pytest.mark.parametrize("sentence", OWN)
def test_treebank_tokens_equal_nltk(sentence: str) -> None:
    assert list(text._treebank.tokenize(sentence)) == NLTKWordTokenizer().tokenize(sentence)


@pytest.mark.benchmarks
def test_treebank_tokens_equal_nltk_on_every_benchmark_sentence(benchmarks_dir: Path) -> None:
    reference = NLTKWordTokenizer()
    sentences: set[str] = set()
    for name in ("ifeval/responses_gpt4.jsonl", "fci/llama2_checked.jsonl"):
        with (benchmarks_dir / name).open() as handle:
            for line in handle:
                sentences.update(text.split_sentences(json.loads(line)["response"]))
    assert len(sentences) > 10000
    assert [s for s in sentences if text._treebank.tokenize(s) != reference.tokenize(s)] == []


def test_contraction_guard_skips_only_when_no_pattern_can_match() -> None:
    guarded = text._treebank.CONTRACTIONS2[0]
    patterns = guarded._patterns
    assert len(patterns) == len(NLTKWordTokenizer.CONTRACTIONS2) + len(NLTKWordTokenizer.CONTRACTIONS3)
    for sample in (" I CANNOT go ", " gimme that , d'ye see ", " 'Tis fine , wanna go ", " plain text here "):
        expected = sample
        for pattern in patterns:
            expected = pattern.sub(r" \1 \2 ", expected)
        assert guarded.sub(r" \1 \2 ", sample) == expected


def test_alternation_is_not_built_where_it_could_differ() -> None:
    assert text._alternation([re.compile("(?i)ab"), re.compile("cd")]) is None  # differing flags
    assert text._alternation([re.compile(r"(a)\1"), re.compile("b")]) is None  # back-reference
    both = text._alternation([re.compile("(?i)ab"), re.compile("(?i)c(d)")])
    assert both is not None and both.search("xCD") and not both.search("ac")


def _nltk_treebank_patterns() -> list[re.Pattern[str]]:
    base = NLTKWordTokenizer
    pairs = [*base.STARTING_QUOTES, *base.PUNCTUATION, base.PARENS_BRACKETS, base.DOUBLE_DASHES]
    return [text._stdlib(pattern) for pattern, _ in [*pairs, *base.ENDING_QUOTES]]


def test_every_guard_names_an_nltk_pattern_and_every_pattern_but_whitespace_has_one() -> None:
    patterns = {p.pattern for p in _nltk_treebank_patterns()}
    assert set(text.TREEBANK_NEEDS) <= patterns
    assert patterns - set(text.TREEBANK_NEEDS) == {r"\s+"}


GUARD_ALPHABET = (
    "".join(sorted(set("".join(text.TREEBANK_NEEDS.values())))) + "aZ9 \t\n.'\"`sStTmMdDnNlLrRvVeE"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=GUARD_ALPHABET, max_size=12))
def test_a_pattern_matches_only_text_holding_a_character_its_guard_needs(sample: str) -> None:
    for pattern in _nltk_treebank_patterns():
        needs = text.TREEBANK_NEEDS.get(pattern.pattern)
        if needs is not None and pattern.search(sample):
            assert any(ch in sample for ch in needs), (pattern.pattern, sample)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=GUARD_ALPHABET + "bcxyz,:;()", max_size=40))
def test_guarded_tokenizer_equals_nltk_on_generated_punctuation(sample: str) -> None:
    assert list(text._treebank.tokenize(sample)) == NLTKWordTokenizer().tokenize(sample)
