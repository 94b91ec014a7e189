"""Constraints written as a spec sheet: "Word limit: 100", "Language: German", "Banned words: x, y".

A field is a short label, then ":" or " - ", then its value, on its own line or sentence. Only
labels that name a checkable property count; "Topic: the word limit debate" is a topic field and
its value is never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.languages import to_code
from graph.extract.numbers import NUM, parse_number
from graph.extract.rulebase import Hit, rx
from graph.extract.rules_keywords import _items
from graph.extract.text import Doc

_FIELD = rx(r"^\s*(?:[-*•]\s*)?(?P<label>[A-Za-z][A-Za-z ]{1,30}?)\s*(?::|\s[-–—]\s)\s*(?P<value>\S.*)$")
_NUMBER = rx(rf"^(?:exactly\s+|max(?:imum)?\s+|min(?:imum)?\s+|at\s+most\s+|at\s+least\s+)?(?P<n>{NUM})\b")
_MAX_WORDS = rx(r"^(?:word\s+limit|max(?:imum)?\s+(?:length|words|word\s+count)|length\s+limit)$")
_MIN_WORDS = rx(r"^(?:min(?:imum)?\s+(?:length|words|word\s+count))$")
_LANGUAGE = rx(r"^(?:(?:output|response|reply|answer)\s+)?language$")
_FORMAT = rx(r"^(?:(?:output|response|reply|answer)\s+)?format$")
_BANNED = rx(r"^(?:forbidden|banned|prohibited|excluded)\s+(?:key\s*)?words$|^words\s+to\s+avoid$")
_REQUIRED = rx(r"^(?:required|mandatory)\s+(?:key\s*)?words$|^key\s*words(?:\s+to\s+(?:include|use))?$")
_BULLETS = rx(r"^(?:number\s+of\s+)?bullet(?:\s+points|s)$")
_CLOSING = rx(r"^(?:closing|final|last)\s+(?:line|sentence|words)$|^sign[\s-]?off$")
_ANY_FIELD = re.compile(r"[A-Za-z]\s*:\s")
_QUOTED = re.compile(r"^[\"“'](?P<q>[^\"”'\n]{1,200})[\"”']")


def fields(doc: Doc) -> Iterator[Hit]:
    found = [_FIELD.match(segment.text) for segment in doc.sentences]
    labels = [_label(m) if m else None for m in found]
    for index, (segment, match) in enumerate(zip(doc.sentences, found, strict=True)):
        if match is None or len(_ANY_FIELD.findall(segment.text)) > 1:
            continue  # "name: Mark nationality: Italian" is data, not a spec
        near = [labels[i] for i in (index - 1, index + 1) if 0 <= i < len(labels)]
        if any(label is not None and not _known(label) for label in near):
            continue  # a record ("name: Mark / nationality: Italian / language: English")
        label = labels[index] or ""
        value = match.group("value").strip()
        where = (segment.start + match.start("value"), segment.start + match.end("value"))
        yield from _read(label, value, where)


def _label(match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", match.group("label").strip().lower())


def _known(label: str) -> bool:
    patterns = (_MAX_WORDS, _MIN_WORDS, _LANGUAGE, _FORMAT, _BANNED, _REQUIRED, _BULLETS, _CLOSING)
    return any(p.match(label) for p in patterns) or label in {
        "length",
        "case",
        "style",
        "punctuation",
        "tone",
    }


def _read(label: str, value: str, where: tuple[int, int]) -> Iterator[Hit]:
    number = _NUMBER.match(value)
    count = parse_number(number.group("n")) if number else None
    if count and _MAX_WORDS.match(label):
        yield Hit("length_constraints:number_words", {"num_words": count + 1, "relation": "less than"}, where)
    elif count and _MIN_WORDS.match(label):
        yield Hit("length_constraints:number_words", {"num_words": count, "relation": "at least"}, where)
    elif count and _BULLETS.match(label):
        yield Hit("detectable_format:number_bullet_lists", {"num_bullets": count}, where)
    elif _LANGUAGE.match(label):
        code = to_code(re.sub(r"[.!]+$|\s+only$", "", value.strip(), flags=re.I))
        if code:
            yield Hit("language:response_language", {"language": code}, where)
    elif (
        _FORMAT.match(label)
        and re.search(r"\bJSON\b", value)
        and not re.search(r"\b(?:no|not)\b", value, re.I)
    ):
        yield Hit("detectable_format:json_format", {}, where)
    elif _BANNED.match(label) or _REQUIRED.match(label):
        items, _ = _items(value, 0, explicit=True)
        items = [i for i in items if re.search(r"\w", i)]
        if items:
            cid, key = (
                ("keywords:forbidden_words", "forbidden_words")
                if _BANNED.match(label)
                else ("keywords:existence", "keywords")
            )
            yield Hit(cid, {key: items}, where)
    elif _CLOSING.match(label):
        quoted = _QUOTED.match(value)
        if quoted:
            yield Hit("startend:end_checker", {"end_phrase": quoted.group("q").strip()}, where)


RULES = [fields]
