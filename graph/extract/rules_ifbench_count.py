"""Rules for IFBench's count:* and ratio:* ids: word ranges, unique words, names, numbers, ratios.

Each rule names the thing counted ("coordinating conjunctions", "pronouns", "stop words") and
takes the count from a comparison near it, in digits or words; the bare noun never fires alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.numbers import NUM, parse_number
from graph.extract.rulebase import Hit, in_sentences, needs, rx, span
from graph.extract.text import Doc

_AT_LEAST = (
    r"(?:at\s+least|no\s+(?:fewer|less)\s+than|a\s+minimum\s+of|minimum\s+of|not\s+(?:fewer|less)\s+than)"
)
_RANGE = rx(
    rf"\bbetween\s+(?P<a>{NUM})\s+and\s+(?P<b>{NUM})\s+(?:total\s+)?words\b"
    rf"|\bword\s+count\s+(?:of\s+|between\s+|in\s+the\s+range\s+(?:of\s+)?)?(?P<a2>{NUM})\s*(?:-|–|to|and)\s*(?P<b2>{NUM})\b"
    rf"|\b(?:in\s+the\s+)?range\s+of\s+(?P<a3>{NUM})\s*(?:-|–|to)\s*(?P<b3>{NUM})\s+words\b"
)


@needs("word")
def word_count_range(doc: Doc) -> Iterator[Hit]:
    """ "between 50 and 60 words" (a two-sided range said with between/range) -> one range id."""
    for segment, match in in_sentences(doc, _RANGE):
        low = parse_number(match.group("a") or match.group("a2") or match.group("a3"))
        high = parse_number(match.group("b") or match.group("b2") or match.group("b3"))
        if low is not None and high is not None and high >= low:
            kwargs = {"min_words": low, "max_words": high}
            yield Hit("count:word_count_range", kwargs, span(segment, match))
            return


_UNIQUE = rx(
    rf"(?:{_AT_LEAST}\s+)?(?P<n>{NUM})(?:\.0+)?\s+(?:or\s+more\s+)?(?:unique|distinct|different)\s+words\b"
    rf"|\b(?:unique|distinct|different)\s+words\b[^.\n]{{0,30}}?{_AT_LEAST}\s+(?P<n2>{NUM})"
)
_CONJUNCTIONS = rx(
    rf"(?P<n>{NUM})(?:\.0+)?\s+(?:or\s+more\s+)?(?:(?:different|distinct|unique|separate)\s+)?coordinating\s+conjunctions\b"
)
_PRONOUNS = rx(rf"(?P<n>{NUM})(?:\.0+)?\s+(?:or\s+more\s+)?(?:(?:different|separate)\s+)?pronouns\b")
_NAMES = rx(
    rf"(?P<n>{NUM})(?:\.0+)?\s+(?:or\s+more\s+)?(?:(?:different|distinct|unique)\s+)?(?:person(?:'s)?\s+names|people\s+by\s+name|names\s+of\s+people)\b"
    rf"|\bname\s+(?:{_AT_LEAST}\s+)?(?P<n2>{NUM})\s+(?:different\s+)?(?:people|persons)\s+from\s+(?:this|the\s+following|the)\s+list\b"
)
_NUMBERS = rx(
    rf"\b(?:exactly|precisely)\s+(?P<n>{NUM})\s+(?:different\s+)?numbers\b"
    rf"|(?P<n2>{NUM})\s+numbers\s+in\s+(?:the|your)\s+(?:response|answer|reply)\b"
)
_PRONOUN_GUARD = rx(rf"{_AT_LEAST}|or\s+more|\buse\b|\binclude\b|\bcontain\b")


def _floor(value: int | None, before: str) -> int | None:
    """ "more than 20 pronouns" is at least 21: the ids count a minimum."""
    if value is not None and re.search(r"\b(?:more|greater)\s+than\s*$", before, re.I):
        return value + 1
    return value


def _two(pattern: re.Pattern[str], cid: str, key: str, doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, pattern):
        value = parse_number(match.group("n") or match.groupdict().get("n2") or "")
        value = _floor(value, segment.text[: match.start()])
        if value:
            yield Hit(cid, {key: value}, span(segment, match))
            return


@needs("unique", "distinct", "different")
def unique_word_count(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _UNIQUE):
        if re.search(r"all\s+different\s+words|same\s+number\s+of\s+characters", segment.text, re.I):
            continue
        value = _floor(
            parse_number(match.group("n") or match.group("n2") or ""), segment.text[: match.start()]
        )
        if value:
            yield Hit("count:unique_word_count", {"N": value}, span(segment, match))
            return


@needs("conjunction")
def conjunctions(doc: Doc) -> Iterator[Hit]:
    yield from _two(_CONJUNCTIONS, "count:conjunctions", "small_n", doc)


@needs("pronoun")
def pronouns(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _PRONOUNS):
        if not _PRONOUN_GUARD.search(segment.text):
            continue
        value = _floor(parse_number(match.group("n")), segment.text[: match.start()])
        if value:
            yield Hit("count:pronouns", {"N": value}, span(segment, match))
            return


@needs("name", "people", "person")
def person_names(doc: Doc) -> Iterator[Hit]:
    yield from _two(_NAMES, "count:person_names", "N", doc)


@needs("numbers")
def numbers(doc: Doc) -> Iterator[Hit]:
    yield from _two(_NUMBERS, "count:numbers", "N", doc)


def _percent(name: str) -> str:
    return rf"(?P<{name}>\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)"


_STOP = rx(
    rf"\bstop[\s-]?words\b[^.\n]{{0,80}}?{_percent('p')}|{_percent('q')}[^.\n]{{0,40}}?\bstop[\s-]?words\b"
)
_OVERLAP = rx(
    rf"\btrigram\s+overlap\s+(?:of\s+)?(?:about\s+|around\s+)?{_percent('p')}|\b{_percent('q')}\s+trigram\s+overlap"
)


@needs("stop")
def stop_words(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _STOP):
        yield Hit(
            "ratio:stop_words",
            {"percentage": float(match.group("p") or match.group("q"))},
            span(segment, match),
        )
        return


@needs("trigram")
def overlap(doc: Doc) -> Iterator[Hit]:
    """Trigram overlap with "the provided reference text": the rest of the prompt is that text."""
    for segment, match in in_sentences(doc, _OVERLAP):
        rest = (doc.text[: segment.start] + doc.text[segment.end :]).strip()
        if not rest:
            continue
        kwargs = {"percentage": float(match.group("p") or match.group("q")), "reference_text": rest}
        yield Hit("ratio:overlap", kwargs, span(segment, match))
        return


_SENTENCE_TYPE = rx(
    r"\bratio\s+of\s+declarative\s+(?:sentences\s+)?to\s+interrogative\b"
    r"|\b\d+\s*:\s*\d+\s+(?:ratio\s+)?(?:of\s+)?declarative\b[^.\n]{0,30}\binterrogative\b"
    r"|\b(?:twice|two\s+times|three\s+times)\s+as\s+many\s+(?:declarative|statements)\b[^.\n]{0,30}\b(?:questions|interrogative)\b"
)
_BALANCE = rx(r"\bdeclarative\b[^.\n]{0,40}\binterrogative\b[^.\n]{0,40}\bexclamatory\b")
_BALANCED = rx(r"\bbalanc\w*|\bequal\s+(?:numbers?|shares?|mix|proportions?)\b|\bevenly\b|\bsame\s+number\b")
_SENTENCE_WORDS = rx(
    r"\bsame\s+(?:number\s+of\s+characters|character\s+count|length\s+in\s+characters)\b[^\n]{0,80}\bdifferent\s+words\b"
    r"|\bdifferent\s+words\b[^\n]{0,80}\bsame\s+(?:number\s+of\s+characters|character\s+count)\b"
)


def sentence_type(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _SENTENCE_TYPE):
        yield Hit("ratio:sentence_type", {}, span(segment, match))
        return


def sentence_balance(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _BALANCE):
        if _BALANCED.search(segment.text):
            yield Hit("ratio:sentence_balance", {}, span(segment, match))
            return


def sentence_words(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _SENTENCE_WORDS):
        yield Hit("ratio:sentence_words", {}, span(segment, match))
        return


_PUNCTUATION = rx(
    r"\b(?:every|each|all(?:\s+of)?(?:\s+the)?)\s+(?:standard\s+|common\s+|basic\s+)?punctuation\s+marks?\b"
)
_JAPANESE = rx(
    r"\bevery\s+(?P<n>\d+)\s*(?:-?\s*(?:st|nd|rd|th))?\s+word\b[^.\n]{0,50}?\bjapanese\b"
    r"|\bevery\s+(?P<o>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+word\b[^.\n]{0,50}?\bjapanese\b"
)
_ORD = {
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}


@needs("punctuation")
def punctuation(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _PUNCTUATION):
        if re.search(r"\b(?:use|include|contain|at\s+least\s+once|employ)\w*", segment.text, re.I):
            yield Hit("count:punctuation", {}, span(segment, match))
            return


@needs("japanese")
def words_japanese(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _JAPANESE):
        value = int(match.group("n")) if match.group("n") else _ORD[match.group("o").lower()]
        yield Hit("count:words_japanese", {"N": value}, span(segment, match))
        return


_KEYWORD_TIMES = rx(
    r"\b(?:key\s*word|word)\s+[\"'“]?(?P<w>[A-Za-z][\w-]*)[\"'”]?\s+(?:(?P<t>once|twice|thrice)|(?P<n>\d+|three|four|five|six|seven)\s+times)\b"
)


@needs("word")
def keywords_multiple(doc: Doc) -> Iterator[Hit]:
    """Five keywords with their own counts in one request (IFBench's 1, 2, 3, 5, 7 ladder)."""
    for segment in doc.sentences:
        found = list(_KEYWORD_TIMES.finditer(segment.text))
        if len(found) == 5:
            kwargs = {f"keyword{i + 1}": m.group("w") for i, m in enumerate(found)}
            where = (segment.start + found[0].start(), segment.start + found[-1].end())
            yield Hit("count:keywords_multiple", kwargs, where)
            return


RULES = [
    word_count_range,
    unique_word_count,
    conjunctions,
    pronouns,
    person_names,
    numbers,
    stop_words,
    overlap,
    sentence_type,
    sentence_balance,
    sentence_words,
    punctuation,
    words_japanese,
    keywords_multiple,
]
