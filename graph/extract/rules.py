"""The rule extractor: every family's rules over one segmented instruction, validated, de-duplicated.

Rules are precise and free, so they always run first; a hit whose kwargs fail the catalogue's own
parameter model is dropped with a warning rather than passed on. Where a specific id and a general
one read the same sentence ("keyword X in the 3rd sentence" is not also a plain keyword ask), the
specific one wins (``SUBSUMES``).
"""

from __future__ import annotations

import logging
import re

from graph.errors import ConstraintError
from graph.extract import (
    rules_case,
    rules_fields,
    rules_format,
    rules_ifbench_count,
    rules_ifbench_custom,
    rules_ifbench_format,
    rules_ifbench_words,
    rules_keywords,
    rules_length,
    rules_mentions,
    rules_startend,
)
from graph.extract.model import ExtractedConstraint
from graph.extract.rulebase import Rule
from graph.extract.text import Doc

log = logging.getLogger(__name__)

RULES: list[Rule] = [
    *rules_length.RULES,
    *rules_format.RULES,
    *rules_case.RULES,
    *rules_keywords.RULES,
    *rules_mentions.RULES,
    *rules_fields.RULES,
    *rules_startend.RULES,
    *rules_ifbench_count.RULES,
    *rules_ifbench_words.RULES,
    *rules_ifbench_format.RULES,
    *rules_ifbench_custom.RULES,
]

_KEYWORDS = frozenset({"keywords:existence", "keywords:frequency", "keywords:forbidden_words"})
SUBSUMES: dict[str, frozenset[str]] = {
    "count:keywords_multiple": _KEYWORDS,
    "sentence:keyword": _KEYWORDS,
    "words:keywords_specific_position": _KEYWORDS | {"sentence:keyword"},
    "words:words_position": _KEYWORDS,
    "count:word_count_range": frozenset({"length_constraints:number_words"}),
    "count:unique_word_count": frozenset({"length_constraints:number_words"}),
    "repeat:repeat_change": frozenset({"combination:repeat_prompt"}),
    "repeat:repeat_span": frozenset({"combination:repeat_prompt"}),
    "repeat:repeat_simple": frozenset({"combination:repeat_prompt"}),
    "words:paragraph_last_first": frozenset({"words:last_first"}),
    "format:sub-bullets": frozenset({"detectable_format:number_bullet_lists"}),
    "format:list": frozenset(
        {"detectable_format:number_bullet_lists", "length_constraints:number_paragraphs"}
    ),
    "format:options": frozenset({"detectable_format:constrained_response"}),
    "format:title_case": frozenset({"change_case:english_capital", "change_case:capital_word_frequency"}),
    "format:no_whitespace": frozenset({"punctuation:no_comma"}),
    "custom:csv_quotes": frozenset({"startend:quotation"}),
    "custom:csv_special_character": frozenset({"startend:quotation"}),
    "words:repeats": _KEYWORDS,
    "count:person_names": _KEYWORDS,
    "count:words_japanese": frozenset({"language:response_language"}),
    "sentence:increment": frozenset({"length_constraints:number_words"}),
    "format:no_bullets_bullets": frozenset(
        {"detectable_format:number_bullet_lists", "length_constraints:number_sentences"}
    ),
    "format:quotes": frozenset({"startend:quotation"}),
    "format:quote_unquote": frozenset({"startend:quotation"}),
    "custom:sentence_alphabet": frozenset({"words:alphabet", "length_constraints:number_sentences"}),
    "custom:european_capitals_sort": frozenset({"change_case:english_capital"}),
    "words:no_consecutive": _KEYWORDS,
}


def extract_rules(instruction: str) -> list[ExtractedConstraint]:
    """All constraints the rules find in ``instruction``, ordered by where they appear."""
    doc = Doc.of(instruction)
    found: dict[tuple[str, str], ExtractedConstraint] = {}
    for rule in RULES:
        for hit in rule(doc):
            try:
                item = ExtractedConstraint.validated(hit.id, hit.kwargs, hit.span, "rule")
            except ConstraintError as exc:
                log.warning("rule %s produced invalid kwargs %r: %s", rule.__name__, hit.kwargs, exc)
                continue
            found.setdefault(item.key(), item)
    kept = _reference_text(doc, _drop_subsumed(doc, list(found.values())))
    return sorted(kept, key=lambda c: (c.span, c.id))


def _reference_text(doc: Doc, items: list[ExtractedConstraint]) -> list[ExtractedConstraint]:
    """ "Overlap with the provided reference text": the prompt less every constraint's sentence."""
    overlap = next((c for c in items if c.id == "ratio:overlap"), None)
    if overlap is None:
        return items
    cuts = sorted(_own_sentence(doc, c.span) for c in items)
    pieces, position = [], 0
    for start, end in cuts:
        pieces.append(doc.text[position:start] if start > position else "")
        position = max(position, end)
    rest = "".join([*pieces, doc.text[position:]]).strip()
    if not rest:
        return items
    kwargs = {**overlap.kwargs, "reference_text": rest}
    rebuilt = ExtractedConstraint.validated(overlap.id, kwargs, overlap.span, "rule")
    return [rebuilt if c is overlap else c for c in items]


def _drop_subsumed(doc: Doc, items: list[ExtractedConstraint]) -> list[ExtractedConstraint]:
    """Drop a general id whose evidence shares a sentence with a specific id that covers it."""
    sentences = {id(c): _sentences(doc, c.span) for c in items}
    covering = [c for c in items if c.id in SUBSUMES]
    return [
        c
        for c in items
        if not any(c.id in SUBSUMES[s.id] and sentences[id(c)] & sentences[id(s)] for s in covering)
    ]


def _sentences(doc: Doc, where: tuple[int, int]) -> set[int]:
    first = doc.sentence_at(where[0])
    last = doc.sentence_at(max(where[0], where[1] - 1))
    return set(range(first, last + 1))


_STOP = re.compile(r"[.!?](?=\s)|\n|\s{2,}")


def _own_sentence(doc: Doc, where: tuple[int, int]) -> tuple[int, int]:
    """The sentence around ``where`` by end punctuation alone (the segmenter keeps "m. Next" whole,
    reading "m." as an initial; here a stop before the request always ends the reference text)."""
    segment = doc.sentences[doc.sentence_at(where[0])]
    stops = [m.end() for m in _STOP.finditer(doc.text, segment.start, where[0])]
    after = _STOP.search(doc.text, where[1], segment.end)
    return (stops[-1] if stops else segment.start), (after.end() if after else segment.end)
