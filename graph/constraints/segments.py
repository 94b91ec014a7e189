"""Where a text may be cut or joined without touching its words: paragraph and sentence boundaries.

Layout repairs (paragraph counts, a paragraph's first word, bullet lists) regroup a response's own
sentences; they never write a word of their own, so the result keeps every word in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.constraints.text import sentence_spans

_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of the text; ``opens_paragraph`` when a blank line precedes it (a strong cut)."""

    start: int
    end: int
    opens_paragraph: bool


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line-separated, non-blank piece, surrounding whitespace excluded."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in [*_BLANK_LINE.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[position:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((position + lead, position + len(piece.rstrip())))
        if match:
            position = match.end()
    return spans


def units(text: str) -> list[Unit]:
    """The text's sentences, paragraph by paragraph (a sentence never crosses a blank line)."""
    found: list[Unit] = []
    for start, end in paragraph_spans(text):
        for index, (s, e) in enumerate(sentence_spans(text[start:end])):
            found.append(Unit(start + s, start + e, index == 0))
    return found


def choose_cuts(pool: list[Unit], first: int, last: int, count: int) -> list[int] | None:
    """``count`` cut points (unit indices in ``first+1 .. last-1``), paragraph breaks first, evenly spread.

    A cut at index i starts a new group at unit i. None when there are too few places to cut.
    """
    candidates = list(range(first + 1, last))
    if count <= 0:
        return []
    if len(candidates) < count:
        return None
    strong = [i for i in candidates if pool[i].opens_paragraph]
    if len(strong) >= count:
        return [strong[(k * len(strong)) // count + (len(strong) // count) // 2] for k in range(count)]
    chosen = set(strong)
    while len(chosen) < count:
        bounds = [first, *sorted(chosen), last]
        widest = max(range(len(bounds) - 1), key=lambda k: bounds[k + 1] - bounds[k])
        low, high = bounds[widest], bounds[widest + 1]
        if high - low < 2:
            return None
        chosen.add((low + high + 1) // 2)
    return sorted(chosen)


def regroup(text: str, pool: list[Unit], cuts: list[int], separator: str, inner_blank: str | None) -> str:
    """The units joined into groups starting at ``cuts``, groups joined by ``separator``.

    Inside a group the original spacing is kept, except that a gap holding a blank line becomes
    ``inner_blank`` when given (so a group never splits where the constraint counts paragraphs).
    """
    groups: list[str] = []
    starts = [0, *cuts]
    ends = [*cuts, len(pool)]
    for begin, stop in zip(starts, ends, strict=True):
        pieces = []
        for i in range(begin, stop):
            if i > begin:
                gap = text[pool[i - 1].end : pool[i].start]
                pieces.append(inner_blank if inner_blank is not None and _BLANK_LINE.search(gap) else gap)
            pieces.append(text[pool[i].start : pool[i].end])
        groups.append("".join(pieces))
    return separator.join(groups)
