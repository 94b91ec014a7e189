"""Rules for IFBench's words:* and sentence:* ids: letter games, word positions, sentence ladders.

These are properties of every word or sentence of the reply, so each rule asks for the scope
("each word", "every sentence", "no two words") and the property together in one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.numbers import NUM, parse_number
from graph.extract.rulebase import Hit, flag_rule, in_sentences, rx, span
from graph.extract.text import Doc

_EACH_WORD = r"(?:each|every|all(?:\s+the)?|every\s+single)\s+words?"
_NTH = r"(?P<{g}>\d+)\s*(?:-?\s*(?:st|nd|rd|th))?"


alphabet = flag_rule(
    "words:alphabet",
    rx(
        rf"\b(?:{_EACH_WORD}|words)\b[^.\n]{{0,60}}?\b(?:next|following|successive|subsequent)\s+letter\s+of\s+the\s+alphabet"
        rf"|\b{_EACH_WORD}\b[^.\n]{{0,80}}?\bletter\s+(?:that\s+)?(?:follows|after)\b[^.\n]{{0,60}}?\balphabet"
        rf"|\b(?:{_EACH_WORD}|consecutive\s+words)\b[^.\n]{{0,40}}?\b(?:start|begin)\w*\s+with\s+(?:consecutive|successive)\s+letters"
    ),
)
vowel = flag_rule(
    "words:vowel", rx(r"\b(?:only\s+)?(?:three|3)\s+(?:different\s+)?(?:types|kinds|sorts)\s+of\s+vowels?\b")
)
consonants = flag_rule("words:consonants", rx(r"\bconsonant\s+clusters?\b"))
palindrome = flag_rule(
    "words:palindrome",
    rx(r"\bpalindrom(?:e|es|ic\s+words)\b"),
    rx(r"\b(?:include|use|contain|at\s+least|incorporat|feature|with)\w*"),
)
prime_lengths = flag_rule(
    "words:prime_lengths",
    rx(
        r"\bwords?\b[^.\n]{0,50}?\b(?:lengths?|letters?|characters?)\b[^.\n]{0,40}?\bprime\b|\bprime[\s-]+length\w*\s+words\b|\bprime\s+number\s+of\s+(?:letters|characters)\b"
    ),
)
start_verb = flag_rule(
    "words:start_verb",
    rx(
        r"\b(?:start|begin|open)\w*\s+(?:(?:your|the)\s+(?:response|answer|reply)\s+)?with\s+a\s+verb\b"
        r"|\bfirst\s+word\b[^.\n]{0,40}?\b(?:is|be|should\s+be|must\s+be)\s+a\s+verb\b"
    ),
)
odd_even = flag_rule(
    "words:odd_even_syllables",
    rx(
        r"\b(?:odd|even)\s+and\s+(?:odd|even)\s+(?:numbers?\s+of\s+)?syllables?\b"
        r"|\b(?:odd|even)\s+(?:and|or)\s+(?:an?\s+)?(?:odd|even)\s+(?:numbers?\s+of\s+|syllable\s+counts?)"
        r"|\b(?:odd|even)[\s-]syllable\w*\s+(?:and|with)\s+(?:odd|even)[\s-]syllable"
    ),
)
last_first = flag_rule(
    "words:last_first",
    rx(
        r"\bfirst\s+word\s+of\s+(?:each|every)\s+sentence\b[^.\n]{0,40}?\b(?:last|final)\s+word\s+of\s+the\s+(?:previous|preceding|prior|sentence\s+before|one\s+before)"
        r"|\blast\s+word\s+of\s+(?:each|every|a|one)\s+sentence\b[^.\n]{0,80}?\bfirst\s+word\s+of\s+the\s+(?:next|following|subsequent)"
        r"|\b(?:each|every)\s+sentence\s+(?:should|must|has\s+to|needs\s+to|will)?\s*(?:begin|start|open)s?\s+with\s+the\s+(?:last|final)\s+word\s+of\s+the\s+(?:previous|preceding|prior|last)"
    ),
)
paragraph_last_first = flag_rule(
    "words:paragraph_last_first",
    rx(
        r"\bparagraphs?\b[^.\n]{0,60}?\bend\w*\s+with\s+the\s+(?:same\s+)?word\s+(?:it|they)\s+(?:start|began|begin|open)"
        r"|\bparagraphs?\b[^.\n]{0,40}?\b(?:start|begin)s?\s+and\s+ends?\s+with\s+the\s+same\s+word"
    ),
)
no_consecutive = flag_rule(
    "words:no_consecutive",
    rx(
        r"\b(?:no\s+two|adjacent|neighbou?ring|consecutive|successive)\s+(?:(?:consecutive|adjacent|successive)\s+)?words\b[^.\n]{0,50}?\b(?:same\s+first\s+letter|(?:share|have)\s+(?:a|the\s+same)\s+first\s+letter|(?:begin|start)\s+with\s+the\s+same\s+letter)"
        r"|\bno\s+two\s+words\s+in\s+a\s+row\b[^.\n]{0,40}?\bsame\s+(?:first\s+)?letter"
    ),
)
alliteration_increment = flag_rule(
    "sentence:alliteration_increment",
    rx(r"\balliterat\w+"),
    rx(r"\b(?:longer|increas\w*|more\s+than\s+the\s+(?:previous|last|one\s+before)|grow\w*)\b"),
)

_INCREMENT = rx(
    rf"\b(?:each|every)\s+sentence\b[^.\n]{{0,50}}?\b(?:exactly\s+)?(?P<n>{NUM})\s+more\s+words?\s+than\s+the\s+(?:previous|preceding|prior|last|one\s+before)"
)


def increment(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _INCREMENT):
        value = parse_number(match.group("n"))
        if value:
            yield Hit("sentence:increment", {"small_n": value}, span(segment, match))
            return


_REPEATS = rx(
    rf"\b(?:repeat|use)\s+(?:any|a|each|every|the\s+same)\s+(?:single\s+)?word\s+more\s+than\s+(?P<n>{NUM})\s+times\b"
    rf"|\b(?:no|not\s+a\s+single|no\s+single)\s+word\s+(?:should|may|can|must|is\s+to)?\s*(?:appear|occur|be\s+(?:used|repeated))\s+more\s+than\s+(?P<n2>{NUM})\s+times\b"
)


def repeats(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _REPEATS):
        value = parse_number(match.group("n") or match.group("n2") or "")
        before = segment.text[: match.start()]
        prefix = segment.text[max(0, match.start() - 30) : match.start()]
        if value and (
            match.group("n2") or re.search(r"\b(?:not|never|n't|no)\b", prefix + before[-30:], re.I)
        ):
            yield Hit("words:repeats", {"small_n": value}, span(segment, match))
            return


_WORD = r"[\"'“]?(?P<w>[A-Za-z][\w-]*)[\"'”]?"
_SENTENCE_KEYWORD = rx(
    rf"\b(?:include|use|put|place|mention)\w*\s+(?:the\s+)?(?:key\s*word|word)\s+{_WORD}\s+in\s+the\s+{_NTH.format(g='n')}\s+sentence\b"
    rf"|\bthe\s+{_NTH.format(g='n2')}\s+sentence\b[^.\n]{{0,30}}?\b(?:include|contain|use)s?\s+the\s+(?:key\s*word|word)\s+{_WORD.replace('?P<w>', '?P<w2>')}"
)
_POSITION = rx(
    rf"\b(?:key\s*word|word)\s+{_WORD}\s+in\s+the\s+{_NTH.format(g='n')}\s+sentence,?\s+as\s+the\s+{_NTH.format(g='m')}\s+word\b"
)


def keyword_position(doc: Doc) -> Iterator[Hit]:
    """ "keyword X in the 22nd sentence, as the 33rd word" (before the plain sentence rule)."""
    for segment, match in in_sentences(doc, _POSITION):
        kwargs = {"keyword": match.group("w"), "n": int(match.group("n")), "m": int(match.group("m"))}
        yield Hit("words:keywords_specific_position", kwargs, span(segment, match))
        return
    for segment, match in in_sentences(doc, _SENTENCE_KEYWORD):
        if re.search(r"\bas\s+the\s+\d+", segment.text[match.end() : match.end() + 12], re.I):
            continue
        word = match.group("w") or match.group("w2")
        nth = int(match.group("n") or match.group("n2"))
        yield Hit("sentence:keyword", {"word": word, "N": nth}, span(segment, match))
        return


_WORDS_POSITION = rx(
    rf"\bsecond\s+word\b[^.\n]{{0,60}}?\bsecond[\s-]+(?:to[\s-]+)?last\s+word\b[^.\n]{{0,60}}?\b(?:be|is)\s+(?:the\s+word\s+)?{_WORD}"
)


def words_position(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _WORDS_POSITION):
        yield Hit("words:words_position", {"keyword": match.group("w")}, span(segment, match))
        return


RULES = [
    alphabet,
    vowel,
    consonants,
    palindrome,
    prime_lengths,
    start_verb,
    odd_even,
    last_first,
    paragraph_last_first,
    no_consecutive,
    alliteration_increment,
    increment,
    repeats,
    keyword_position,
    words_position,
]
