"""Content-preserving layout repairs: paragraphs, a paragraph's first word, highlights, fewer sentences.

Each function returns a candidate or None; the constraint's ``repair`` keeps it only if its checker
passes. None of them writes a word: they cut, join and mark the response's own sentences.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from graph.constraints.segments import Unit, choose_cuts, regroup, units
from graph.constraints.text import sentence_spans

_STAR_DIVIDER = re.compile(r"\s?\*\*\*\s?")
_MARKS = ".?!"
_CLOSERS = "\"')]}\u2019\u201d*"
_SPOT_START = re.compile(r"(?<!\w)[^\W\d_]")  # a highlight starts at a letter (never a list number)
_CLAUSE = re.compile(r"[,;:\u2014]\s+|\n\s*")
_BULLET_MARKER = re.compile(r"^\s*[*-]\s+")
_LIST_START = re.compile(r"[ \t\"'*#>+-]*\d+")  # a line that is only a list number so far


def star_paragraphs(response: str, count: int) -> str | None:
    """Exactly ``count`` paragraphs divided by ``***``, cut at existing paragraph, then sentence, breaks."""
    text = _STAR_DIVIDER.sub("\n\n", response)
    pool = units(text)
    cuts = choose_cuts(pool, 0, len(pool), count - 1)
    if not pool or cuts is None:
        return None
    return regroup(text, pool, cuts, "\n\n***\n\n", None)


def paragraphs_starting(response: str, count: int, nth: int, matches: Callable[[str], bool]) -> str | None:
    """``count`` blank-line paragraphs with paragraph ``nth`` opening on an existing sentence that ``matches``."""
    pool = units(response)
    if not any(matches(response[u.start : u.end]) for u in pool):
        pool = _clause_units(response, pool, matches)
    m = len(pool)
    options = [k for k in range(m) if matches(response[pool[k].start : pool[k].end])]
    options = [k for k in options if (k == 0 if nth == 1 else k >= nth - 1) and m - k >= count - nth + 1]
    options.sort(key=lambda k: (not pool[k].opens_paragraph, abs(k - (nth - 1) * m / count)))
    for k in options:
        before = [] if nth == 1 else choose_cuts(pool, 0, k, nth - 2)
        after = choose_cuts(pool, k, m, count - nth)
        if before is None or after is None:
            continue
        cuts = [*before, *([k] if nth > 1 else []), *after]
        return regroup(response, pool, cuts, "\n\n", "\n")
    return None


def _clause_units(text: str, pool: list[Unit], matches: Callable[[str], bool]) -> list[Unit]:
    """Sentences also cut after a comma, semicolon, colon or dash where the rest ``matches``."""
    out: list[Unit] = []
    for unit in pool:
        start = unit.start
        for clause in _CLAUSE.finditer(text, unit.start, unit.end):
            if clause.end() < unit.end and matches(text[clause.end() : unit.end]):
                out.append(Unit(start, clause.start() + 1, unit.opens_paragraph and start == unit.start))
                start = clause.end()
        out.append(Unit(start, unit.end, unit.opens_paragraph and start == unit.start))
    return out


def _spots(response: str, clauses: bool) -> list[tuple[int, int]]:
    """Sentences (or clauses) that a highlight can wrap, from their first word on.

    Only where the line (after a bullet marker) has no ``*`` and no ``<<title>>`` of its own.
    """
    found: list[tuple[int, int]] = []
    offset = 0
    for line in response.split("\n"):
        marker = _BULLET_MARKER.match(line)
        body = marker.end() if marker else 0
        if "*" not in line[body:] and "<<" not in line:
            for start, end in sentence_spans(line[body:]):
                pieces = [(start, end)]
                if clauses:
                    cuts = [m.end() for m in _CLAUSE.finditer(line, body + start, body + end)]
                    bounds = [body + start, *cuts, body + end]
                    pieces = [(a - body, b - body) for a, b in itertools.pairwise(bounds)]
                for s, e in pieces:
                    lead = _SPOT_START.search(line, body + s, body + e)
                    tail = line[: body + e].rstrip(" ,;:.?!\u2014\"')\u201d")
                    if lead is not None and len(tail) > lead.start():
                        found.append((offset + lead.start(), offset + len(tail)))
        offset += len(line) + 1
    # Not the very last words: an end phrase or a closing quote lives there.
    last = len(response.rstrip(" \n\t\"'.?!"))
    return [spot for spot in found if spot[1] < last]


def highlight(response: str, missing: int) -> str | None:
    """Wrap the ``missing`` shortest highlightable sentences (else clauses) in ``**`` (bold, never a bullet)."""
    spots = _spots(response, clauses=False)
    if len(spots) < missing:
        spots = _spots(response, clauses=True)
    if len(spots) < missing:
        return None
    chosen = sorted(sorted(spots, key=lambda s: (s[1] - s[0], s[0]))[:missing])
    pieces: list[str] = []
    last = 0
    for start, end in chosen:
        pieces += [response[last:start], "**", response[start:end], "**"]
        last = end
    pieces.append(response[last:])
    return "".join(pieces)


def _terminal_mark(text: str, start: int, end: int) -> tuple[int, str] | None:
    """The sentence's final ``.``/``?``/``!`` (closing quotes may follow; not an ellipsis) and what
    joins it to the next: ``;``, or ``)`` for a list number ("1." -> "1)", still list markup)."""
    index = end - 1
    while index > start and text[index] in _CLOSERS:
        index -= 1
    if index < start or text[index] not in _MARKS or (index > start and text[index - 1] in _MARKS):
        return None
    before = text[start:index]
    token = before.rsplit(maxsplit=1)[-1] if before.strip() else ""
    line = text[text.rfind("\n", 0, index) + 1 : index]
    if token.isdigit() and text[index] == "." and _LIST_START.fullmatch(line):
        return index, ")"
    # "P.S.", "e.g.": an abbreviation, not the end of a sentence worth joining.
    return None if "." in token or not token else (index, ";")


def fewer_sentences(response: str, limit: int) -> str | None:
    """Join adjacent sentences with ``;`` until fewer than ``limit`` remain (shortest pairs first)."""
    if limit < 2:
        return None
    text = response
    for _ in range(6):
        spans = sentence_spans(text)
        excess = len(spans) - limit + 1
        if excess <= 0:
            return text
        joins = []
        for (s1, e1), (s2, e2) in itertools.pairwise(spans):
            mark = _terminal_mark(text, s1, e1)
            if mark is not None:
                joins.append((("\n" in text[e1:s2]), e2 - s1, mark))
        if not joins:
            return None
        marks = dict(mark for *_, mark in sorted(joins)[:excess])
        text = "".join(marks.get(i, char) for i, char in enumerate(text))
    return text if len(sentence_spans(text)) < limit else None
