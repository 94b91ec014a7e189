"""IFBench ``sentence:*``: growing alliteration, a keyword in the N-th sentence, growing word counts.

Sentences are NLTK's English Punkt sentences (``nltk.sent_tokenize``), as the official checker
splits them. None of the three has a mechanical repair: each needs new or rewritten content.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, ClassVar

from pydantic import Field

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.ifbench.common import STRIP, delete_punctuation
from graph.constraints.ifbench.common import sentences as split_sentences
from graph.constraints.registry import register


def alliteration_score(sentence: str) -> int:
    """The official score: 2 for each run of words sharing a first letter, +1 per extra word.

    Words are whitespace pieces, lower-cased, with leading ASCII punctuation removed.
    """
    words = [clean for word in sentence.lower().split() if (clean := word.lstrip(STRIP))]
    score = 0
    in_run = False
    for first, second in itertools.pairwise(words):
        if first[0] == second[0]:
            score += 1 if in_run else 2
            in_run = True
        else:
            in_run = False
    return score


@register
class AlliterationIncrement(Constraint[NoParams]):
    id = "sentence:alliteration_increment"

    def describe(self) -> str:
        return (
            "Each sentence must have a longer sequence of consecutive alliterative words than the "
            "previous one."
        )

    def _check(self, response: str) -> CheckResult:
        scores = [alliteration_score(sentence) for sentence in split_sentences(response)]
        for index in range(1, len(scores)):
            if scores[index] <= scores[index - 1]:
                return self.result(
                    False,
                    f"sentence {index + 1} has {scores[index]} alliterative words in runs, not more "
                    f"than sentence {index}'s {scores[index - 1]}",
                    scores,
                )
        return self.result(True, "", scores)


class KeywordParams(Params):
    """``N`` counts from 1; ``N = 0`` is the last sentence (the official index ``N - 1`` is -1)."""

    word: str = Field(min_length=1)
    N: int = Field(ge=0)


@register
class KeywordInSentence(Constraint[KeywordParams]):
    """Whole-word, case-insensitive; the keyword is used as given (the official code strips nothing)."""

    id = "sentence:keyword"
    params_model = KeywordParams
    example: ClassVar[dict[str, Any]] = {"word": "river", "N": 2}

    def describe(self) -> str:
        return f'The response must include keyword "{self.params.word}" in the {self.params.N}-th sentence.'

    def _check(self, response: str) -> CheckResult:
        sentences = split_sentences(response)
        n = self.params.N
        if len(sentences) < n:
            return self.result(
                False, f"has {len(sentences)} sentences; the keyword must be in sentence {n}", None
            )
        target = sentences[n - 1]
        if re.search(rf"\b{re.escape(self.params.word)}\b", target, re.IGNORECASE):
            return self.result(True, "", n)
        where = f"sentence {n}" if n else "the last sentence"
        return self.result(False, f"{where} ({target[:60]!r}) does not contain '{self.params.word}'", None)


class IncrementParams(Params):
    small_n: int = Field(ge=0)


def sentence_word_count(sentence: str) -> int:
    """Whitespace pieces once ASCII punctuation is deleted (``don't`` is one word, ``-`` none)."""
    return len(delete_punctuation(sentence).split())


@register
class IncrementingWordCount(Constraint[IncrementParams]):
    id = "sentence:increment"
    params_model = IncrementParams
    example: ClassVar[dict[str, Any]] = {"small_n": 2}

    def describe(self) -> str:
        return f"Each sentence must contain exactly {self.params.small_n} more words than the previous one."

    def _check(self, response: str) -> CheckResult:
        counts = [sentence_word_count(sentence) for sentence in split_sentences(response)]
        step = self.params.small_n
        for index in range(1, len(counts)):
            wanted = counts[index - 1] + step
            if counts[index] != wanted:
                return self.result(
                    False,
                    f"sentence {index + 1} has {counts[index]} words; needs {wanted} "
                    f"(sentence {index}'s {counts[index - 1]} + {step}), off by {counts[index] - wanted:+d}",
                    counts,
                )
        return self.result(True, "", counts)
