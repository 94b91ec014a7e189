"""What "content-preserving" means for a repair, as a function the tests hold every repair to.

A repair may change case, punctuation and markup (bullet and list markers, ``*`` highlights,
``***`` dividers, quotes, brackets) and may add the words its constraint dictates (an end phrase,
a P.S., section headers, a title, a repeated prompt); it may not drop, reorder or invent any
other word. A word is a ``\\w+`` run, compared case-insensitively; list numbering at the start of
a line ("1." / "2)") is markup. A repair that would need new content stays with the teacher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
# List numbering: a number and a dot or parenthesis opening a line (after markup or a quote).
_LIST_NUMBER = re.compile(r"(?m)^[ \t\"'\[{(*+-]*(\d{1,3})[.)]")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(word, is list numbering) for every word, case folded."""
    numbering = {match.start(1) for match in _LIST_NUMBER.finditer(text)}
    return [(m.group().casefold(), m.start() in numbering) for m in _WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    """The words that carry the content, in order, case folded; list numbering left out."""
    return [word for word, numbering in _tokens(text) if not numbering]


def dictated_words(*phrases: str) -> frozenset[str]:
    """The words a constraint itself may add (from its phrase, marker, splitter, prompt...)."""
    return frozenset(word for phrase in phrases for word, _ in _tokens(phrase))


def extra_words(before: str, after: str) -> list[str] | None:
    """The words ``after`` adds around the words of ``before`` (kept in order), or None when one is lost.

    Greedy: a word of ``after`` that equals the next word of ``before`` is taken as that word.
    List numbering is markup: it may be dropped, added or moved as a repair lays out a list.
    """
    wanted = _tokens(before)
    extras: list[str] = []
    position = 0
    for word, numbering in _tokens(after):
        if position < len(wanted) and word == wanted[position][0]:
            position += 1
            continue
        look = position  # a list number of ``before`` may have been dropped: look past those
        while look < len(wanted) and wanted[look][1] and wanted[look][0] != word:
            look += 1
        if position < look < len(wanted) and word == wanted[look][0]:
            position = look + 1
        elif not numbering:
            extras.append(word)
    while position < len(wanted) and wanted[position][1]:
        position += 1
    return extras if position == len(wanted) else None


def preserves_content(before: str, after: str, allowed: Iterable[str] = ()) -> bool:
    """True when every word of ``before`` survives in order and any added word is ``allowed``."""
    extras = extra_words(before, after)
    if extras is None:
        return False
    permitted = frozenset(word.casefold() for word in allowed)
    return all(word in permitted for word in extras)


_DIGITS = tuple(str(n) for n in range(1, 100))


def dictated_by(constraint_id: str, kwargs: dict[str, object], after: str) -> frozenset[str]:
    """The words a repair for this constraint may add: what the constraint itself dictates.

    A title is dictated but its wording is not: the words inside ``<<...>>`` of the repaired text
    count as dictated (the repair takes them from the response itself).
    """
    text = {key: value for key, value in kwargs.items() if isinstance(value, str)}
    if constraint_id == "startend:end_checker":
        return dictated_words(text.get("end_phrase", ""))
    if constraint_id == "combination:repeat_prompt":
        return dictated_words(text.get("prompt_to_repeat", ""))
    if constraint_id == "detectable_content:postscript":
        return dictated_words(text.get("postscript_marker", ""), "I hope this helps.")
    if constraint_id == "detectable_content:number_placeholders":
        return dictated_words("placeholder", *_DIGITS)
    if constraint_id == "detectable_format:multiple_sections":
        return dictated_words(text.get("section_spliter", ""), *_DIGITS)
    if constraint_id == "detectable_format:constrained_response":
        return dictated_words("My answer is yes no maybe")
    if constraint_id == "detectable_format:title":
        return dictated_words(*re.findall(r"<<([^\n]+)>>", after))
    return frozenset()
