"""Rules for punctuation:no_comma, change_case:* and language:response_language."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.languages import LANGUAGE_CODE, LANGUAGE_NAME, to_code
from graph.extract.numbers import Bound, bounds, quantity
from graph.extract.rulebase import Hit, clause_before, in_sentences, rx, span
from graph.extract.text import Doc

_NO_COMMA = rx(
    r"\bcomma[\s-]*free\b|\b(?:no|zero|without(?:\s+(?:using|any|a\s+single|putting|including))*"
    r"|avoid(?:\s+(?:using|any|including))*|refrain\s+from\s+(?:using\s+|including\s+)?(?:any\s+)?"
    r"|\bwithout\s+(?:the\s+)?use\s+of\s+(?:any\s+)?"
    r"|(?:do\s+not|don'?t|dont|does\s+not|doesn'?t|never|cannot|can'?t|must\s+not|mustn'?t|should\s+not|shouldn'?t|not\s+to|not\s+(?:be\s+)?(?:allowed|permitted)\s+to)\s+"
    r"(?:use|include|contain|put|add|have|insert|place|type|write|using|want|need|see)\s+(?:any\s+|a\s+single\s+)?(?:\w+\s+)?)"
    r"\s*(?:any\s+)?commas?\b"
    r"|\bcommas?\s+(?:are|is)\s+(?:not\s+(?:allowed|permitted|welcome)|forbidden|prohibited|banned|off[\s-]limits|out)\b"
)
_NOT_REALLY = rx(r"\b(?:no\s+need|(?:do\s+not|don'?t)\s+(?:need|have)\s+to|not\s+necessary)\b[^.]{0,20}$")


def no_comma(doc: Doc) -> Iterator[Hit]:
    """Any negated use of commas; "don't worry about commas" asks for nothing."""
    for segment, match in in_sentences(doc, _NO_COMMA):
        if _NOT_REALLY.search(segment.text[: match.start()]):
            continue
        yield Hit("punctuation:no_comma", {}, span(segment, match))
        return


_CAPS = r"(?:capital(?:s|ized)?(?:\s+letters?)?|caps|upper\s*-?\s*case(?:\s+letters?)?)"
# "words in all caps", "words or phrases in all capital letters", "5 words in the output should be
# in all caps", "capitalized words", "all-caps words".
_CAP_WORDS = rx(
    rf"(?:\bwords?(?:\s+or\s+phrases?)?\s+(?:[\w-]+\s+){{0,5}}?(?:in|with|using|written\s+in)\s+all[\s-]+{_CAPS}"
    r"|all[\s-]caps\s+words|capitali[sz]ed\s+words|stress\s+words|words\s+with\s+capital\s+letters)"
)
_CAP_UNIT = r"(?:(?:such|more|of\s+(?:the|these|those)|of\s+them)\s+)?(?:(?:capitali[sz]ed|all[\s-]caps|uppercase)\s+)?(?:times|words?)"
_CAP_COUNT = rx(quantity(_CAP_UNIT, times=True))
_CAP_COUNT_TO = rx(rf"\bto\s+{quantity('')}")
_CAP_BARE = rx(quantity(""))
_USE_SOME = rx(
    rf"\b(?:use|include|add|with)\s+(?:some\s+|a\s+few\s+|several\s+)?words\s+(?:in|with)\s+all\s+{_CAPS}"
)


def _cap_bounds(text: str, anchor: re.Match[str]) -> tuple[list[Bound], re.Match[str] | None]:
    """The count of ALL-CAPS words in one sentence: "at least 5 times", "5 to 10 such capitalized
    words", or a bare comparison after the mention ("... should be less than 5")."""
    count = _CAP_COUNT.search(text) or _CAP_COUNT_TO.search(text, anchor.end())
    if count is None:
        bare = _CAP_BARE.search(text, anchor.end())
        if bare is not None and (bare.group("pre") or bare.group("post") or bare.group("b")):
            count = bare
    return (bounds(count), count) if count is not None else ([], None)


def capital_word_frequency(doc: Doc) -> Iterator[Hit]:
    """Words in ALL CAPS counted: "at least 5 times", "less than four"; "use some" in a sentence of
    its own means >= 1 unless a lower bound is given ("Include a few words in all caps. But ... less
    than 5" is 1..4)."""
    found: list[tuple[Bound, tuple[int, int]]] = []
    some: tuple[int, int] | None = None
    for segment in doc.sentences:
        anchor = _CAP_WORDS.search(segment.text)
        if anchor is None:
            continue
        counted, _ = _cap_bounds(segment.text, anchor)
        found.extend((bound, span(segment, anchor)) for bound in counted)
        use = _USE_SOME.search(segment.text)
        # "Use some words in all caps, but at most 3 of them" is one request with its count (the
        # paper's prompts label it so); a separate "include a few" sentence adds at least one.
        if use is not None and some is None and not counted:
            some = span(segment, use)
    relations = {relation for (relation, _), _ in found}
    if some is not None and "at least" not in relations:
        found.insert(0, (("at least", 1), some))
    for (relation, value), where in found:
        kwargs = {"capital_frequency": value, "capital_relation": relation}
        yield Hit("change_case:capital_word_frequency", kwargs, where)


_LOWER = rx(
    r"\blower[\s-]*case(?:d|s)?\b|\blowercased\b|\bno\s+(?:capital\s+letters|capitals|capitali[sz]ations?|uppercase)"
    r"|\bwithout\s+(?:using\s+)?(?:any\s+)?(?:capital\s+letters|capitali[sz]ation)"
    r"|\bnot\s+(?:a\s+single|one|any)\s+(?:letter|character)s?\b[^.]{0,50}?\b(?:is|are|be|being|gets?|should\s+be|must\s+be)\s+(?:capitali[sz]ed|upper\s*case|in\s+(?:capitals|upper\s*case))"
    r"|\b(?:don'?t|do\s+not|never|avoid)\s+(?:use|using|include|including)\s+(?:any\s+)?(?:capital\s+letters|capitals|upper\s*case(?:\s+letters)?)\b"
    r"|\bcapital\s+letters\s+are\s+not\s+allowed|\bnot\s+contain\s+any\s+capital\s+letters"
)
_NO_WORD = rx(r"\b(?:not\s+(?:a\s+single|one|any)|no|none\s+of\s+the)\s+(?:words?|letters?|characters?)\b")
_RESPONSE = rx(
    r"\b(?:respon\w*|answer\w*|repl\w*|output|entire|whole|all|letters|english|written|write|essay|story|poem|letter)\b"
)
_CAPITAL = rx(
    rf"\ball\s+{_CAPS}(?!\s+(?:cit(?:y|ies)|gains?|punishment|expenditure|markets?))|\ball\s+letters\b[^.]{{0,40}}\bcapitali[sz]ed|\bcapitali[sz]e\s+(?:all|every|each)\b"
    rf"|\bonly\s+(?:use\s+)?{_CAPS}|\bin\s+(?:english\s+)?(?:capitals|capital\s+letters|block\s+capitals)\b|\bblock\s+capitals\b|\b(?:capital\s+letters|capitals|uppercase\s+letters|upper\s*case)\s+only\b|\bno\s+lower\s*-?\s*case\s+letters|\bin\s+(?:all\s+)?(?:CAPS|UPPERCASE)\b|\ball[\s-]caps\b"
)


_WH_TOPIC = rx(r"^\s*(?:why|how\s+come|what\s+makes|when\s+did)\b")
_NEGATED_VERB = rx(r"\b(?:not|never|don'?t|without|no)\s+(?:[a-z]+\s+){0,2}$")


def change_case(doc: Doc) -> Iterator[Hit]:
    """Whole reply lowercase / capitals; mentions that count CAPS words belong to the rule above."""
    for segment, match in in_sentences(doc, _CAPITAL):
        if _NEGATED_VERB.search(segment.text, max(0, match.start() - 40), match.start()):
            continue  # "don't write in capital letters"
        anchor = _CAP_WORDS.search(segment.text)
        if (
            anchor is not None and (_cap_bounds(segment.text, anchor)[0] or _USE_SOME.search(segment.text))
        ) or re.search(r"\bwords?\s+(?:in|with)\s*$", segment.text[: match.start()], re.I):
            continue
        yield Hit("change_case:english_capital", {}, span(segment, match))
        break
    for segment, match in in_sentences(doc, _LOWER):
        negated = bool(
            re.search(r"\b(?:no|none\s+of\s+\w+|not|any|one)\s+$", segment.text[: match.start()], re.I)
        )
        # "why some languages have no capital letters" states a fact about the topic
        before = segment.text[: match.start()]
        fact = bool(re.search(r"\b(?:have|has|had|there\s+(?:are|is))\s+$", before, re.I)) and not re.search(
            r"\b(?:should|must|needs?\s+to|has\s+to|have\s+to|will|shall|to|please|make)\b",
            clause_before(before, len(before), 60),
            re.I,
        )
        topic = re.search(r"\b(?:about|of|regarding)\s+(?:the\s+)?(?:[a-z]+\s+(?:of\s+)?)?$", before, re.I)
        # "Why do some people never use capitals?" asks about them, not of the reply
        question = bool(_WH_TOPIC.match(segment.text)) and not re.search(r"\byou(?:r)?\b", segment.text, re.I)
        negated = negated or fact or bool(topic) or question
        # "not a single word ... should contain lowercase letters" asks for capitals.
        no_word = match.group().lower().startswith("lower") and _NO_WORD.search(
            clause_before(segment.text, match.start(), 80)
        )
        if negated or no_word or not _RESPONSE.search(segment.text):
            continue
        yield Hit("change_case:english_lowercase", {}, span(segment, match))
        break


_LANG = rf"(?P<lang>{LANGUAGE_NAME})"
_CUE = r"(?:respon\w*|repl\w*|answer\w*|entire\w*|whole|only|output|written|write|speak|use|using|throughout)"
_LANGUAGE = [
    rx(
        rf"\b(?:outside\s+of|other\s+than|except|besides)\s+(?:the\s+)?(?:{_LANG}|(?P<code>{LANGUAGE_CODE}))\b(?=[^.\n]{{0,20}}no\s+other\s+language)"
    ),
    rx(rf"\b(?:outside\s+of|other\s+than|except|besides)\s+(?:the\s+)?{_LANG}\b"),
    rx(rf"\bonly\s+in\s*(?!(?:no|it|id|so|he|hi)\b)(?P<code>{LANGUAGE_CODE})\s*$"),
    rx(
        rf"\b(?:only|entirely|solely|exclusively|completely|purely)\s+(?:in\s*)?(?:the\s+)?{_LANG}(?:\s+language)?\b"
    ),
    rx(rf"\b{_LANG}\s+(?:language\s+)?only\b"),
    rx(rf"\bonly\s+(?:using|use)\s+(?:the\s+)?{_LANG}\b"),
    rx(rf"\b(?:using|use|speak\w*)\s+(?:only\s+)?(?:the\s+)?{_LANG}\s+language\b"),
    rx(rf"\b{_CUE}\b[^.\n]{{0,50}}?\bin\s*(?:the\s+)?{_LANG}\b"),
    rx(rf"\bin\s+(?:the\s+)?{_LANG}(?:\s+language)?\b(?=[^.\n]{{0,40}}no\s+other\s+language)"),
    rx(
        rf"\b(?:only|in|using)\s+(?:the\s+)?(?P<code>{LANGUAGE_CODE})(?:\s+language)?\b(?=[^.\n]{{0,40}}no\s+other\s+language)"
    ),
]


def response_language(doc: Doc) -> Iterator[Hit]:
    """The reply's language, by name or ISO code; "English" beside a case rule is not a language ask."""
    for pattern in _LANGUAGE:
        for segment, match in in_sentences(doc, pattern):
            name = match.groupdict().get("lang") or match.group("code")
            code = to_code(name)
            if code is None:
                continue
            if code == "en" and re.search(r"capital|lower\s*case|upper\s*case|caps", segment.text, re.I):
                continue
            if re.search(
                r"\b(?:translat\w*|from)\s+(?:\w+\s+)?$",
                segment.text[: match.start("lang" if match.groupdict().get("lang") else "code")],
                re.I,
            ):
                continue
            yield Hit("language:response_language", {"language": code}, span(segment, match))
            return


RULES = [no_comma, capital_word_frequency, change_case, response_language]
