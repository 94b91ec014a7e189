"""IFBench words:* constraints on where words stand: sentence chains, paragraph ends, a keyword
at a sentence/word position, the second and second-to-last word.

Sentences are Punkt's; paragraphs are lines; positions count Treebank tokens
(``nltk.word_tokenize``), without the punctuation-only ones where the official checker drops them.
"""

from __future__ import annotations

import string
from typing import Any, ClassVar

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.ifbench.common import (
    STRIP,
    Keyword,
    Positive,
    alnum_tokens,
    paragraphs_by_newline,
    quote,
    sentences,
    word_tokenize,
)
from graph.constraints.registry import register


@register
class LastWordFirstNext(Constraint[NoParams]):
    id = "words:last_first"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "The last word of each sentence must become the first word of the next sentence."

    def _check(self, response: str) -> CheckResult:
        found = sentences(response)
        for index in range(len(found) - 1):
            last = found[index].rstrip(STRIP).split()
            first = found[index + 1].lstrip(STRIP).split()
            if not last or not first:
                return self.result(
                    False, f"sentence {index + 1 if not last else index + 2} has no word", index + 1
                )
            if last[-1].lower() != first[0].lower():
                return self.result(
                    False,
                    f"sentence {index + 1} ends with {quote(last[-1])} but sentence {index + 2} "
                    f"starts with {quote(first[0])}",
                    index + 1,
                )
        return self.result(True, "", len(found))


@register
class ParagraphLastFirst(Constraint[NoParams]):
    id = "words:paragraph_last_first"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return (
            "Each paragraph must end with the same word it started with, separate paragraphs with a newline."
        )

    def _check(self, response: str) -> CheckResult:
        for index, line in enumerate(paragraphs_by_newline(response), start=1):
            words = line.strip().lower().strip(STRIP).split()
            if words and words[0] != words[-1]:
                return self.result(
                    False,
                    f"paragraph (line) {index} starts with {quote(words[0])} but ends with {quote(words[-1])}",
                    index,
                )
        return self.result(True, "", None)


class SpecificPositionParams(Params):
    keyword: Keyword
    n: Positive
    m: Positive


@register
class KeywordSpecificPosition(Constraint[SpecificPositionParams]):
    id = "words:keywords_specific_position"
    params_model = SpecificPositionParams
    example: ClassVar[dict[str, Any]] = {"keyword": "river", "n": 2, "m": 3}

    def describe(self) -> str:
        p = self.params
        return f"Include keyword {p.keyword} in the {p.n}-th sentence, as the {p.m}-th word of that sentence."

    def _check(self, response: str) -> CheckResult:
        p = self.params
        found = sentences(response)
        if len(found) < p.n:
            return self.result(False, f"has {len(found)} sentences, needs a {p.n}-th", None)
        words = alnum_tokens(found[p.n - 1])
        if len(words) < p.m:
            return self.result(False, f"sentence {p.n} has {len(words)} words, needs a {p.m}-th", None)
        word = words[p.m - 1]
        if word.lower() == p.keyword.lower():
            return self.result(True, "", word)
        return self.result(
            False, f"word {p.m} of sentence {p.n} is {quote(word)}, not {quote(p.keyword)}", word
        )


class PositionParams(Params):
    keyword: Keyword


@register
class WordsPosition(Constraint[PositionParams]):
    id = "words:words_position"
    params_model = PositionParams
    example: ClassVar[dict[str, Any]] = {"keyword": "river"}

    def describe(self) -> str:
        return (
            "The second word in your response and the second to last word in your response "
            f"should be the word {self.params.keyword}."
        )

    def _check(self, response: str) -> CheckResult:
        tokens = word_tokenize(response)
        if len(tokens) < 2:
            return self.result(False, f"has {len(tokens)} tokens, needs at least 2", None)
        # A final punctuation token is skipped (officially a substring test on string.punctuation).
        if tokens[-1] in string.punctuation:
            if len(tokens) < 3:
                return self.result(False, "has too few tokens before the final punctuation", None)
            second_last = tokens[-3]
        else:
            second_last = tokens[-2]
        keyword = self.params.keyword.lower()
        if tokens[1].lower() == second_last.lower() == keyword:
            return self.result(True, "", (tokens[1], second_last))
        return self.result(
            False,
            f"second word {quote(tokens[1])} and second-to-last word {quote(second_last)}; both must be "
            f"{quote(self.params.keyword)}",
            (tokens[1], second_last),
        )
