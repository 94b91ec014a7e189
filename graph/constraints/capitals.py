"""Raise or lower the count of all-capital words by changing the case of words already there.

Lowering: the most frequent all-capital words first (every occurrence), longer ones title-cased
("NOTE" -> "Note"), single letters ("I", "A") last. Raising: existing plain words of four or more
letters, in order, written in capitals. No word is added or removed.
"""

from __future__ import annotations

import re
from collections import Counter

from graph.constraints.text import capital_words

_PLAIN_WORD = re.compile(r"(?<![\w'\u2019-])[A-Za-z][a-z]{3,}(?![\w'\u2019-])")


def _occurrences(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")


def fewer_capitals(response: str, below: int) -> str | None:
    """Case changes until fewer than ``below`` all-capital tokens remain, or None."""
    text = response
    counts = Counter(capital_words(text))
    order = sorted(counts, key=lambda w: (len(w) == 1, -counts[w], w))
    for word in order:
        if len(capital_words(text)) < below:
            break
        softer = word.capitalize() if len(word) > 1 and word[0].isalpha() else word.lower()
        text = _occurrences(word).sub(softer, text)
    return text if len(capital_words(text)) < below else None


def more_capitals(response: str, at_least: int) -> str | None:
    """Existing words written in capitals, in order, until ``at_least`` all-capital tokens exist."""
    text = response
    for _ in range(4):
        need = at_least - len(capital_words(text))
        if need <= 0:
            return text
        spots = list(_PLAIN_WORD.finditer(text))[:need]
        if not spots:
            return None
        chars = list(text)
        for match in spots:
            chars[match.start() : match.end()] = match.group().upper()
        text = "".join(chars)
    return text if len(capital_words(text)) >= at_least else None
