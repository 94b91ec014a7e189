"""The memoised Punkt splitter gives exactly the package's sentences (``punkt.sent_tokenize``)."""

from __future__ import annotations

import json
from pathlib import Path

import punkt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import text
from graph.constraints.sentences import MemoPunkt
from graph.constraints.verify import loose_variants

TRICKY = [
    "",
    "   ",
    "Dr. Smith went home. He was tired.",
    "Wait . . . what? Really.",
    "He paused... Then spoke. Very bad acting!!! I promise.",
    "How?! You knew?! (Hi there.) Bye.",
    'She said "stop." Then left -- fast. "Quoted." "Next?"',
    "Wow!!!",
    "U.S. policy, e.g. the No. 5 rule, i.e. J. Bach. The end.",
    "A line\nwith a break. Another\u2029one.\tTabbed. \x0bVertical.\x0cFeed. Done",
    "Ellipsis.. two dots.. and -- dashes --- here. Fine.",
    "1. First item.\n2. Second item.\n3. Third.",
    "**Bold.** *Also.* Then (a) and [b]. {c}? «d»! “e.” ‘f.’",
]

FRAGMENTS = [
    " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2029", ".", ". ", "..", "...", ". . .", "!", "?",
    "?!", "!!!", "-", "--", "---", '"', "'", "(", ")", "[", "]", "*", "**", ":", ";", ",",
    "a", "word", "Word", "WORD", "Dr.", "Mr.", "e.g.", "U.S.", "J.", "No.", "5", "3.14",
    "The", "the", "However", "etc.", "«", "»", "“", "”",
]  # fmt: skip


@pytest.mark.parametrize("sample", TRICKY)
def test_same_sentences_and_spans_as_the_package(sample: str) -> None:
    splitter = MemoPunkt()
    assert splitter.tokenize(sample) == punkt.sent_tokenize(sample)
    assert list(splitter.span_tokenize(sample)) == list(punkt.tokenizer_for("english").span_tokenize(sample))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_same_sentences_on_punctuation_soup(pieces: list[str]) -> None:
    sample = "".join(pieces)
    assert text._punkt.tokenize(sample) == punkt.sent_tokenize(sample)


def test_decisions_are_memoised_and_cleared_with_the_other_caches() -> None:
    text.clear_caches()
    assert text.split_sentences("It rained. Then it stopped. It rained. Then") == (
        "It rained.",
        "Then it stopped.",
        "It rained.",
        "Then",
    )
    assert text._punkt._decisions  # one entry per distinct context
    text.clear_caches()
    assert not text._punkt._decisions


def test_memo_stays_bounded() -> None:
    splitter = MemoPunkt(memo_size=3)
    sample = "One a. Two b. Three c. Four d. Five e."
    assert splitter.tokenize(sample) == punkt.sent_tokenize(sample)
    assert len(splitter._decisions) <= 3


@pytest.mark.benchmarks
def test_same_sentences_on_every_benchmark_response_and_loose_variant(benchmarks_dir: Path) -> None:
    samples: set[str] = set()
    for name in (
        "ifeval/responses_gpt4.jsonl",
        "ifeval/responses_llama31_8b.jsonl",
        "fci/llama2_checked.jsonl",
    ):
        with (benchmarks_dir / name).open() as handle:
            for line in handle:
                samples.update(loose_variants(json.loads(line)["response"]))
    assert len(samples) > 10000
    text.clear_caches()
    assert [s[:60] for s in samples if text._punkt.tokenize(s) != punkt.sent_tokenize(s)] == []
