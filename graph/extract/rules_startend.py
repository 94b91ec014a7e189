"""Rules that take text out of the instruction itself: the closing phrase and the request to repeat."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.rulebase import Hit, in_parentheses, negated_before, rx
from graph.extract.text import Doc

_END = rx(
    r"\b(?:end|finish|conclude|close|sign\s+off|wrap\s+up)(?:s|ed|ing)?\s+(?:(?!with\b)[\w'-]+\s+){0,4}?with(?:\s+(?:this|these|the|a|following))?"
    r"(?:\s+exact(?:ly)?)?(?:\s+(?:EXACT\s+)?(?:phrase|sentence|words?|question|line|statement|text))?(?:\s+of)?\s*:?[ \t]*"
    r"|\b(?:your|the)\s+(?:very\s+)?(?:last|final|closing)\s+(?:sentence|line|words?)\s+(?:should|must|has\s+to|needs\s+to|will)\s+(?:be|read)(?:\s+exactly)?\s*:[ \t]*"
    r"|\b(?:very\s+)?(?:end|last\s+sentence|last\s+line|final\s+sentence|final\s+line|last\s+words?)\s+of\s+(?:your|the)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:should|must|has\s+to|needs\s+to)\s+(?:be|read)(?:\s+exactly)?(?:\s+like)?\s*:?[ \t]*"
)
_DESCRIBED = rx(
    r"(?:a|an|the|your|some|one|its|his|her|their)\b|(?:post[\s-]?script|P\.|note|summary|question\b|call\b|conclusion)"
)
_QUOTE = re.compile(r"[\"“”](?P<q>[^\"“”\n]{1,200}?)[\"“”]|'(?P<s>[^'\n]{1,200}?)'(?![A-Za-z])")
_UNQUOTED = re.compile(r"(?P<p>[^\n]*?[.!?])(?=\s|$|\.)|(?P<line>[^\n]+)")


def end_checker(doc: Doc) -> Iterator[Hit]:
    """ "End your response with "X"" / "Finish with this exact phrase: X" / "The very end should read X"."""
    text = doc.text
    for match in _END.finditer(text):
        start = match.end()
        phrase, end = _phrase(text, start, exact="exact" in match.group().lower(), colon=":" in match.group())
        if phrase and re.search(r"\w", phrase):
            yield Hit("startend:end_checker", {"end_phrase": phrase}, (match.start(), end))
            return


def _phrase(text: str, start: int, *, exact: bool, colon: bool) -> tuple[str | None, int]:
    quote = _QUOTE.match(text, start)
    if quote:
        return (quote.group("q") or quote.group("s")).strip(), quote.end()
    if text.startswith("\n", start) or start >= len(text):
        line = re.compile(r"\n\s*(?P<line>[^\n]+)").match(text, start)
        if line and text[start - 2 : start].strip().endswith(":"):
            return line.group("line").strip(), line.end()
        return None, start
    if not colon and (not exact or _DESCRIBED.match(text, start)):
        return None, start
    unquoted = _UNQUOTED.match(text, start)
    if unquoted is None:
        return None, start
    phrase = (unquoted.group("p") or unquoted.group("line")).strip()
    return (phrase or None), unquoted.end()


_REPEAT = rx(
    r"\brep\w{0,2}eat\w*\b[^.\n]{0,80}?\b(?:request|prompt|question|sentence|text|instruction|line|query|task)s?\b"
)
_REPEAT_QUOTED = rx(
    r"\brepeat\w*\s+(?:this\s+|the\s+(?:request|prompt|question)\s*:?\s*)?[\"“](?P<q>[^\"”\n]{5,300})[\"”]"
)


def span_of(match: re.Match[str]) -> tuple[int, int]:
    return match.start(), match.end()


def _after_repeat_lines(rest: str) -> str:
    """The request below the repeat instruction, past further lines about the repeat itself."""
    lines = rest.lstrip("\n").split("\n")
    while lines and re.search(r"\brepeat\w*\b", lines[0], re.I) and len(lines) > 1:
        lines = lines[1:]
    return "\n".join(lines).lstrip("\n")


_BELOW = rx(r"\b(?:below|following|that\s+follows|next)\b")


def repeat_prompt(doc: Doc) -> Iterator[Hit]:
    """ "Repeat the request word for word, then answer": ``prompt_to_repeat`` is the request itself.

    The repeat instruction is its own block (line, or sentence when mid-line); the request is the
    text before it, or after it when it says "below" / "following".
    """
    text = doc.text
    for quote in _REPEAT_QUOTED.finditer(text):
        sentence = doc.sentences[doc.sentence_at(quote.start())]
        if not negated_before(text[sentence.start :], quote.start() - sentence.start, 20):
            yield Hit("combination:repeat_prompt", {"prompt_to_repeat": quote.group("q")}, span_of(quote))
            return
    for match in _REPEAT.finditer(text):
        sentence = doc.sentences[doc.sentence_at(match.start())]
        if negated_before(text[sentence.start :], match.start() - sentence.start, 20):
            continue
        if in_parentheses(text, match.start()) and re.match(r"repeated\b", match.group(), re.I):
            continue  # "(including the repeated request)" refers to the repeat, it is not the ask
        line_start = text.rfind("\n", 0, match.start()) + 1
        block_start = sentence.start if text[line_start : sentence.start].strip() else line_start
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        own = text[sentence.start : sentence.end]
        below = _BELOW.search(own) and not re.search(r"\babove\b", own, re.I)
        if below or not text[:block_start].strip():
            request = _after_repeat_lines(text[line_end:])
        else:
            request = text[:block_start].rstrip("\n")
            request = request if request.strip() else ""
        if request.strip():
            yield Hit(
                "combination:repeat_prompt", {"prompt_to_repeat": request}, (match.start(), match.end())
            )
            return


RULES = [end_checker, repeat_prompt]
