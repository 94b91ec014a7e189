"""Exactly N markdown bullets from the response's own lines and sentences (content-preserving).

Too many: adjacent items are merged (sub-items first), wordless rule lines dropped, else a bullet
loses its marker. Too few: numbered items become bullets, then plain lines, then lines split at
sentence boundaries. The official count is lines starting with ``*`` (not ``**``) or ``-``.
"""

from __future__ import annotations

import itertools
import re

from graph.constraints.text import sentence_spans

_STAR = re.compile(r"^\s*\*[^\*]")
_DASH = re.compile(r"^\s*-")
_MARKER = re.compile(r"^\s*(?:[*-]+\s*)+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(?=\S)")
_WORD = re.compile(r"\w")


def is_bullet(line: str) -> bool:
    return bool(_STAR.match(line) or _DASH.match(line))


def _content(line: str) -> str:
    return _MARKER.sub("", line, count=1).strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _fewer(lines: list[str], target: int) -> list[str] | None:
    lines = list(lines)
    for i in reversed(range(len(lines))):
        if sum(map(is_bullet, lines)) > target and is_bullet(lines[i]) and not _WORD.search(lines[i]):
            del lines[i]
    while sum(map(is_bullet, lines)) > target:
        marks = [i for i, line in enumerate(lines) if is_bullet(line)]
        pairs = [(a, b) for a, b in itertools.pairwise(marks) if all(not x.strip() for x in lines[a + 1 : b])]
        if pairs:
            a, b = min(
                pairs,
                key=lambda p: (
                    _indent(lines[p[1]]) <= _indent(lines[p[0]]),
                    len(lines[p[0]]) + len(lines[p[1]]),
                ),
            )
            lines[a] = lines[a].rstrip() + " " + _content(lines[b])
            del lines[a + 1 : b + 1]
        else:
            shortest = min(marks, key=lambda i: len(lines[i]))
            lines[shortest] = _content(lines[shortest])
    return lines


def _plain_candidates(lines: list[str]) -> list[int]:
    """Lines that may become bullets: words in them, not a bullet, title, heading or divider."""
    return [
        i
        for i, line in enumerate(lines)
        if _WORD.search(line) and not is_bullet(line) and not line.lstrip().startswith(("<<", "#", "**"))
    ]


def _split_line(line: str, pieces: int) -> list[str]:
    """The line's sentences in ``pieces`` consecutive groups, each a bullet."""
    text = _content(line)
    spans = sentence_spans(text)
    size, extra = divmod(len(spans), pieces)
    groups, start = [], 0
    for k in range(pieces):
        stop = start + size + (1 if k < extra else 0)
        groups.append("* " + text[spans[start][0] : spans[stop - 1][1]])
        start = stop
    return groups


def _more(lines: list[str], target: int) -> list[str] | None:
    if sum(map(is_bullet, lines)) < target:
        lines = [_NUMBERED.sub("* ", line, count=1) for line in lines]
    need = target - sum(map(is_bullet, lines))
    if need <= 0:
        return lines
    plain = _plain_candidates(lines)
    if len(plain) > need and plain and plain[0] == 0 and len(plain) - 1 >= need:
        plain = plain[1:]  # keep an opening line ("Here are ...") as it is
    capacity = {i: len(sentence_spans(_content(lines[i]))) for i in plain}
    if sum(capacity.values()) < need:
        return None
    share = dict.fromkeys(plain[:need], 1)
    while sum(share.values()) < need:
        room = [i for i in plain if capacity[i] > share.get(i, 0)]
        best = max(room, key=lambda i: capacity[i] - share.get(i, 0))
        share[best] = share.get(best, 0) + 1
    out: list[str] = []
    for i, line in enumerate(lines):
        out.extend(_split_line(line, share[i]) if share.get(i) else [line])
    return out


def exact_bullets(response: str, target: int) -> str | None:
    """The response with exactly ``target`` bullet lines, or None when no regrouping gives that."""
    lines = response.split("\n")
    count = sum(map(is_bullet, lines))
    if count == target:
        return None
    fixed = _fewer(lines, target) if count > target else _more(lines, target)
    if fixed is not None and sum(map(is_bullet, fixed)) > target:
        fixed = _fewer(fixed, target)
    return None if fixed is None else "\n".join(fixed)
