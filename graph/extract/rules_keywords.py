"""Rules for keywords:*: words to include, to avoid, to repeat N times, and letter counts.

A keyword mention is read as a list ("waste, material and meal", quoted items, ['a', 'b']),
then its polarity (negated verb before, "should not appear" after) and any count decide the id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.numbers import Bound, bounds, quantity
from graph.extract.rulebase import Hit, needs, negated_before, rx
from graph.extract.text import Doc, quoted

_VERB = r"(?:avoid|steer\s+clear\s+of|omit(?:s|ting)?|weav(?:e|ing)\s+in|exclud(?:e|es|ing)|include[sd]?|including|us(?:e|es|ing)|mention(?:ing)?|contain(?:s|ing)?|featur(?:e|es|ing)|incorporat(?:e|es|ing))"
_WEAK_VERB = r"(?:with|has|have|having|add|write|put|say|saying|want|need)"
_ITEM = r"(?:[\"'“‘][^\"'“”’]+[\"'”’]|(?!(?:should|must|shall|will|would|can|cannot|could|may|might|need|needs|has|have|to|be|is|are|in|with|that|of|do|does)\b)[A-Za-z][\w-]*)"
# The start of a count right after a word: "war at least 8 times", "peace twice".
_PRE_COUNT = r"at\s+least|at\s+most|no\s+(?:more|less|fewer)\s+than|(?:more|less|fewer)\s+than|exactly|only|precisely|once|twice|thrice|\d+\s*(?:times|x)\b|(?:a\s+)?(?:minimum|maximum)\s+of"
_NOUN = r"(?:key\s*words?|words?|terms?|phrases?|items|names?|line)"
_LIST_START = rx(
    rf"\b(?:(?P<verb>{_VERB})|(?P<weak>{_WEAK_VERB}))\s+(?:(?:the|these|following|all|of|both|two|three|four|five|specific|exact)\s+)*(?:(?!of\b|any\b|no\b|other\b|more\b)[a-z]+\s+)??(?P<noun>{_NOUN})\b(?:\s+(?:like|such\s+as))?\s*[:\-]?\s*"
    rf"|\b(?:the\s+)?(?P<noun2>key\s*words?|words?|terms?|phrases?|name)\s+(?={_ITEM}(?:\s*(?:,|and|or|&)\s*{_ITEM}){{0,5}}\s+(?:(?:both|all|each)\s+)?(?:(?:is|are)\s+(?:not\s+|never\s+)(?:used|included|mentioned|allowed|permitted)\b|(?:is|are)\s+(?:forbidden|banned|prohibited|off[\s-]limits|not\s+(?:allowed|permitted))\b|(?:should|must|cannot|can't|can\s+not|may\s+not|needs?\s+to|has\s+to|have\s+to|is\s+to|are\s+to|to|do\s+not|does\s+not|doesn't|don't)\s+(?:not\s+|never\s+)?(?:appear|be|show|occur|included|used)|appears?|shows?\s+up|occurs?)\b)"
    rf"|(?<![-\d])\b(?:the\s+)?(?P<noun3>key\s*word|word|term|phrase)\s+(?={_ITEM}\s+(?:{_PRE_COUNT}))"
    rf"|\b(?P<occ>occurrences?|instances?|mentions?)\s+of\s+(?:the\s+)?(?:key\s*)?words?\s+"
    rf"|\b(?P<verb2>mention(?:ing)?|includ(?:e|es|ing)|say|us(?:e|ing))\s+(?=[\"'“‘])"
)
_STOPWORDS = frozenset(
    [
        "in",
        "into",
        "to",
        "throughout",
        "anywhere",
        "somewhere",
        "at",
        "for",
        "when",
        "while",
        "within",
        "as",
        "should",
        "must",
        "cannot",
        "can't",
        "may",
        "will",
        "are",
        "is",
        "be",
        "being",
        "appear",
        "appears",
        "show",
        "shows",
        "each",
        "every",
        "but",
        "so",
        "more",
        "less",
        "fewer",
        "exactly",
        "only",
        "once",
        "twice",
        "from",
        "with",
        "the",
        "a",
        "an",
        "your",
        "this",
        "that",
        "it",
        "them",
        "some",
        "any",
        "one",
        "word",
        "words",
        "keyword",
        "keywords",
        "letter",
        "letters",
        "all",
        "not",
        "no",
        "do",
        "does",
        "which",
        "who",
        "whose",
        "where",
        "containing",
        "starting",
        "beginning",
        "ending",
        "like",
        "than",
        "if",
        "or",
        "and",
        "nor",
        "of",
        "etc",
    ]
)
_FREQ = rx(quantity(r"(?:times?|x)\b", times=True))
_OCCURRENCES = rx(quantity(r"(?:occurrences?|instances?|mentions?)\b"))
# A negated "appear"-like predicate after the list ("X and Y cannot be in the response", "the word
# X doesn't appear at all"); a negated action verb ("and should not use any commas") is another
# request and does not touch the list.
_APPEAR = r"(?:appear\w*|occur\w*|show\s+up|shows?\b|be\b|been\b|feature\w*|exist\w*|come\s+up|used|included|mentioned|present|allowed|permitted)"
_NEG_AFTER = rx(
    r"^[^.;:\n]{0,40}?\b(?:(?:should|must|may|can|could|will|do|does|is|are)\s*(?:not|never|n't)|cannot|can't|mustn't|shouldn't|won't|doesn't|don't|isn't|aren't)"
    rf"\s+(?:ever\s+|at\s+all\s+)?{_APPEAR}"
    r"|^[^.;:\n]{0,30}?\b(?:is|are)\s+(?:forbidden|banned|prohibited|off[\s-]limits|not\s+(?:allowed|permitted))\b"
)
_LETTER_NOUN = rx(r"\bletters?\s*$")


def _items(text: str, start: int, *, explicit: bool = False) -> tuple[list[str], int]:
    """The keyword list that starts at ``start``; returns the items and where the list ends."""
    rest = text[start:]
    bracket = re.match(r"\[([^\]]+)\]", rest)
    if bracket:
        items = [q[0] for q in quoted(bracket.group(1))] or [
            i.strip(" '\"") for i in bracket.group(1).split(",")
        ]
        return [i for i in items if i], start + bracket.end()
    found: list[str] = []
    position = 0
    quoted_list = False
    if re.match(r"\s*(?:,|\band\b|\bor\b|&|/)", rest):
        return [], start  # "any words or characters": the noun itself, not a list
    pieces = re.compile(r"(?:\s*(?:,|\band\b|\bor\b|\bnor\b|&|/))*\s*")
    while True:
        position = pieces.match(rest, position).end()  # type: ignore[union-attr]
        quote = re.match(r"[\"“”‘'`](?P<q>[^\"“”’'`\n]{1,60})[\"“”’'`]", rest[position:])
        if quote:
            found.append(quote.group("q"))
            position += quote.end()
            quoted_list = True
            continue
        if quoted_list:
            break  # 'Include "Python" and "Java" and wrap ...': a quoted list ends at its last quote
        if found and not re.match(
            r"\s*,?\s*(?:and|or)?\s*[A-Za-z]", rest[position - 2 if position > 1 else 0 :]
        ):
            break
        word = re.match(r"(?P<w>[A-Za-z][\w'’-]*)", rest[position:])
        if word is None or (word.group("w").lower() in _STOPWORDS and not (explicit and not found)):
            break
        found.append(word.group("w"))
        position += word.end()
        if not re.match(r"\s*(?:,|\band\b|\bor\b|&|/)", rest[position:]):
            break
    return found, start + position


def _quoted_at(text: str, index: int) -> bool:
    return bool(re.match(r"\s*[\"'“‘\[]", text[index:]))


def keyword_rules(doc: Doc) -> Iterator[Hit]:
    """existence / forbidden_words / frequency from every keyword mention, sentence by sentence."""
    for segment in doc.sentences:
        text = segment.text
        for match in _LIST_START.finditer(text):
            if _LETTER_NOUN.search(text[: match.end()]):
                continue
            explicit = bool(
                match.group("noun2")
                or match.group("noun3")
                or match.group("occ")
                or re.fullmatch(r"key\s*words?|word", match.group("noun") or "", re.I)
            )
            items, end = _items(text, match.end(), explicit=explicit)
            items = [i for i in items if re.search(r"\w", i)]
            if not items or (
                match.group("weak")
                and (
                    # "without saying the word gambit": a named word needs no quotes
                    not (
                        _quoted_at(text, match.end())
                        or (
                            re.fullmatch(r"say|saying", match.group("weak"), re.I)
                            and re.search(r"\b(?:the|these)\b", match.group(), re.I)
                            and re.fullmatch(r"(?:key\s*)?words?", match.group("noun") or "", re.I)
                        )
                    )
                    or (match.group("weak") == "with" and not re.match(r"key", match.group("noun"), re.I))
                )
            ):
                continue
            where = (segment.start + match.start(), segment.start + end)
            after = text[end:]
            verb_end = (
                match.start()
                + len(match.group("verb") or match.group("verb2") or match.group("weak") or "")
                + 1
            )
            negative = negated_before(text, verb_end) and not re.search(
                r"forget|not\s+only", text[max(0, verb_end - 40) : verb_end], re.I
            )
            negative = negative or bool(_NEG_AFTER.search(after))
            count = _FREQ.search(text, end, end + 60)
            if count is None and match.group("occ"):
                count = _OCCURRENCES.search(text, max(0, match.start() - 40), match.end())
            if count is not None and len(items) <= 2 and not negative:
                yield from _frequency_hits(items, bounds(count), where)
            elif negative:
                yield Hit("keywords:forbidden_words", {"forbidden_words": items}, where)
            else:
                yield Hit("keywords:existence", {"keywords": items}, where)


def _frequency_hits(items: list[str], found: list[Bound], where: tuple[int, int]) -> Iterator[Hit]:
    """Counted keywords, one frequency constraint per keyword and bound ("at least once" included)."""
    for item in items:
        for relation, value in found:
            kwargs = {"keyword": item, "frequency": value, "relation": relation}
            yield Hit("keywords:frequency", kwargs, where)


# "a company named "grid" ... includes the name of the company at least five times": the
# keyword is the name given earlier, in quotes after "named" / "called".
_NAME_OF = rx(
    rf"\b(?:{_VERB}|say(?:s|ing)?|repeat(?:s|ing)?)\s+(?:the\s+|its\s+)?name\s+of\s+(?:the|your|my|our|this|that|his|her|their)\s+(?P<what>[a-z]+)\b"
)
_NAMED = rx(r"\b(?:named|called|titled|name\s+is)\s+[\"“'](?P<name>[^\"”'\n]{1,40})[\"”']")


def name_keyword(doc: Doc) -> Iterator[Hit]:
    """The name of something given earlier, used as a keyword (with its count, if any)."""
    for segment in doc.sentences:
        for match in _NAME_OF.finditer(segment.text):
            named = [m for m in _NAMED.finditer(doc.text, 0, segment.start + match.start())]
            if not named:
                continue
            name = named[-1].group("name").strip()
            where = (segment.start + match.start(), segment.start + match.end())
            count = _FREQ.search(segment.text, match.end(), match.end() + 60)
            if negated_before(segment.text, match.start() + 1):
                yield Hit("keywords:forbidden_words", {"forbidden_words": [name]}, where)
            elif count is not None:
                yield from _frequency_hits([name], bounds(count), where)
            else:
                yield Hit("keywords:existence", {"keywords": [name]}, where)
            return


_SYMBOLS = {
    "exclamation": "!",
    "hashtag": "#",
    "question mark": "?",
    "at sign": "@",
    "dollar sign": "$",
    "percent sign": "%",
    "ampersand": "&",
}
_LETTER = rx(
    r"\bletter\s+[\"'“‘]?(?P<c>[A-Za-z])[\"'”’]?(?![\w'])"
    rf"|\b(?P<sym>{'|'.join(_SYMBOLS)})(?:\s+marks?|s|es)?(?:\s*\(?\s*[\"'“‘]?[!#?@$%&][\"'”’]?\)?)?"
)
_COUNT_FIRST = rx(quantity(r"letters?\b") + r"\s*[\"'“‘]?(?P<c>[A-Za-z])[\"'”’]?(?![\w'])")
_LETTER_FREQ = rx(quantity(r"(?:times?|x)\b", times=True))
_LETTER_BEFORE = rx(quantity(r"(?:(?:more\s+)?(?:exclamation\s+marks?|hashtags?|question\s+marks?))"))


@needs(
    "letter", "exclamation", "hashtag", "question mark", "at sign", "dollar sign", "percent sign", "ampersand"
)
def letter_frequency(doc: Doc) -> Iterator[Hit]:
    """ "the letter q at least 4 times"; "no letter e" is fewer than 1; symbols by name count too.

    A counted mention wins over a bare negated one in another sentence ("two people trying to
    avoid the letter t ... The letter t must appear at least 30 times")."""
    negated: Hit | None = None
    for segment in doc.sentences:
        text = segment.text
        first = _COUNT_FIRST.search(text)
        if first is not None:
            for relation, value in bounds(first):
                kwargs = {"letter": first.group("c"), "let_frequency": value, "let_relation": relation}
                yield Hit(
                    "keywords:letter_frequency",
                    kwargs,
                    (segment.start + first.start(), segment.start + first.end()),
                )
            return
        mentions = list(_LETTER.finditer(text))
        for index, match in enumerate(mentions):
            char = match.group("c") or _SYMBOLS[_symbol_key(match.group("sym"))]
            count = _LETTER_FREQ.search(text, match.end())
            later = [m for m in mentions[index + 1 :] if (m.group("c") or "") == (match.group("c") or "")]
            if count is not None and match.group("c") and later and later[0].start() < count.start():
                continue  # the count belongs to the later mention of the same letter
            if count is None and match.group("sym"):
                count = _LETTER_BEFORE.search(text)
            negative = negated_before(text, match.start(), 45)
            where = (segment.start + match.start(), segment.start + match.end())
            if count is not None:
                found = bounds(count)
                if negative and len(found) == 1:
                    found = [("less than", found[0][1])] if found[0][0] == "at least" else found
                for relation, value in found:
                    yield Hit(
                        "keywords:letter_frequency",
                        {"letter": char, "let_frequency": value, "let_relation": relation},
                        where,
                    )
                return
            if negative and negated is None:
                negated = Hit(
                    "keywords:letter_frequency",
                    {"letter": char, "let_frequency": 1, "let_relation": "less than"},
                    where,
                )
    if negated is not None:
        yield negated


def _symbol_key(name: str) -> str:
    lowered = re.sub(r"\s+", " ", name.lower())
    return next(key for key in _SYMBOLS if lowered.startswith(key))


RULES = [keyword_rules, name_keyword, letter_frequency]
