"""Rules for IFBench's custom:* and repeat:* ids: whole-task shapes (CSV, reversals, repeats).

The custom ids are tasks more than styles, so each rule wants the task's two defining parts
together (CSV *and* its special field; reverse order *and* per word).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.rulebase import Hit, flag_rule, in_sentences, rx, span
from graph.extract.text import Doc

multiples = flag_rule(
    "custom:multiples", rx(r"\bmultiples\s+of\s+\d+"), rx(r"\b(?:count|only|print|list|output)\w*\b")
)
_MCQ = rx(r"\bmultiple[\s-]choice\s+questions?\b")
_LONGER = rx(
    r"\b(?:progressively|increasingly|gradually|each)\s+longer\b|\bget\s+longer\b|\bincreas\w+\s+in\s+length\b"
)


def mcq(doc: Doc) -> Iterator[Hit]:
    """Multiple-choice questions that grow longer: the two parts often sit in separate sentences."""
    match = _MCQ.search(doc.text)
    if match is not None and _LONGER.search(doc.text, match.end()):
        yield Hit("custom:mcq_count_length", {}, (match.start(), match.end()))


reverse_newline = flag_rule(
    "custom:reverse_newline",
    rx(r"\breverse\s+alphabetical\s+order\b"),
    rx(r"\b(?:on\s+a\s+(?:new|separate)\s+line|(?:one\s+)?per\s+line|each\s+on\s+its\s+own\s+line)\b"),
)
word_reverse = flag_rule(
    "custom:word_reverse",
    rx(
        r"\brevers\w*\b[^.\n]{0,60}?\bper\s+word\b|\breverse\s+(?:the\s+)?order\s+of\s+(?:the\s+)?words\b|\bwords?\s+in\s+reverse\s+order\b"
    ),
)
character_reverse = flag_rule(
    "custom:character_reverse",
    rx(
        r"\brevers\w*\b[^.\n]{0,60}?\bper\s+(?:letter|character)\b|\b(?:letters|characters)\s+in\s+reverse\s+order\b|\bspell\w*\b[^.\n]{0,40}\bbackwards\b"
    ),
)
sentence_alphabet = flag_rule(
    "custom:sentence_alphabet",
    rx(
        r"\bsentence(?:'s|s')?\s+first\s+(?:word|letter)\b[^.\n]{0,50}?\balphabet"
        r"|\b(?:each|every)\s+sentence\s+(?:starts?|begins?)\b[^.\n]{0,40}?\b(?:next\s+letter\s+of\s+the\s+alphabet|letters\s+of\s+the\s+alphabet|A\s+(?:to|through)\s+Z)"
    ),
)
european_capitals = flag_rule(
    "custom:european_capitals_sort",
    rx(r"\b(?:capital\s+cities\s+of\s+european|european\s+capitals?)\b"),
    rx(r"\blatitude\b"),
)
date_format = flag_rule("custom:date_format_list", rx(r"\bYYYY-MM-DD\b"), rx(r"\bdates?\b"))

_CSV = rx(r"\bCSV\b")


def csv(doc: Doc) -> Iterator[Hit]:
    """The three CSV tasks: quoted tab-delimited fields, one special-character field, or cities."""
    match = _CSV.search(doc.text)
    if match is None:
        return
    text = doc.text
    where = (match.start(), match.end())
    if re.search(
        r"\benclose\s+each\s+(?:single\s+)?field\s+in\s+double\s+quotes|\beach\s+field\s+(?:in|wrapped\s+in)\s+double\s+quotes",
        text,
        re.I,
    ):
        yield Hit("custom:csv_quotes", {}, where)
    elif re.search(r"\bspecial\s+character", text, re.I):
        yield Hit("custom:csv_special_character", {}, where)
    elif re.search(r"\bcountry\b", text, re.I) and re.search(r"\bcity\b", text, re.I):
        yield Hit("custom:csv_city", {}, where)


repeat_simple = flag_rule(
    "repeat:repeat_simple",
    rx(
        r"\b(?:only\s+output|output\s+only|just\s+output|only\s+print|only\s+write)\s+this\s+(?:sentence|line)\b"
    ),
)

_CHANGE = rx(
    r"\brepeat\s+the\s+(?:request|prompt|question)\b[^.\n]{0,40}?\bchang\w+\s+(?:the|its)\s+first\s+word\b"
)
_SPAN = rx(
    r"\bcopy\s+(?:the\s+)?(?:span|words)\b[^\n]{0,80}?\bindex\s+(?P<a>\d+)\s+(?:and|to|through)\s+(?P<b>\d+)"
)


def _request_before(doc: Doc, start: int) -> str:
    return doc.text[:start].strip()


def repeat_change(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _CHANGE):
        request = _request_before(doc, segment.start)
        if request:
            yield Hit("repeat:repeat_change", {"prompt_to_repeat": request}, span(segment, match))
            return


def repeat_span(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _SPAN):
        request = _request_before(doc, segment.start)
        if request:
            kwargs = {
                "prompt_to_repeat": request,
                "n_start": int(match.group("a")),
                "n_end": int(match.group("b")),
            }
            yield Hit("repeat:repeat_span", kwargs, span(segment, match))
            return


RULES = [
    multiples,
    mcq,
    reverse_newline,
    word_reverse,
    character_reverse,
    sentence_alphabet,
    european_capitals,
    date_format,
    csv,
    repeat_simple,
    repeat_change,
    repeat_span,
]
