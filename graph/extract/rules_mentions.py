"""Keyword asks said without the word "word": "Don't ever mention lemon or basil", "No mention of
rain at all", "Be sure to mention copper, tin and zinc", "Keep 'buy' and 'sale' out of it".

The bare list must close its sentence (or be quoted), so "don't mention prices when you explain
the plan" keeps "prices" and "mention the causes of the war" (a stop word) finds nothing; a
positive bare list needs two items, since "mention Paris" is as often a topic as a keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.numbers import bounds, quantity
from graph.extract.rulebase import Hit, rx
from graph.extract.rules_keywords import _items
from graph.extract.text import Doc

_NEG = r"(?:don'?t|do\s+not|never|must\s+not|mustn'?t|should\s+not|shouldn'?t|cannot|can'?t|please\s+don'?t)"
_VERBS = r"(?:mention\w*|bring\w*\s+up|say\w*|talk\w*\s+about|refer\w*\s+to)"
_START = rx(
    rf"\b(?P<neg>{_NEG}\s+(?:ever\s+|even\s+|once\s+)?{_VERBS}|no\s+mentions?\s+of|without\s+(?:ever\s+)?mentioning|avoid\s+mentioning)\s+"
    r"|\b(?P<pos>(?:be\s+sure\s+to|make\s+sure\s+(?:to|you)|remember\s+to|you\s+(?:must|should)|please|also)\s+mention)\s+"
    r"|\bkeep\s+(?:the\s+)?(?:words?\s+|terms?\s+)?(?=[\"'“‘])(?P<keep>)"
)
_CLOSE = rx(
    r"^\s*(?:at\s+all|anywhere|ever|whatsoever|(?:anywhere\s+)?in\s+(?:your|the|this)\s+\w+)?\s*(?:,?\s*please)?\s*(?:[.!?;]|$)"
)
_OUT_OF = rx(r"^\s*out\s+of\s+(?:it|the\s+\w+|your\s+\w+)")


def bare_mentions(doc: Doc) -> Iterator[Hit]:
    for segment in doc.sentences:
        text = segment.text
        for match in _START.finditer(text):
            items, end = _items(text, match.end())
            items = [i for i in items if re.search(r"\w", i)]
            if not items:
                continue
            quoted = bool(re.match(r"\s*[\"'“‘]", text[match.end() :]))
            after = text[end:]
            where = (segment.start + match.start(), segment.start + end)
            if match.group("keep") is not None:
                if _OUT_OF.match(after):
                    yield Hit("keywords:forbidden_words", {"forbidden_words": items}, where)
                continue
            if not (quoted or _CLOSE.match(after)):
                continue
            if match.group("neg"):
                yield Hit("keywords:forbidden_words", {"forbidden_words": items}, where)
            elif len(items) >= 2 or quoted:
                yield Hit("keywords:existence", {"keywords": items}, where)


_FOLLOW = rx(
    r"(?:,|\band\b)\s+(?:the\s+(?:key\s*)?word\s+)?[\"'“‘](?P<w>[^\"'”’\n]{1,40})[\"'”’]\s+"
    + quantity(r"(?:times?|x)\b", times=True)
)
_FREQ_ASK = rx(
    r"\b(?:say|use|include|mention|repeat|write)\w*\b[^.\n]{0,60}?[\"'“‘][^\"'”’\n]{1,40}[\"'”’]\s+"
    + quantity(r"(?:times?|x)\b", times=True)
)


def following_counts(doc: Doc) -> Iterator[Hit]:
    """ "Say 'river' at least 2 times and 'bank' at least 4 times": the second counted keyword."""
    for segment in doc.sentences:
        first = _FREQ_ASK.search(segment.text)
        if first is None:
            continue
        for match in _FOLLOW.finditer(segment.text, first.end()):
            where = (segment.start + match.start(), segment.start + match.end())
            for relation, value in bounds(match):
                kwargs = {"keyword": match.group("w"), "frequency": value, "relation": relation}
                yield Hit("keywords:frequency", kwargs, where)


RULES = [bare_mentions, following_counts]
