"""Levenshtein distance, fast enough to measure every correction step of a bulk run.

Bit-parallel (Myers 1999 / Hyyrö 2001) over Python integers: one pass over the longer text with a
handful of big-int operations per character, instead of the quadratic dynamic programme.
"""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Unit-cost insert/delete/substitute distance between two strings."""
    if a == b:
        return 0
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)
    peq: dict[str, int] = {}
    for index, char in enumerate(b):
        peq[char] = peq.get(char, 0) | (1 << index)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for char in a:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & full) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score


def normalized_edit_distance(before: str, after: str) -> float:
    """Distance divided by the longer length: 0.0 identical, 1.0 nothing kept."""
    longest = max(len(before), len(after))
    if longest == 0:
        return 0.0
    return levenshtein(before, after) / longest
