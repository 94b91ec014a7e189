"""keywords:* constraints: words that must, must not, or must often appear; letter counts.

Keywords are used as regular expressions, case-insensitively, as the official checker does (an
invalid pattern falls back to a literal match instead of crashing); matching is time-bounded
(``graph.constraints.patterns``), so a runaway pattern is refused instead of freezing the process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field, field_validator

from graph.constraints.base import (
    CheckResult,
    Constraint,
    Params,
    Relation,
    compare,
    relation_text,
)
from graph.constraints.patterns import KwargPattern
from graph.constraints.registry import register
from graph.constraints.text import excerpt


@lru_cache(maxsize=2048)
def keyword_pattern(pattern: str, word_bounded: bool = False, *, field: str = "keyword") -> KwargPattern:
    """Compile a keyword as the official checker does, tolerating invalid regex syntax."""
    try:
        re.compile(pattern)
    except re.error:
        pattern = re.escape(pattern)
    core = pattern
    if word_bounded:
        pattern = r"\b" + pattern + r"\b"
    return KwargPattern(pattern, field=field, core=core, flags=re.IGNORECASE)


_PLAIN_ASCII = re.compile(r"[A-Za-z0-9' -]+")


def _cannot_occur(word: str, lowered_ascii_text: str) -> bool:
    """True when a case-insensitive search for ``word`` surely fails in this ASCII text.

    Only for words the regex reads literally (letters, digits, space, apostrophe, hyphen): in
    ASCII text an IGNORECASE match of such a word is a substring of the lower-cased text, so its
    absence there settles it with one fast substring test instead of a case-folding regex scan.
    """
    return bool(_PLAIN_ASCII.fullmatch(word)) and word.lower() not in lowered_ascii_text


def _non_empty(values: list[str]) -> list[str]:
    if not values or any(not isinstance(v, str) or not v.strip() for v in values):
        raise ValueError("must be a non-empty list of non-blank strings")
    return values


class ExistenceParams(Params):
    keywords: list[str]

    _check_keywords = field_validator("keywords")(_non_empty)


@register
class KeywordExistence(Constraint[ExistenceParams]):
    id = "keywords:existence"
    params_model = ExistenceParams
    example: ClassVar[dict[str, Any]] = {"keywords": ["tea", "leaf"]}

    def describe(self) -> str:
        return (
            "Include the keywords " + ", ".join(repr(k) for k in self.params.keywords) + " in the response."
        )

    def _check(self, response: str) -> CheckResult:
        missing = [
            k
            for i, k in enumerate(self.params.keywords)
            if not keyword_pattern(k, field=f"keywords.{i}").search(response)
        ]
        if missing:
            return self.result(False, "missing keywords: " + ", ".join(repr(k) for k in missing), missing)
        return self.result(True, "", [])


class FrequencyParams(Params):
    keyword: str = Field(min_length=1)
    frequency: int = Field(ge=0)
    relation: Relation


@register
class KeywordFrequency(Constraint[FrequencyParams]):
    id = "keywords:frequency"
    params_model = FrequencyParams
    example: ClassVar[dict[str, Any]] = {"keyword": "tea", "frequency": 2, "relation": "at least"}

    def describe(self) -> str:
        p = self.params
        return f"The word {p.keyword!r} must appear {relation_text(p.relation, p.frequency)} times."

    def _check(self, response: str) -> CheckResult:
        p = self.params
        count = len(keyword_pattern(p.keyword, field="keyword").findall(response))
        if compare(count, p.relation, p.frequency):
            return self.result(True, "", count)
        return self.result(
            False,
            f"{p.keyword!r} appears {count} times; needs {relation_text(p.relation, p.frequency)}",
            count,
        )


class ForbiddenParams(Params):
    forbidden_words: list[str]

    _check_words = field_validator("forbidden_words")(_non_empty)


@register
class ForbiddenWords(Constraint[ForbiddenParams]):
    id = "keywords:forbidden_words"
    params_model = ForbiddenParams
    example: ClassVar[dict[str, Any]] = {"forbidden_words": ["coffee", "sugar"]}

    def describe(self) -> str:
        words = ", ".join(repr(w) for w in self.params.forbidden_words)
        return f"Do not include the words {words} in the response."

    def _check(self, response: str) -> CheckResult:
        found = []
        lowered = response.lower() if response.isascii() else None
        for i, word in enumerate(self.params.forbidden_words):
            if lowered is not None and _cannot_occur(word, lowered):
                continue
            match = keyword_pattern(word, True, field=f"forbidden_words.{i}").search(response)
            if match:
                found.append(f"{word!r} at '{excerpt(response, match.start(), match.end())}'")
        if found:
            return self.result(False, "contains forbidden words: " + "; ".join(found), len(found))
        return self.result(True, "", 0)


class LetterParams(Params):
    letter: str = Field(min_length=1, max_length=1)
    let_frequency: int = Field(ge=0)
    let_relation: Relation


@register
class LetterFrequency(Constraint[LetterParams]):
    """Counts the letter case-insensitively. A non a-z character is counted literally
    (the official checker swaps it for a random letter, which makes its verdict unstable)."""

    id = "keywords:letter_frequency"
    params_model = LetterParams
    example: ClassVar[dict[str, Any]] = {"letter": "t", "let_frequency": 5, "let_relation": "at least"}

    def describe(self) -> str:
        p = self.params
        return f"The letter {p.letter!r} must appear {relation_text(p.let_relation, p.let_frequency)} times."

    def _check(self, response: str) -> CheckResult:
        p = self.params
        # Counter(response.lower())[letter] as the official code counts, without the Counter: a
        # letter whose lower case is two characters (U+0130) is never one character's key.
        target = p.letter.lower()
        count = response.lower().count(target) if len(target) == 1 else 0
        if compare(count, p.let_relation, p.let_frequency):
            return self.result(True, "", count)
        needs = relation_text(p.let_relation, p.let_frequency)
        return self.result(False, f"the letter {p.letter!r} appears {count} times; needs {needs}", count)
