"""Text measurements equal the official tokenisers' on real responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
