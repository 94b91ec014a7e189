"""Rules for IFBench's format:* ids: nesting, options, one word per line, emoji, indents, lists.

Layout asks name the layout and where it applies ("each word on a new line", "an emoji at the
end of every sentence"); a layout merely named as a topic ("explain title case") does not fire.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.extract.rulebase import Hit, flag_rule, in_sentences, rx, span
from graph.extract.text import Doc

_ASK = rx(
    r"\b(?:use|include|write|put|nest|make|add|give|follow|keep|ensure|must|should|need|have|answer|respond|reply|with|every|each|all)\w*\b"
)

parentheses = flag_rule(
    "format:parentheses",
    rx(
        r"\b(?:nest\w*\s+(?:\w+\s+)?(?:parenthes\w+|brackets)|(?:parenthes\w+|brackets)\s+nested)\b[^.\n]{0,80}?\blevels?\b"
    ),
)
quotes = flag_rule(
    "format:quotes",
    rx(
        r"\bquot\w*\s+(?:with)?in(?:side)?\s+quot\w*|\bnest\w*\s+(?:\w+\s+)?quot\w*[^.\n]{0,60}?\blevels?\b"
        r"|\bquot\w*\s+nested\b[^.\n]{0,40}?\blevels?\b"
    ),
)
newline = flag_rule(
    "format:newline",
    rx(
        r"\b(?:each|every)\s+(?:single\s+)?word\s+(?:(?:\w+\s+){0,3}?(?:appear|go|sit|be|is|placed|written)\w*\s+)?(?:on|in)\s+(?:a\s+)?(?:new|separate|its\s+own|own|different)\s+line"
        r"|\bone\s+word\s+(?:per|a|on\s+each)\s+line\b"
    ),
)
emoji = flag_rule(
    "format:emoji",
    rx(
        r"\bemojis?\b[^.\n]{0,40}?\b(?:end|close|finish)\w*\s+of\s+(?:each|every)\s+sentence"
        r"|\b(?:end|close|finish|conclude)\w*\s+(?:each|every|all)\s+(?:of\s+your\s+)?sentences?\s+with\s+an?\s+emoji"
        r"|\b(?:each|every)\s+sentence\b[^.\n]{0,30}?\b(?:end|close|finish)\w*\s+(?:with|in)\s+an?\s+emoji"
    ),
)
line_indent = flag_rule(
    "format:line_indent",
    rx(
        r"\bindent\w*\b[^.\n]{0,60}?\b(?:each|every)\s+(?:new\s+|next\s+|successive\s+)?line\b|\bstair(?:s|case)\b[^.\n]{0,40}?\bindent\w*|\bindent\w*\b[^.\n]{0,60}?\bstair"
    ),
)
quote_unquote = flag_rule(
    "format:quote_unquote", rx(r"\bquoted\s+(?:phrase|text|passage|words?)s?\b[^.\n]{0,60}?\bunquoted\b")
)
thesis = flag_rule("format:thesis", rx(r"\bthesis\s+statement\b[^.\n]{0,60}?\bitalic"))
sub_bullets = flag_rule("format:sub-bullets", rx(r"\bsub[\s-]?bullet"))
no_bullets_bullets = flag_rule(
    "format:no_bullets_bullets",
    rx(r"\bsentences?\b[^.\n]{0,60}?\bfollowed\s+by\b[^.\n]{0,40}?\bbullet"),
)
title_case = flag_rule(
    "format:title_case",
    rx(
        r"\btitle[\s-]case\b|\bcapitali[sz]e\s+the\s+first\s+letter\s+of\s+(?:every|each)\s+(?:major\s+|important\s+)?word"
    ),
    _ASK,
)
output_template = flag_rule(
    "format:output_template",
    rx(
        r"\b(?:use|follow|fill\s+in|stick\s+to)\s+(?:this|the\s+following|the\s+exact)\s+(?:exact\s+)?(?:output\s+)?template\b"
        r"(?=\s*:|[^.\n]{0,30}?\b(?:for|in)\s+(?:your|the)\s+(?:response|answer|reply|output)\b)"
    ),
)
no_whitespace = flag_rule(
    "format:no_whitespace",
    rx(
        r"(?:\bnot|\bnever|n't|\bno|\bwithout|\bzero)\s+(?:contain\w*\s+|include\w*\s+|use\s+|using\s+|have\s+|put\s+|leave\s+|add\s+|insert\s+)?(?:any\s+)?white[\s-]?spaces?\b"
        r"|\bwhite[\s-]?spaces?\s+(?:is|are)\s+(?:not\s+allowed|forbidden|banned)"
    ),
)

_OPTIONS = rx(
    r"\b(?:answer|respond|reply)\s+(?:only\s+)?(?:with|using)\s+(?:one\s+of\s+|exactly\s+one\s+of\s+)?(?:the\s+following|these)\s+options\s*:\s*"
)


def options(doc: Doc) -> Iterator[Hit]:
    """ "Answer with one of the following options: yes/no/maybe." -> the options as written."""
    text = doc.text
    for match in _OPTIONS.finditer(text):
        rest = text[match.end() :]
        end = re.search(r"\.(?=\s|$)|\n", rest)
        value = (rest[: end.start()] if end else rest).strip()
        if not value or re.search(r"my\s+answer\s+is", value, re.I):
            continue
        yield Hit("format:options", {"options": value}, (match.start(), match.end() + len(value)))
        return


_LIST_SEP = rx(
    r"\binstead\s+of\s+(?:using\s+)?bullet(?:\s+points)?,?\s+use\s+(?P<sep>\S+)"
    r"|\bseparat\w+\s+(?:the\s+)?(?:items\s+)?(?:by|with)\s+(?P<sep2>\S+)\s+instead\s+of\s+bullet"
)


def list_sep(doc: Doc) -> Iterator[Hit]:
    for segment, match in in_sentences(doc, _LIST_SEP):
        sep = match.group("sep") or match.group("sep2")
        sep = sep[:-1] if len(sep) > 1 and sep.endswith((".", ",")) else sep
        yield Hit("format:list", {"sep": sep.strip("'\"")}, span(segment, match))
        return


RULES = [
    parentheses,
    quotes,
    newline,
    emoji,
    line_indent,
    quote_unquote,
    thesis,
    sub_bullets,
    no_bullets_bullets,
    title_case,
    output_template,
    no_whitespace,
    options,
    list_sep,
]
