"""Instruction text cut into sentences with their character offsets, and quoted strings found.

Rules match inside one sentence so a count in one request never attaches to a unit in the next;
the cut must not break at "i.e." or "P.S." or inside a quoted phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:i\.e|e\.g|etc|vs|mr|mrs|ms|dr|st|no|approx|cf|p\.p\.s|p\.s|u\.s|a\.m|p\.m)\.|\b[A-Z]\.)$",
    re.IGNORECASE,
)
_OPEN_CLOSE = {'"': '"', "“": "”", "”": "”"}
QUOTED = re.compile(
    r"\"([^\"\n]{1,300}?)\"|“([^”\n]{1,300}?)”|”([^”\n]{1,300}?)”|(?<![A-Za-z])'([^'\n]{1,100}?)'(?![A-Za-z])"
)


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence of the instruction; ``start``/``end`` index the full text."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Doc:
    """The instruction and its sentences, shared by every rule."""

    text: str
    sentences: list[Segment] = field(default_factory=list)
    lower: str = ""

    @classmethod
    def of(cls, text: str) -> Doc:
        return cls(text, split_sentences(text), text.lower())

    def sentence_at(self, index: int) -> int:
        """Position in ``sentences`` of the sentence holding character ``index``."""
        for position, segment in enumerate(self.sentences):
            if segment.start <= index < segment.end:
                return position
        return len(self.sentences) - 1


def split_sentences(text: str) -> list[Segment]:
    """Cut at newlines and at ``.!?`` followed by space, outside quotes and abbreviations."""
    segments: list[Segment] = []
    start = 0
    quote_close: str | None = None
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if quote_close is not None:
            if char in (quote_close, "\n"):
                quote_close = None
            index += 1
            if char != "\n":
                continue
            _add(segments, text, start, index)
            start = index
            continue
        if char in _OPEN_CLOSE and _closes_on_line(text, index, _OPEN_CLOSE[char]):
            quote_close = _OPEN_CLOSE[char]
        elif char == "\n":
            _add(segments, text, start, index)
            start = index + 1
        elif _sentence_end(text, start, index):
            _add(segments, text, start, index + 1)
            start = index + 1
        index += 1
    _add(segments, text, start, length)
    return segments


def _sentence_end(text: str, start: int, index: int) -> bool:
    """``.!?`` then whitespace, except the dot of an abbreviation such as "i.e." or "P.S."."""
    char = text[index]
    if char not in ".!?" or (index + 1 < len(text) and text[index + 1] not in " \t\n"):
        return False
    return not (char == "." and _ABBREVIATIONS.search(text[max(start, index - 8) : index + 1]))


def _closes_on_line(text: str, index: int, close: str) -> bool:
    end_of_line = text.find("\n", index + 1)
    end_of_line = len(text) if end_of_line < 0 else end_of_line
    return text.find(close, index + 1, end_of_line) > 0


def _add(segments: list[Segment], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        segments.append(Segment(start, end, text[start:end]))


def quoted(text: str) -> list[tuple[str, int, int]]:
    """Every quoted string in ``text``: (content, start, end) of the content."""
    found = []
    for match in QUOTED.finditer(text):
        group = next(g for g in range(1, 5) if match.group(g) is not None)
        found.append((match.group(group), match.start(group), match.end(group)))
    return found
