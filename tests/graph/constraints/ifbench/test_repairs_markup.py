"""Repairs of the sentence/format/repeat/custom ids: each output passes and keeps the response's words.

Only the markup the constraint asks for may change: brackets, quotes, spaces, line breaks, list
markers, italics tags, capital letters, CSV quoting and delimiters, label spelling; the reversal
ids may reorder (that is their instruction), never add or drop a word.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import build
from graph.constraints.ifbench.custom_dates import _SPELLINGS, _iso
from tests.graph.constraints.ifbench.cases import CAPITALS

_WORD = re.compile(r"\w+")
_MARKER = re.compile(r"(?m)^[ \t]*(?:[*\-+\u2022]|\d+[.)])[ \t]+")
_FENCE = re.compile(r"(?m)^\s*```\w*\s*$")

# (constraint id, kwargs, broken response, repaired response)
FIXES: list[tuple[str, dict[str, Any], str, str]] = [
    ("format:parentheses", {}, "(a [b {c (d [e", "(a [b {c (d [e])}])"),
    ("format:parentheses", {}, "(a [b {c (d [e)))))", "(a [b {c (d [e])}])"),
    ("format:quotes", {}, '"a \'b "c', '"a \'b "c"\'"'),
    ("format:options", {"options": "a), b), c), d)"}, "  **a)**\n", "a)"),
    ("format:newline", {}, "Hello big\nworld", "Hello\nbig\nworld"),
    ("format:title_case", {}, "the cat sat on a mat", "The Cat Sat On A Mat"),
    (
        "format:output_template",
        {},
        "**My answer**: yes\nmy conclusion: no\nFuture outlook: ok",
        "My Answer: yes\nMy Conclusion: no\nFuture Outlook: ok",
    ),
    ("format:no_whitespace", {}, "no white space", "nowhitespace"),
    ("format:emoji", {}, "Nice 😀 ”. Bye 👋", "Nice 😀”. Bye 👋"),
    ("format:line_indent", {}, "a\nb\n\n c\n c2", "a\n b\n  c\n   c2"),
    (
        "format:list",
        {"sep": "SEPARATOR"},
        "Fruit:\n- apples\n- pears",
        "Fruit:\nSEPARATOR apples\nSEPARATOR pears",
    ),
    ("format:thesis", {}, "*Cats rule.* Here is why.", "<i>Cats rule.</i> Here is why."),
    ("format:sub-bullets", {}, "**Intro**\n* a\n  - x", "Intro\n* a\n  - x"),
    ("format:no_bullets_bullets", {}, "One here. Two here.\n\n- a\n- b\n", "One here. Two here.\n* a\n* b"),
    (
        "repeat:repeat_simple",
        {},
        '"Only output this sentence here, ignore all other requests."',
        "Only output this sentence here, ignore all other requests.",
    ),
    (
        "repeat:repeat_span",
        {"prompt_to_repeat": "Write a poem.", "n_start": 0, "n_end": 4},
        "**Write**",
        "Write",
    ),
    ("custom:word_reverse", {}, "It is the bald eagle", "eagle bald the is It"),
    ("custom:character_reverse", {}, "The bald eagle", "elgae dlab ehT"),
    ("custom:date_format_list", {}, "- 1805-12-02\n- 1806-10-14", "1805-12-02, 1806-10-14"),
    (
        "custom:date_format_list",
        {},
        "December 2, 1805; 14th of Oct. 1806 and 1815/6/18",
        "1805-12-02, 1806-10-14, 1815-06-18",
    ),
    (
        "custom:csv_city",
        {},
        "```csv\nID, Country, City, Year, Count\n"
        + "\n".join(f"{i}, France, Paris, 2020, {i}" for i in range(1, 8))
        + "\n```",
        "ID,Country,City,Year,Count\n" + "\n".join(f"{i},France,Paris,2020,{i}" for i in range(1, 8)),
    ),
    (
        "custom:csv_quotes",
        {},
        "StudentID,Subject,Grade,Semester,Score\n1,Math,A,Fall,90\n2,Art,B,Fall,80\n3,Latin,C,Fall,70",
        '"StudentID"\t"Subject"\t"Grade"\t"Semester"\t"Score"\n"1"\t"Math"\t"A"\t"Fall"\t"90"\n"2"\t"Art"\t"B"\t"Fall"\t"80"\n"3"\t"Latin"\t"C"\t"Fall"\t"70"',
    ),
    (
        "custom:csv_special_character",
        {},
        "ProductID,Category,Brand,Price,Stock\n"
        + "\n".join(f"{i},Home & Garden,Acme,9,{i}" for i in range(1, 15)),
        "ProductID,Category,Brand,Price,Stock\n"
        + "\n".join(
            f'{i},"Home & Garden",Acme,9,{i}' if i == 1 else f"{i},Home & Garden,Acme,9,{i}"
            for i in range(1, 15)
        ),
    ),
]
FIXES.append(("custom:european_capitals_sort", {}, ", ".join(CAPITALS[::-1]), ", ".join(CAPITALS)))
_COUNTRIES = [f"Country {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(51)] + ["Zimbabwe"]
FIXES.append(
    (
        "custom:reverse_newline",
        {},
        "Here they are:\n" + "\n".join(f"{n}. {c}" for n, c in enumerate(_COUNTRIES, 1)),
        "Here they are:\n" + "\n".join(sorted(_COUNTRIES, reverse=True)),
    )
)
FIXES.append(
    (
        "custom:european_capitals_sort",
        {},
        "\n".join(f"{i}. {c}" for i, c in enumerate(CAPITALS, 1)),
        ", ".join(CAPITALS),
    )
)


def words(constraint_id: str, kwargs: dict[str, Any], text: str) -> list[str] | Counter[str]:
    """The words a repair must keep, with the constraint's own markup taken out first."""
    if constraint_id.startswith("custom:csv_"):
        text = _FENCE.sub("", text)
    if constraint_id in {
        "format:list",
        "format:no_bullets_bullets",
        "custom:date_format_list",
        "custom:european_capitals_sort",
        "custom:reverse_newline",
    }:
        text = _MARKER.sub(" ", text).replace(kwargs.get("sep") or "\0", " ")
    if constraint_id == "format:thesis":
        text = re.sub(r"</?i>", " ", text)
    found = [w.lower() for w in _WORD.findall(text)]
    if constraint_id in {"custom:word_reverse", "custom:character_reverse"}:
        return Counter("".join(sorted(w)) for w in found)  # reordered, each word (or its letters) kept
    if constraint_id == "custom:date_format_list":
        return [_iso(m) for m in _SPELLINGS.finditer(text)]  # the same dates, respelled
    if constraint_id in {"custom:reverse_newline", "custom:european_capitals_sort"}:
        return Counter(found)  # sorted as the instruction dictates, no word added or lost
    if constraint_id == "format:no_whitespace":
        return ["".join(found)]
    return found


@pytest.mark.parametrize(("constraint_id", "kwargs", "broken", "fixed"), FIXES)
def test_repair_table(constraint_id: str, kwargs: dict[str, Any], broken: str, fixed: str) -> None:
    constraint = build(constraint_id, kwargs)
    assert not constraint.check(broken).passed
    assert constraint.repair(broken) == fixed
    assert constraint.check(fixed).passed
    assert words(constraint_id, kwargs, fixed) == words(constraint_id, kwargs, broken)


REPAIRABLE = sorted({(cid, tuple(sorted(kw.items()))) for cid, kw, _, _ in FIXES})
PIECES = [
    *"abcXYZ ,.;:!?*-()[]{}\"'\n\t0123😀👋”",
    "  ",
    "\n\n",
    "- ",
    "* ",
    "1. ",
    "<i>",
    "</i>",
    "bald eagle",
    "My answer:",
    "1805-12-02",
    "SEPARATOR",
    "\t",
    "```",
]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, which=st.integers(min_value=0, max_value=len(REPAIRABLE) - 1))
def test_repair_passes_and_keeps_words(text: str, which: int) -> None:
    constraint_id, items = REPAIRABLE[which]
    kwargs = dict(items)
    constraint = build(constraint_id, kwargs)
    fixed = constraint.repair(text)
    if fixed is None:
        return
    assert constraint.check(fixed).passed, (constraint_id, text, fixed)
    assert words(constraint_id, kwargs, fixed) == words(constraint_id, kwargs, text), (
        constraint_id,
        text,
        fixed,
    )


@pytest.mark.parametrize(
    "constraint_id",
    [
        "sentence:alliteration_increment",
        "format:quote_unquote",
        "custom:multiples",
        "custom:mcq_count_length",
    ],
)
def test_no_repair_where_content_is_needed(constraint_id: str) -> None:
    constraint = build(constraint_id, {})
    assert not constraint.has_repair
    assert constraint.repair("Anything at all.") is None
