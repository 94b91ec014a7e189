"""Rules for detectable_format:*, detectable_content:* and startend:quotation.

Each rule asks for the thing to be a property of the reply ("wrap the entire output in JSON"),
not merely named ("write a blog post about JSON").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.numbers import NUM, parse_number
from graph.extract.rulebase import Hit, in_sentences, rx, span
from graph.extract.text import Doc

_BULLETS = rx(
    rf"(?:(?P<pre>exactly|only|just|precisely|at\s+least|a\s+total\s+of)\s+)?(?P<n>{NUM})\s+(?:[a-z]+\s+){{0,3}}?"
    r"(?:markdown\s+)?bullet(?:ed)?[\s-]*(?:points?|items?|lists?)?\b"
)
_BULLETS_AFTER = rx(rf"\bbullet(?:ed)?[\s-]*points?\b[^.\n]{{0,40}}?\b(?:exactly|only)\s+(?P<n>{NUM})\b")


def number_bullet_lists(doc: Doc) -> Iterator[Hit]:
    for pattern in (_BULLETS, _BULLETS_AFTER):
        for segment, match in in_sentences(doc, pattern):
            count = parse_number(match.group("n"))
            if count is not None:
                yield Hit(
                    "detectable_format:number_bullet_lists", {"num_bullets": count}, span(segment, match)
                )
                return


_HIGHLIGHT_VERB = rx(r"\b(?:highlight\w*|italici[sz]\w*|bold\w*|emphasi[sz]\w*|markdown)\b")
_HIGHLIGHT_COUNT = rx(
    rf"(?P<n>{NUM})\s+(?:[a-z]+\s+){{0,3}}?(?:sections?|parts?|phrases?|words?|key\s+points?|points?|passages?|lines?|spans?|texts?)\b"
)
_HIGHLIGHT_EXAMPLE = re.compile(r"(?<![*\w])\*[A-Za-z][^*\n]{0,60}\*(?!\*)")


def number_highlighted_sections(doc: Doc) -> Iterator[Hit]:
    """ "highlight at least 3 sections ... *like this*": needs a highlight cue plus a count."""
    for segment in doc.sentences:
        verb = _HIGHLIGHT_VERB.search(segment.text)
        if verb is None or not (re.search(r"highlight|italic|bold", segment.text, re.I)):
            continue
        if verb.group().lower() == "markdown" and not _HIGHLIGHT_EXAMPLE.search(segment.text):
            continue
        count = _HIGHLIGHT_COUNT.search(segment.text, verb.start() - 40 if verb.start() > 40 else 0)
        number = parse_number(count.group("n")) if count else None
        if number is None and _HIGHLIGHT_EXAMPLE.search(segment.text):
            number = 1
        if number:
            yield Hit(
                "detectable_format:number_highlighted_sections",
                {"num_highlights": number},
                (segment.start + verb.start(), segment.start + verb.end()),
            )
            return


_TITLE = rx(r"double\s+angular\s+brackets|<<[^<>\n]{1,80}>>")


def title(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _TITLE):
        yield Hit("detectable_format:title", {}, span(segment, match))
        return


_JSON = rx(
    r"\b(?:in|into|as|using|use|with|inside|within|wrap\w*(?:\s+\w+){0,4}\s+(?:in|with)|format\w*(?:\s+\w+){0,4}\s+(?:in|as))"
    r"\s+(?:a\s+|the\s+|valid\s+|proper\s+)*JSON\b(?!\s*(?:schema|files?|parsers?|vs|versus|and\s+XML|or\s+XML))"
    r"|\bJSON\s+(?:format\w*|block|code\s+block|object|output)\b"
)
_JSON_TOPIC = rx(r"\b(?:about|on|explain\w*|describ\w*|what\s+is|history\s+of|between)\s+(?:the\s+)?JSON\b")


def json_format(doc: Doc) -> Iterator[Hit]:
    """The whole reply as JSON; "a blog post about JSON" is a topic, not a format."""
    for segment, match in in_sentences(doc, _JSON):
        if _JSON_TOPIC.search(segment.text) and not re.search(
            r"format|wrap|block|output", match.group(), re.I
        ):
            continue
        if re.search(
            r"\b(?:do\s+not|don'?t|without|never)\s+(?:use\s+|using\s+)?(?:any\s+)?JSON", segment.text, re.I
        ):
            continue
        yield Hit("detectable_format:json_format", {}, span(segment, match))
        return


_CONSTRAINED = rx(r"my\s+answer\s+is\s+(?:yes|no|maybe)")


def constrained_response(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _CONSTRAINED):
        yield Hit("detectable_format:constrained_response", {}, span(segment, match))
        return


_TWO = rx(r"\*{5,}|\b(?:6|six)\s+asterisks?\b")


def two_responses(doc: Doc) -> Iterator[Hit]:
    """Two answers split by ******: a six-asterisk separator is the signature."""
    match = _TWO.search(doc.text)
    if match is not None:
        yield Hit("combination:two_responses", {}, (match.start(), match.end()))


_QUOTES = rx(r"\bdouble\s+quot(?:ation|e|es|ations)?\b(?:\s+marks?)?|\bquotation\s+marks\b|\bin\s+quotes\b")
_WHOLE = rx(r"\b(?:entire|whole|all|full|complete|response|reply|answer|output)\b")


def quotation(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _QUOTES):
        if _WHOLE.search(segment.text) and re.search(
            r"wrap|around|enclos|inside|within|put|placed|surround|in\s+double", segment.text, re.I
        ):
            yield Hit("startend:quotation", {}, span(segment, match))
            return


_PLACEHOLDERS = rx(rf"(?P<n>{NUM})\s+(?:[a-z]+\s+){{0,2}}?place[\s-]?holders?\b")
_PLACEHOLDER = rx(r"\bplace[\s-]?holders?\b")


def number_placeholders(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _PLACEHOLDERS):
        count = parse_number(match.group("n"))
        if count is not None:
            yield Hit(
                "detectable_content:number_placeholders", {"num_placeholders": count}, span(segment, match)
            )
            return
    for segment, match in in_sentences(doc, _PLACEHOLDER):
        if "[" in segment.text:
            yield Hit("detectable_content:number_placeholders", {"num_placeholders": 1}, span(segment, match))
            return


_MARKER = re.compile(r"P\.\s?P\.\s?S(?![A-Za-z])\.?|P\.\s?S(?![A-Za-z])\.?|\bPPS\b|\bPS\b(?=:)")
_POSTSCRIPT = rx(r"\bpost[\s-]?scripts?\b")


def postscript(doc: Doc) -> Iterator[Hit]:
    """ "P.S." / "P.P.S" (the catalogue's two markers) or a postscript without one (then "P.S.")."""
    for segment, match in in_sentences(doc, _MARKER):
        marker = "P.P.S" if match.group().upper().replace(" ", "").startswith(("P.P", "PPS")) else "P.S."
        yield Hit("detectable_content:postscript", {"postscript_marker": marker}, span(segment, match))
        return
    for segment, match in in_sentences(doc, _POSTSCRIPT):
        yield Hit("detectable_content:postscript", {"postscript_marker": "P.S."}, span(segment, match))
        return


RULES = [
    number_bullet_lists,
    number_highlighted_sections,
    title,
    json_format,
    constrained_response,
    two_responses,
    quotation,
    number_placeholders,
    postscript,
]
