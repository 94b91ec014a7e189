"""Rules for length_constraints:* and detectable_format:multiple_sections (counts of units)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.numbers import NUM, ORDINAL, bounds, parse_number, parse_ordinal, quantity
from graph.extract.rulebase import Hit, in_parentheses, in_sentences, needs, rx, span, wants_nothing
from graph.extract.text import Doc

_NOT_CAPS = r"(?!\s+(?:or\s+phrases?\s+)?(?:[\w-]+\s+){0,5}?(?:in|with|be\s+in|are\s+in|that\s+are|written\s+in)\s+(?:all\s+)?(?:capital|caps|upper|uppercase|capitalized)\b)"
_WORDS = rx(quantity(rf"words?\b{_NOT_CAPS}"))
_SENTENCES = rx(quantity(r"sentences?\b"))
_COUNT_ONLY = quantity("")
_WORDS_TOPIC = rx(
    rf"\b(?:number\s+of\s+words|word\s+count|word\s+limit|words\s+in\s+your\s+(?:entire\s+)?response)\b[^.;\n]{{0,60}}?{_COUNT_ONLY}"
)
_SENTENCES_TOPIC = rx(rf"\bnumber\s+of\s+sentences\b[^.;\n]{{0,60}}?{_COUNT_ONLY}")


_LATE_BOUND = rx(
    r"(?:\s+[a-z]+){0,2}?\s+(?:(?P<le>at\s+most|tops|max(?:imum)?|or\s+(?:less|fewer|shorter))|(?P<ge>at\s+least|at\s+minimum|minimum|or\s+(?:more|longer)))\b"
)


def _counted(doc: Doc, unit: re.Pattern[str], topic: re.Pattern[str], key: str, cid: str) -> Iterator[Hit]:
    """Count constraints: keep bare numbers only when hyphenated ("300-word") or ranged."""
    for pattern in (unit, topic):
        found = []
        for segment, match in in_sentences(doc, pattern):
            groups = match.groupdict()
            bare = not (groups.get("pre") or groups.get("post") or groups.get("post2") or groups.get("b"))
            if bare and (pattern is topic or "-" not in match.group()):
                continue
            if pattern is topic and re.search(r"capital|caps|upper", match.group(), re.I):
                continue
            negated = wants_nothing(segment.text[: match.start()])
            found_bounds = bounds(match, negated=negated)
            late = _LATE_BOUND.match(segment.text, match.end()) if bare else None
            if late is not None and len(found_bounds) == 1:
                # "a 150-word summary at most": the comparison comes after the noun
                value = found_bounds[0][1]
                found_bounds = [("at least", value) if late.group("ge") else ("less than", value + 1)]
            for relation, value in found_bounds:
                found.append((segment, match, relation, value))
        for segment, match, relation, value in found:
            outside = [m for s, m, *_ in found if s is segment and not in_parentheses(s.text, m.start())]
            if in_parentheses(segment.text, match.start()) and outside:
                continue  # "(just 1 or 2 sentences, not 3)" only restates the main count
            yield Hit(cid, {key: value, "relation": relation}, span(segment, match))
        if found:
            return


@needs("word")
def number_words(doc: Doc) -> Iterator[Hit]:
    yield from _counted(doc, _WORDS, _WORDS_TOPIC, "num_words", "length_constraints:number_words")


@needs("sentence")
def number_sentences(doc: Doc) -> Iterator[Hit]:
    yield from _counted(
        doc, _SENTENCES, _SENTENCES_TOPIC, "num_sentences", "length_constraints:number_sentences"
    )


_DIVIDER = re.compile(r"(?<!\*)\*\*\*(?!\*)")
_UNIT = r"(?:paragraphs?|sections?|parts?|stanzas?|steps?|pieces?|chunks?|blocks?|segments?|portions?|advice|tips?|answers?)"
_PIECES = rx(rf"(?<![\w-])(?P<n>{NUM})(?:\s*-)?\s+(?:[a-z]+\s+){{0,2}}?{_UNIT}\b")
_LINE_DIVIDER = re.compile(r"^\s*\*\*\*\s*$", re.MULTILINE)


@needs("***")
def number_paragraphs(doc: Doc) -> Iterator[Hit]:
    """Paragraphs split by the markdown divider ``***``: the count is the nearest "N paragraphs"."""
    divider = _DIVIDER.search(doc.text)
    if divider is None:
        return
    position = doc.sentence_at(divider.start())
    count = None
    for index in range(position, max(-1, position - 3), -1):
        pieces = [parse_number(m.group("n")) for m in _PIECES.finditer(doc.sentences[index].text)]
        pieces = [p for p in pieces if p]
        if pieces:
            count = pieces[-1] if index < position else pieces[0]
            break
    if count is None:
        lines = len(_LINE_DIVIDER.findall(doc.text))
        count = lines + 1 if lines else 2
    yield Hit(
        "length_constraints:number_paragraphs", {"num_paragraphs": count}, (divider.start(), divider.end())
    )


_WORD = r"[\"'“‘]?(?P<w>[A-Za-z][\w'’-]*)"
_NTH = [
    rx(
        rf"\b(?:the\s+)?(?:very\s+)?(?P<ord>{ORDINAL})\s+paragraph\b[^.\n]{{0,40}}?\b(?:start|begin)s?\s+with\s+(?:the\s+|a\s+)?(?:word\s+)?{_WORD}"
    ),
    rx(
        rf"\b(?:start|begin)\s+(?:the\s+|your\s+)?(?:very\s+)?(?P<ord>{ORDINAL})\s+paragraph\s+with\s+(?:the\s+|a\s+)?(?:word\s+)?{_WORD}"
    ),
    rx(
        rf"\bparagraph\s+(?P<n>\d+|{NUM})\b[^.\n]{{0,30}}?\b(?:start|begin)s?\s+with\s+(?:the\s+|a\s+)?(?:word\s+)?{_WORD}"
    ),
    rx(rf"\b(?:start|begin)\s+paragraph\s+(?P<n>\d+|{NUM})\s+with\s+(?:the\s+|a\s+)?(?:word\s+)?{_WORD}"),
]
_PARAGRAPHS = rx(rf"(?<![\w-])(?P<n>{NUM})(?:\s*-)?\s+(?:[a-z]+\s+)?paragraphs?\b")


@needs("paragraph")
def nth_paragraph_first_word(doc: Doc) -> Iterator[Hit]:
    """ "The second paragraph must start with the word X" plus the paragraph count it lives in."""
    counts = [(m.start(), parse_number(m.group("n"))) for m in _PARAGRAPHS.finditer(doc.text)]
    for pattern in _NTH:
        for segment, match in in_sentences(doc, pattern):
            where = segment.start + match.start()
            before = [c for pos, c in counts if pos < where and c] or [c for _, c in counts if c]
            total = before[-1] if before else None
            groups = match.groupdict()
            nth = parse_ordinal(groups["ord"], total) if groups.get("ord") else parse_number(groups["n"])
            if nth is None:
                continue
            word = match.group("w").rstrip(
                "'’"
            )  # "start with 'Finally'": the closing quote is not the word's
            kwargs = {"num_paragraphs": total or nth, "nth_paragraph": nth, "first_word": word}
            yield Hit("length_constraints:nth_paragraph_first_word", kwargs, span(segment, match))
            return


_SECTION_X = re.compile(r"(?<![\w*])[\"'“‘]?(?P<sp>[A-Z][A-Za-z]*)\s+X\b")
_SECTION_ENUM = re.compile(r"(?P<sp>[A-Z][A-Za-z]*)\s+1\W{0,3}(?:,|and|&)\W{0,3}(?P=sp)\s+2\b")
_MARKING = rx(r"\b(?:mark\w*|label\w*|start\w*|begin\w*|noted|note|title\w*|head\w*|with|named|called)\b")
_SECTIONS = rx(
    rf"(?<![\w-])(?P<n>{NUM})(?:\s*-)?\s+(?:[a-z]+\s+){{0,2}}?(?:sections?|paragraphs?|parts?|chapters?|days?|stanzas?|versions?|segments?)\b"
)


def multiple_sections(doc: Doc) -> Iterator[Hit]:
    """Sections headed "Section X" / "SECTION 1 and SECTION 2": splitter word and section count."""
    for pattern in (_SECTION_X, _SECTION_ENUM):
        for segment, match in in_sentences(doc, pattern):
            if pattern is _SECTION_X and not _MARKING.search(segment.text):
                continue
            position = doc.sentences.index(segment)
            count = None
            for index in range(position, max(-1, position - 3), -1):
                found = [parse_number(m.group("n")) for m in _SECTIONS.finditer(doc.sentences[index].text)]
                found = [n for n in found if n]
                if found:
                    count = found[0]
                    break
            if count is None:
                numbers = re.findall(rf"\b{re.escape(match.group('sp'))}\s+(\d+)", doc.text)
                count = max((int(n) for n in numbers), default=None)
            if count:
                kwargs = {"section_spliter": match.group("sp"), "num_sections": count}
                yield Hit("detectable_format:multiple_sections", kwargs, span(segment, match))
                return


RULES = [number_words, number_sentences, number_paragraphs, nth_paragraph_first_word, multiple_sections]
