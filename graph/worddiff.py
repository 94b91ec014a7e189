"""Word-level diff of two texts: what a correction changed, in a form people and programs can read.

Texts are split into words, each with the whitespace that follows it (so a changed line break is a
changed word, and frequent spaces never make the matcher quadratic); joining the ``equal`` +
``delete`` segments gives the old text back exactly (``equal`` + ``insert`` the new one). Pure; the service stores it, the page highlights it, exports
carry it as metadata.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal, TypedDict

DiffOpName = Literal["equal", "delete", "insert"]

# Above this many tokens on either side the middle of the texts is shown as one replacement:
# SequenceMatcher is quadratic in the worst case and a diff must never stall a request.
MAX_TOKENS = 10_000

_TOKENS = re.compile(r"\S+\s*|\s+")


class DiffOp(TypedDict):
    """One segment: text kept (``equal``), removed from the old text, or added in the new one."""

    op: DiffOpName
    text: str


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(before: str, after: str, *, max_tokens: int = MAX_TOKENS) -> list[DiffOp]:
    """Segments turning ``before`` into ``after``; adjacent segments of one kind are merged."""
    if before == after:
        return [DiffOp(op="equal", text=before)] if before else []
    old, new = tokens(before), tokens(after)
    out: list[DiffOp] = []
    if len(old) > max_tokens or len(new) > max_tokens:
        _coarse(old, new, out)
        return out
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(out, "equal", "".join(old[i1:i2]))
            continue
        _add(out, "delete", "".join(old[i1:i2]))
        _add(out, "insert", "".join(new[j1:j2]))
    return out


def _coarse(old: list[str], new: list[str], out: list[DiffOp]) -> None:
    """Common prefix and suffix kept, everything between replaced."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    _add(out, "equal", "".join(old[:start]))
    _add(out, "delete", "".join(old[start : len(old) - end]))
    _add(out, "insert", "".join(new[start : len(new) - end]))
    _add(out, "equal", "".join(old[len(old) - end :]))


def _add(out: list[DiffOp], op: DiffOpName, text: str) -> None:
    if not text:
        return
    if out and out[-1]["op"] == op:
        out[-1]["text"] += text
    else:
        out.append(DiffOp(op=op, text=text))


def side(diff: list[DiffOp], which: Literal["before", "after"]) -> str:
    """The old (``before``) or new (``after``) text rebuilt from a diff."""
    skip = "insert" if which == "before" else "delete"
    return "".join(seg["text"] for seg in diff if seg["op"] != skip)


def changed_words(diff: list[DiffOp]) -> int:
    """Words removed plus words added: the page's edit-size measure (whitespace changes count 0)."""
    return sum(len(seg["text"].split()) for seg in diff if seg["op"] != "equal")
