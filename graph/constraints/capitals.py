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


def _occurrences(word: str, spare_markers: bool) -> re.Pattern[str]:
    """Whole-word occurrences; with ``spare_markers``, not one followed by a number ("SECTION 2")."""
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)" + (r"(?!\s?\d)" if spare_markers else ""))


def _softer(word: str) -> str:
    """Title case for a word ("NOTE" -> "Note"), lower case where that is still all capitals ("A1")."""
    titled = word.capitalize()
    return word.lower() if titled.isupper() else titled


def fewer_capitals(response: str, below: int) -> str | None:
    """Case changes until fewer than ``below`` all-capital tokens remain, or None.

    Markers followed by a number (another constraint's section splitter, often) are changed only
    when there is no other way.
    """
    for spare_markers in (True, False):
        text = response
        counts = Counter(capital_words(text))
        for word in sorted(counts, key=lambda w: (len(w) == 1, -counts[w], w)):
            if len(capital_words(text)) < below:
                break
            text = _occurrences(word, spare_markers).sub(_softer(word), text)
        if len(capital_words(text)) < below:
            return text
    return None


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
