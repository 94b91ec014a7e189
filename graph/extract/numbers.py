"""Counts and comparisons as people write them: "300+", "no fewer than three", "5 to 10", "twice".

Every count constraint in the catalogue is either ``at least N`` or ``less than N``; this module maps
the many English comparisons onto those two, so "at most 150" becomes ``less than 151`` and
"more than 800" becomes ``at least 801`` (the conventions of IFEval's own data).
"""

from __future__ import annotations

import re
from typing import Literal

Relation = Literal["at least", "less than"]
Bound = tuple[Relation, int]

_UNITS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "dozen": 12,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_TIMES = {"once": 1, "twice": 2, "thrice": 3}
# Counts said as idioms: "half a dozen", "a couple of" (a "handful" is five, as in common usage).
_IDIOMS = {"half a dozen": 6, "a dozen": 12, "a couple": 2, "a couple of": 2, "a handful of": 5}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip

_WORD_UNITS = "|".join(
    sorted((k for k in _UNITS if k not in {"no", "a", "an", "single"}), key=len, reverse=True)
)
_WORD_TENS = "|".join(_TENS)
# A number in digits ("1,200", "300") or in words ("twenty-five", "one hundred", "three").
_TENS_UNITS = rf"(?:{_WORD_TENS})(?:[\s-](?:{_WORD_UNITS}))?"
NUM = (
    rf"(?:(?:(?:{_WORD_UNITS})|a)\s+thousand(?![a-z])|\d{{1,3}}(?:,\d{{3}})+|\d+|half\s+a\s+dozen|a\s+dozen|a\s+couple(?:\s+of)?|a\s+handful\s+of|(?:(?:{_WORD_UNITS})|a)\s+hundred(?:\s+(?:and\s+)?(?:{_TENS_UNITS}|{_WORD_UNITS}))?(?![a-z])"
    rf"|{_TENS_UNITS}(?![a-z])|(?:{_WORD_UNITS})(?![a-z]))"
)
ORDINAL = rf"(?:{'|'.join(_ORDINALS)}|last|final|\d+(?:st|nd|rd|th))"

_GE = r"at\s+least|at\s+minimum|no\s+(?:less|fewer|shorter)\s+than|not\s+(?:less|fewer|shorter)\s+than|a\s+minimum\s+of|minimum\s+of|min\.?"
_GT = r"more\s+than|upwards\s+of|greater\s+than|longer\s+than|over|above|in\s+excess\s+of|exceeding"
_LT = r"less\s+than|fewer\s+than|shorter\s+than|under|below|lesser\s+than"
_LE = (
    r"no\s+more\s+than|not\s+more\s+than|no\s+longer\s+than|not\s+longer\s+than|at\s+most|up\s+to|"
    r"a\s+maximum\s+of|maximum\s+of|max\.?|within|not\s+(?:to\s+)?exceed(?:ing)?|"
    r"(?:keep|limit|restrict)\w*\s+(?:it|this|yourself|the\s+\w+|your\s+\w+)\s+(?:to|at)"
)
_EQ = r"exactly|only|just|precisely"
PRE = rf"(?:{_LE}|{_GE}|{_GT}|{_LT}|{_EQ}|between)"
POST = r"(?:\+|tops\b|max(?:imum)?\b|at\s+most\b|at\s+the\s+most\b|or\s+so\s+at\s+most|at\s+minimum\b|at\s+least\b|minimum\b|or\s+more|or\s+greater|or\s+above|or\s+longer|or\s+less|or\s+fewer|or\s+below|or\s+under|or\s+shorter)"
_RANGE = r"(?:to|or|and|-|–)"
_TOTAL = r"(?:(?:a\s+)?total\s+of\s+)?"


def quantity(unit: str, *, times: bool = False) -> str:
    """A regex for "<comparison> N <unit>", with groups ``pre``, ``a``, ``b``, ``post``, ``post2``."""
    count = rf"(?P<a>{NUM})(?:\s*(?P<post>{POST})|\s*{_RANGE}\s*(?P<b>{NUM}))?"
    if times:
        once = r"(?P<t>once|twice|thrice)"
        count = rf"(?:{count}\s*(?:{unit})|{once})"
        return rf"(?:(?P<pre>{PRE})\s+)?{_TOTAL}{count}(?:\s*(?P<post2>{POST}))?"
    return rf"(?:(?P<pre>{PRE})\s+)?{_TOTAL}{count}\s*(?:-\s*)?(?:{unit})(?:\s*(?P<post2>{POST}))?"


def parse_number(text: str) -> int | None:
    """ "300" -> 300, "1,200" -> 1200, "twenty-five" -> 25, "twice" -> 2; None when not a number."""
    words = re.sub(r"[\s-]+", " ", text.strip().lower()).replace(",", "")
    if words in _IDIOMS:
        return _IDIOMS[words]
    if words.isdigit():
        return int(words)
    if words in _TIMES:
        return _TIMES[words]
    total = 0
    current = 0
    seen = False
    for word in words.split():
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    total += current
    return total if seen else None


def parse_ordinal(text: str, last: int | None = None) -> int | None:
    """ "second" / "2nd" -> 2; "last" -> ``last`` (the paragraph count, when known)."""
    word = text.strip().lower()
    if word in {"last", "final"}:
        return last
    if word in _ORDINALS:
        return _ORDINALS[word]
    digits = re.match(r"\d+", word)
    return int(digits.group()) if digits else None


def bounds(match: re.Match[str], *, negated: bool = False) -> list[Bound]:
    """Turn a :func:`quantity` match into one or two catalogue bounds.

    ``negated`` flips the meaning ("I don't want anything longer than 30 words" -> less than 31).
    """
    groups = match.groupdict()
    if groups.get("t"):
        first: int | None = _TIMES[groups["t"].lower()]
    else:
        first = parse_number(groups["a"] or "")
    if first is None:
        return []
    second = parse_number(groups["b"]) if groups.get("b") else None
    pre = re.sub(r"\s+", " ", (groups.get("pre") or "").lower())
    post = re.sub(r"\s+", " ", (groups.get("post") or groups.get("post2") or "").lower())
    result = _interpret(pre, post, first, second)
    if negated:
        result = [_flip(bound) for bound in result] if len(result) == 1 else result
    return result


def _interpret(pre: str, post: str, first: int, second: int | None) -> list[Bound]:
    if second is not None and second >= first:
        return [("at least", first), ("less than", second + 1)]
    if not pre and post in {
        "+",
        "or more",
        "or greater",
        "or above",
        "or longer",
        "at minimum",
        "at least",
        "minimum",
    }:
        return [("at least", first)]
    if not pre and post:
        return [("less than", first + 1)]
    if re.fullmatch(_GE, pre):
        return [("at least", first)]
    if re.fullmatch(_GT, pre):
        return [("at least", first + 1)]
    if re.fullmatch(_LT, pre):
        return [("less than", first)]
    if re.fullmatch(_LE, pre):
        return [("less than", first + 1)]
    if re.fullmatch(_EQ, pre):
        return [("at least", first), ("less than", first + 1)]
    return [("at least", first)]


def _flip(bound: Bound) -> Bound:
    relation, value = bound
    return ("less than", value) if relation == "at least" else ("at least", value)
