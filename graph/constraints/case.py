"""change_case:* constraints: all-lowercase English, all-capitals English, counts of capital words."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from graph.constraints.base import (
    CheckResult,
    Constraint,
    NoParams,
    Params,
    Relation,
    compare,
    relation_text,
)
from graph.constraints.capitals import fewer_capitals, more_capitals
from graph.constraints.registry import register
from graph.constraints.text import capital_words, detect_language


def _first_offender(response: str, want_upper: bool) -> str:
    for word in response.split():
        if (word.upper() if want_upper else word.lower()) != word:
            return word[:40]
    return ""


def _english(response: str) -> bool:
    """Official rule: English by langdetect, and an undetectable text counts as English."""
    return detect_language(response) in (None, "en")


@register
class EnglishLowercase(Constraint[NoParams]):
    id = "change_case:english_lowercase"
    has_repair = True

    def describe(self) -> str:
        return "Write the entire response in English, in lowercase letters only; no capital letters."

    def _check(self, response: str) -> CheckResult:
        if not response.islower():
            offender = _first_offender(response, want_upper=False)
            detail = f"has capital letters, first in {offender!r}" if offender else "has no lowercase letters"
            return self.result(False, detail, False)
        if not _english(response):
            return self.result(
                False, f"lowercase, but reads as {detect_language(response)!r}, not English", False
            )
        return self.result(True, "", True)

    def _repair(self, response: str) -> str:
        return response.lower()


@register
class EnglishCapital(Constraint[NoParams]):
    id = "change_case:english_capital"
    has_repair = True

    def describe(self) -> str:
        return "Write the entire response in English, in capital letters only."

    def _check(self, response: str) -> CheckResult:
        if not response.isupper():
            offender = _first_offender(response, want_upper=True)
            detail = f"has lowercase letters, first in {offender!r}" if offender else "has no capital letters"
            return self.result(False, detail, False)
        if not _english(response):
            return self.result(
                False, f"capitals, but reads as {detect_language(response)!r}, not English", False
            )
        return self.result(True, "", True)

    def _repair(self, response: str) -> str:
        return response.upper()


class CapitalFrequencyParams(Params):
    capital_frequency: int = Field(ge=0)
    capital_relation: Relation


@register
class CapitalWordFrequency(Constraint[CapitalFrequencyParams]):
    """Counts all-capital tokens of NLTK's word tokenizer (so 'I' and 'AI' count)."""

    id = "change_case:capital_word_frequency"
    params_model = CapitalFrequencyParams
    example: ClassVar[dict[str, Any]] = {"capital_frequency": 3, "capital_relation": "less than"}
    has_repair = True

    def describe(self) -> str:
        p = self.params
        return (
            f"Words written entirely in capital letters must appear "
            f"{relation_text(p.capital_relation, p.capital_frequency)} times."
        )

    def _check(self, response: str) -> CheckResult:
        p = self.params
        capitals = capital_words(response)
        count = len(capitals)
        if compare(count, p.capital_relation, p.capital_frequency):
            return self.result(True, "", count)
        sample = ", ".join(capitals[:5])
        needs = relation_text(p.capital_relation, p.capital_frequency)
        detail = f"has {count} all-capital words{' (' + sample + ')' if sample else ''}; needs {needs}"
        return self.result(False, detail, count)

    def _repair(self, response: str) -> str | None:
        """Change the case of existing words (never add or drop one)."""
        p = self.params
        if p.capital_relation == "less than":
            return fewer_capitals(response, p.capital_frequency)
        return more_capitals(response, p.capital_frequency)
