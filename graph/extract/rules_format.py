"""Rules for detectable_format:*, detectable_content:* and startend:quotation.

Each rule asks for the thing to be a property of the reply ("wrap the entire output in JSON"),
not merely named ("write a blog post about JSON").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.numbers import NUM, parse_number
from graph.extract.rulebase import Hit, in_sentences, needs, rx, span
from graph.extract.text import Doc

_BULLETS = rx(
    rf"(?:(?P<pre>exactly|only|just|precisely|at\s+least|a\s+total\s+of)\s+)?(?P<n>{NUM})\s+(?:[a-z]+\s+){{0,3}}?"
    r"(?:markdown\s+)?bullet(?:ed)?(?:s\b|[\s-]*(?:points?|items?|lists?)?\b)"
)
_BULLETS_AFTER = rx(rf"\bbullet(?:ed)?[\s-]*points?\b[^.\n]{{0,40}}?\b(?:exactly|only)\s+(?P<n>{NUM})\b")


_BULLET_CUE = rx(r"\bbullet(?:ed)?[\s-]*(?:points?|lists?|items?)\b")
# "List exactly 10 names ... Put the names into bullet points": the exact count of the listed things.
_EXACT_THINGS = rx(
    rf"\b(?:exactly|precisely)\s+(?P<n>{NUM})\s+(?:[a-z-]+\s+){{0,3}}?(?!(?:paragraphs|sentences|words|sections|times|letters|bullets)\b)[a-z]+s\b"
)


@needs("bullet")
def number_bullet_lists(doc: Doc) -> Iterator[Hit]:
    for pattern in (_BULLETS, _BULLETS_AFTER):
        for segment, match in in_sentences(doc, pattern):
            count = parse_number(match.group("n"))
            if count is not None:
                yield Hit(
                    "detectable_format:number_bullet_lists", {"num_bullets": count}, span(segment, match)
                )
                return
    for segment, match in in_sentences(doc, _BULLET_CUE):
        position = doc.sentences.index(segment)
        for index in range(position, max(-1, position - 3), -1):
            things = _EXACT_THINGS.search(doc.sentences[index].text)
            count = parse_number(things.group("n")) if things else None
            if count:
                yield Hit(
                    "detectable_format:number_bullet_lists", {"num_bullets": count}, span(segment, match)
                )
                return
        return


# "...PythonHighlight at least 3 sections": a cue glued to the previous word still counts.
_HIGHLIGHT_VERB = rx(r"(?:\b|(?<=[a-z])(?=[Hh]ighlight))(?:highlight\w*|italic\w*|bold\w*|emphasi[sz]\w*)\b")
_MARKDOWN = rx(r"\bmarkdown\b")
_HIGHLIGHT_NOUN = r"(?:sections?|parts?|phrases?|words?|key\s*words?|terms?|names?|titles?|items?|key\s+points?|points?|passages?|lines?|spans?|texts?)"
_HIGHLIGHT_COUNT = rx(
    rf"(?P<n>{NUM})\s+(?:or\s+more\s+)?(?:of\s+)?(?:(?!times\b)[a-z]+\s+){{0,3}}?{_HIGHLIGHT_NOUN}\b"
)
_HIGHLIGHT_TIMES = rx(r"\b(?P<t>twice|thrice)\b")
_HIGHLIGHT_EXAMPLE = re.compile(r"(?<![*\w])\*[A-Za-z][^*\n]{0,60}\*(?!\*)")
_WRAP_ASTERISK = rx(r"\b(?:wrap\w*|surround\w*|enclos\w*)\b[^.\n]{0,30}?(?:\basterisks?\b|\*)")
_EACH = rx(r"\beach\s+(?P<noun>section|paragraph|part|point|item|name|title|step)s?\b")


def _each_count(doc: Doc, position: int, noun: str) -> int | None:
    """ "Highlight each section name" after "5 or more sections": the count of those things."""
    pattern = rx(rf"(?P<n>{NUM})\s+(?:or\s+more\s+)?(?:[a-z]+\s+){{0,2}}?{noun}s\b")
    for index in range(position, max(-1, position - 3), -1):
        found = pattern.search(doc.sentences[index].text)
        if found is not None:
            return parse_number(found.group("n"))
    return None


def number_highlighted_sections(doc: Doc) -> Iterator[Hit]:
    """ "highlight at least 3 sections ... *like this*": a highlight cue plus a count, or an
    example in *asterisks* (then one); "highlight each section name" counts the sections."""
    for position, segment in enumerate(doc.sentences):
        text = segment.text
        cues = [m for m in (_HIGHLIGHT_VERB.search(text), _MARKDOWN.search(text)) if m is not None]
        verb = min(cues, key=lambda m: m.start()) if cues else None
        if verb is None or not (re.search(r"highlight|italic|bold", text, re.I)):
            continue
        if re.search(r"\bto\s+highlight", text, re.I) and re.search(
            r"capital|\bcaps\b|upper\s*case", text, re.I
        ):
            continue  # "use words in all caps to highlight key points" counts capital words
        nearby = text + (" " + doc.sentences[position + 1].text if position + 1 < len(doc.sentences) else "")
        example = _HIGHLIGHT_EXAMPLE.search(nearby) or _WRAP_ASTERISK.search(text)
        if not _HIGHLIGHT_VERB.search(text) and not example:
            continue
        count = _HIGHLIGHT_COUNT.search(text, verb.start() - 40 if verb.start() > 40 else 0)
        number = parse_number(count.group("n")) if count else None
        each = _EACH.search(text, verb.start())
        if number is None and each is not None:
            number = _each_count(doc, position, each.group("noun"))
        times = _HIGHLIGHT_TIMES.search(text, verb.start())
        if number is None and times is not None:
            number = 2 if times.group("t").lower() == "twice" else 3
        if number is None and example:
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
    r"\b(?:in|into|as|using|use|with|inside|within|be|wrap\w*(?:\s+\w+){0,4}\s+(?:in|with)|format\w*(?:\s+\w+){0,4}\s+(?:in|as))"
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


@needs("place")
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


# "P.S." may run into the next word ("P.S.to the end"); "George P. Smith" is an initial, not a marker.
_MARKER = re.compile(
    r"P\.\s?P\.(?:S(?![A-Z])|\sS(?![A-Za-z]))\.?|P\.(?:S(?![A-Z])|\sS(?![A-Za-z]))\.?|\bPPS\b|\bPS\b(?=:)"
)
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
