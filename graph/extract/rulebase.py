"""Shared pieces of the rule extractor: the hit type, sentence-wise matching, negation cues."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.extract.text import Doc, Segment

FLAGS = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's finding before validation: id, kwargs and the evidence span in the instruction."""

    id: str
    kwargs: dict[str, Any]
    span: tuple[int, int]


Rule = Callable[[Doc], Iterable[Hit]]

# "don't want anything longer than 30 words" means at most 30.
_WANT_NOTHING = re.compile(r"(?:do\s*n[o']?t|do\s+not|never)\s+want\s+anything|\bnothing\b", FLAGS)
_NEGATION = re.compile(
    r"\b(?:not|never|no|without|avoid\w*|refrain\w*|don'?t|doesn'?t|cannot|can'?t|mustn'?t|shouldn'?t|"
    r"exclude|excluding|omit\w*|steer\s+clear|nor|forbid\w*|prohibit\w*|ban\w*)\b",
    FLAGS,
)


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, FLAGS)


def in_sentences(doc: Doc, pattern: re.Pattern[str]) -> Iterator[tuple[Segment, re.Match[str]]]:
    """Every match of ``pattern`` inside each sentence (matches never cross sentences)."""
    for segment in doc.sentences:
        for match in pattern.finditer(segment.text):
            yield segment, match


def span(segment: Segment, match: re.Match[str]) -> tuple[int, int]:
    return segment.start + match.start(), segment.start + match.end()


def wants_nothing(text: str) -> bool:
    """True when the count sits under "don't want anything ..." (the comparison flips)."""
    return bool(_WANT_NOTHING.search(text))


# Where a new clause starts, so a negation before it does not reach past it: "Don't use any
# commas and make sure the letter q appears" leaves the letter un-negated.
_CLAUSE_BREAK = re.compile(
    r"[;:\n]|[.!?]\s|\s[-–—]+\s|,\s*(?:and|but|then|also|while)\b|\bbut\b|"
    r"\band\s+(?:make\s+sure|ensure|be\s+sure|also|then|please|remember|include|use|add|mention)\b",
    FLAGS,
)


def clause_before(text: str, end: int, window: int = 40) -> str:
    """The ``window`` characters before ``end``, cut back to the start of the current clause."""
    before = text[max(0, end - window) : end]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end() :] if breaks else before


def negated_before(text: str, end: int, window: int = 40) -> bool:
    """A negation cue in the ``window`` characters before ``end``, within the same clause."""
    return bool(_NEGATION.search(clause_before(text, end, window)))


def in_parentheses(text: str, index: int) -> bool:
    """Whether ``index`` lies inside an open "(": clarifications there repeat the main request."""
    return text.rfind("(", 0, index) > text.rfind(")", 0, index)


def flag_rule(cid: str, pattern: re.Pattern[str], guard: re.Pattern[str] | None = None) -> Rule:
    """A rule yielding the kwarg-less ``cid`` at the first match, when ``guard`` (if any) is also
    in that sentence: most of IFBench's ids are a property named with its scope, nothing more."""

    def rule(doc: Doc) -> Iterator[Hit]:
        for segment, match in in_sentences(doc, pattern):
            if guard is None or guard.search(segment.text):
                yield Hit(cid, {}, span(segment, match))
                return

    rule.__name__ = cid.replace(":", "_")
    return rule


def needs(*words: str) -> Callable[[Rule], Rule]:
    """Skip a rule unless one of ``words`` (lowercase) is in the text: its patterns cannot match
    without one, and a substring test is far cheaper than a number-first regex scan."""

    def wrap(rule: Rule) -> Rule:
        def guarded(doc: Doc) -> Iterable[Hit]:
            if any(word in doc.lower for word in words):
                return rule(doc)
            return ()

        guarded.__name__ = rule.__name__
        guarded.__module__ = rule.__module__
        return guarded

    return wrap
