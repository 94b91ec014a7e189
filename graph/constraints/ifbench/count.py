"""IFBench count:* constraints: word ranges, unique words, conjunctions, names, numbers,
punctuation, Japanese words, pronouns, keyword multiplicities.

Each checker uses the official notion of a word for that id (see ``common``); the oddities are
the official ones and are listed in ``docs/constraints.md`` (a conjunction's case variants are
different conjunctions; "1,000" and "3.14" are one number; a punctuation-only token is a unique
word "").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import model_validator

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.ifbench.common import (
    Count,
    Keyword,
    Positive,
    count_word_runs,
    delete_punctuation,
    listed,
    quote,
    strip_punctuation,
    whitespace_words,
    word_tokenize,
)
from graph.constraints.registry import register

CONJUNCTIONS = frozenset({"and", "but", "for", "nor", "or", "so", "yet"})
PERSON_NAMES = listed(
    "Emma Liam Sophia Jackson Olivia Noah Ava Lucas Isabella Mason Mia Ethan Charlotte Alexander "
    "Amelia Benjamin Harper Leo Zoe Daniel Chloe Samuel Lily Matthew Grace Owen Abigail Gabriel "
    "Ella Jacob Scarlett Nathan Victoria Elijah Layla Nicholas Audrey David Hannah Christopher "
    "Penelope Thomas Nora Andrew Aria Joseph Claire Ryan Stella Jonathan"
)
PRONOUNS = frozenset(
    listed(
        "i me we us you he him she her it they them my mine our ours your yours his hers its their "
        "theirs myself ourselves yourself yourselves himself herself itself themselves this that these "
        "those who whom whose which what whoever whomever whatever whichever anybody anyone anything "
        "everybody everyone everything nobody nothing somebody someone something each either neither "
        "both all some any none"
    )
)
PUNCTUATION_MARKS = ".,!?;:"
KEYWORD_TIMES = (1, 2, 3, 5, 7)
_DIGITS = re.compile(r"\d+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@lru_cache(maxsize=64)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"\b" + re.escape(name) + r"\b")


class RangeParams(Params):
    min_words: Count
    max_words: Count

    @model_validator(mode="after")
    def _ordered(self) -> RangeParams:
        if self.max_words < self.min_words:
            raise ValueError("max_words must be at least min_words")
        return self


@register
class WordCountRange(Constraint[RangeParams]):
    id = "count:word_count_range"
    params_model = RangeParams
    example: ClassVar[dict[str, Any]] = {"min_words": 90, "max_words": 100}

    def describe(self) -> str:
        p = self.params
        return f"The response must contain between {p.min_words} and {p.max_words} words."

    def _check(self, response: str) -> CheckResult:
        count, p = count_word_runs(response), self.params
        if p.min_words <= count <= p.max_words:
            return self.result(True, "", count)
        if count < p.min_words:
            return self.result(
                False,
                f"has {count} words, {p.min_words - count} too few (needs {p.min_words}-{p.max_words})",
                count,
            )
        return self.result(
            False,
            f"has {count} words, {count - p.max_words} too many (needs {p.min_words}-{p.max_words})",
            count,
        )


class NParams(Params):
    N: Count


class SmallNParams(Params):
    small_n: Count


@register
class UniqueWordCount(Constraint[NParams]):
    id = "count:unique_word_count"
    params_model = NParams
    example: ClassVar[dict[str, Any]] = {"N": 50}

    def describe(self) -> str:
        return f"Use at least {self.params.N} unique words in the response."

    def _check(self, response: str) -> CheckResult:
        unique = {strip_punctuation(word) for word in whitespace_words(response.lower())}
        count = len(unique)
        if count >= self.params.N:
            return self.result(True, "", count)
        return self.result(
            False,
            f"has {count} unique words, needs at least {self.params.N} ({self.params.N - count} more)",
            count,
        )


@register
class ConjunctionCount(Constraint[SmallNParams]):
    id = "count:conjunctions"
    params_model = SmallNParams
    example: ClassVar[dict[str, Any]] = {"small_n": 3}

    def describe(self) -> str:
        return f"Use at least {self.params.small_n} different coordinating conjunctions in the response."

    def _check(self, response: str) -> CheckResult:
        # Officially the distinct forms are counted as written: "And", "and" and "and," are three.
        found = sorted(
            {word for word in whitespace_words(response) if strip_punctuation(word).lower() in CONJUNCTIONS}
        )
        if len(found) >= self.params.small_n:
            return self.result(True, "", found)
        listed = ", ".join(quote(w) for w in found) or "none"
        return self.result(
            False,
            f"uses {len(found)} distinct coordinating conjunctions ({listed}), needs at least "
            f"{self.params.small_n} from and, but, for, nor, or, so, yet",
            found,
        )


@register
class PersonNameCount(Constraint[NParams]):
    id = "count:person_names"
    params_model = NParams
    example: ClassVar[dict[str, Any]] = {"N": 3}

    def describe(self) -> str:
        return (
            f"Mention at least {self.params.N} different person names in the response, from this "
            f"list of person names: {', '.join(PERSON_NAMES)} ."
        )

    def _check(self, response: str) -> CheckResult:
        found = [name for name in PERSON_NAMES if _name_pattern(name).search(response)]
        if len(found) >= self.params.N:
            return self.result(True, "", found)
        return self.result(
            False,
            f"mentions {len(found)} of the listed names ({', '.join(found) or 'none'}), needs at least {self.params.N}",
            found,
        )


@register
class NumbersCount(Constraint[NParams]):
    id = "count:numbers"
    params_model = NParams
    example: ClassVar[dict[str, Any]] = {"N": 3}

    def describe(self) -> str:
        return f"Include exactly {self.params.N} numbers in the response."

    def _check(self, response: str) -> CheckResult:
        # Punctuation is deleted first, so "1,000" and "3.14" are one number each.
        count = len(_DIGITS.findall(delete_punctuation(response)))
        if count == self.params.N:
            return self.result(True, "", count)
        return self.result(False, f"includes {count} numbers, needs exactly {self.params.N}", count)


@register
class PunctuationCover(Constraint[NoParams]):
    id = "count:punctuation"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return (
            "Use every standard punctuation mark at least once, including semicolons, colons, "
            "and the interrobang (?!)."
        )

    def _check(self, response: str) -> CheckResult:
        if "!?" not in response and "?!" not in response and "\u203d" not in response:
            return self.result(False, "has no interrobang (?! or !? or \u203d)", None)
        # The first interrobang is used up; its marks do not count for "!" and "?".
        rest = response.replace("?!", "", 1)
        if len(rest) == len(response):
            rest = response.replace("!?", "", 1)
        missing = [mark for mark in PUNCTUATION_MARKS if mark not in rest]
        if not missing:
            return self.result(True, "", [])
        return self.result(
            False, "missing punctuation marks (besides the interrobang): " + " ".join(missing), missing
        )


class JapaneseParams(Params):
    N: Positive


@register
class NthWordJapanese(Constraint[JapaneseParams]):
    id = "count:words_japanese"
    params_model = JapaneseParams
    example: ClassVar[dict[str, Any]] = {"N": 5}

    def describe(self) -> str:
        return f"Every {self.params.N}th word of your response must be in Japanese."

    def _check(self, response: str) -> CheckResult:
        n = self.params.N
        for index, raw in enumerate(whitespace_words(response)):
            word = strip_punctuation(raw)
            if (index + 1) % n == 0 and word and not word.isdigit() and not _JAPANESE.search(word):
                return self.result(
                    False,
                    f"word {index + 1} ({quote(word)}) is not Japanese; every {n}th word must be",
                    index + 1,
                )
        return self.result(True, "", None)


@register
class PronounCount(Constraint[NParams]):
    id = "count:pronouns"
    params_model = NParams
    example: ClassVar[dict[str, Any]] = {"N": 5}

    def describe(self) -> str:
        return f"The response should include at least {self.params.N} pronouns."

    def _check(self, response: str) -> CheckResult:
        tokens = word_tokenize(response.replace("/", " ").lower())
        count = sum(1 for token in tokens if token in PRONOUNS)
        if count >= self.params.N:
            return self.result(True, "", count)
        return self.result(
            False,
            f"includes {count} pronouns, needs at least {self.params.N} ({self.params.N - count} more)",
            count,
        )


class KeywordsParams(Params):
    keyword1: Keyword
    keyword2: Keyword
    keyword3: Keyword
    keyword4: Keyword
    keyword5: Keyword

    def keywords(self) -> tuple[str, ...]:
        return (self.keyword1, self.keyword2, self.keyword3, self.keyword4, self.keyword5)


@register
class KeywordsMultiple(Constraint[KeywordsParams]):
    id = "count:keywords_multiple"
    params_model = KeywordsParams
    example: ClassVar[dict[str, Any]] = {
        "keyword1": "cloud",
        "keyword2": "rhythm",
        "keyword3": "fish",
        "keyword4": "puzzle",
        "keyword5": "dawn",
    }

    def describe(self) -> str:
        k = self.params.keywords()
        return (
            f"Include keyword {k[0]} once in your response, keyword {k[1]} twice in your response, "
            f"keyword {k[2]} three times in your response, keyword {k[3]} five times in your "
            f"response, and keyword {k[4]} seven times in your response."
        )

    def _check(self, response: str) -> CheckResult:
        # Substring counts, case-insensitive, non-overlapping ("cat" counts in "concatenate").
        lowered = response.lower()
        counts = [lowered.count(keyword.lower()) for keyword in self.params.keywords()]
        wrong = [
            f"{quote(k)} {c} times (needs {t})"
            for k, c, t in zip(self.params.keywords(), counts, KEYWORD_TIMES, strict=True)
            if c != t
        ]
        if not wrong:
            return self.result(True, "", counts)
        return self.result(False, "wrong keyword counts: " + "; ".join(wrong), counts)
