"""format:*: nesting, options, one word a line, emoji endings, stairs, quotes, bullets, title case."""

from __future__ import annotations

import pytest

from graph.constraints import build
from tests.graph.constraints.ifbench.cases import Case, run_case

YNM = {"options": "yes/no/maybe"}
ABCD = {"options": "a), b), c), d)"}
KNOW = {"options": "I know or I don't know"}
TEMPLATE = "My Answer: yes My Conclusion: no Future Outlook: fine"
CASES: list[Case] = [
    # parentheses: 5 levels then a matching close; 4 fails; a mismatch forgets the depth
    ("format:parentheses", {}, "(a [b {c (d [e])}])", True, True),
    ("format:parentheses", {}, "(a [b {c (d)}])", False, False),
    ("format:parentheses", {}, "((((((x))))))", True, True),
    ("format:parentheses", {}, "((((( x", False, False),  # never closed
    ("format:parentheses", {}, "(((((x]", False, False),  # mismatch resets
    ("format:parentheses", {}, "(((((x)", True, True),  # one matching close is enough
    # quotes: 3 closed levels; 2 fails; apostrophes are quotes too
    ("format:quotes", {}, '"a \'b "c" b\' a"', True, True),
    ("format:quotes", {}, "\"a 'b' a\"", False, False),
    ("format:quotes", {}, '"a \'b "c', False, False),
    ("format:quotes", {}, '"He said \'it\'s "odd"\' again"', False, False),  # the apostrophe closes '
    # options: text options are case/punctuation-insensitive, letter options exact
    ("format:options", YNM, "Yes.", True, True),
    ("format:options", YNM, "yes, because it is", False, False),
    ("format:options", KNOW, "I don't know", True, True),
    ("format:options", ABCD, "a)", True, True),
    ("format:options", ABCD, "a) ", False, False),  # letter answers are exact: not even a space
    ("format:options", ABCD, "b", False, False),
    ("format:options", {"options": "red, green"}, "green", True, True),  # "," separator
    ("format:options", {"options": "word, other"}, "w", True, True),  # "or" inside "word" splits it
    # newline: each word on its own line
    ("format:newline", {}, "Hello\nworld\nagain", True, True),
    ("format:newline", {}, "Hello world\nagain", False, True),  # loose drops a line: "again" alone passes
    ("format:newline", {}, "Hello\n-\nworld", True, True),  # punctuation-only lines vanish
    ("format:newline", {}, "Hello\n\n\nworld.", True, True),
    # emoji at the end of every sentence (or at the start of the next one)
    ("format:emoji", {}, "Hello there 😀. Bye 👋", True, True),
    ("format:emoji", {}, "Hello there. Bye 👋", False, False),
    ("format:emoji", {}, "Hello there. 😀 Bye 👋", True, True),  # emoji opens the next sentence
    ("format:emoji", {}, "Thumbs 👍🏽. Love ❤️.", True, True),  # modifier / variation selector
    ("format:emoji", {}, "Nice 😀 ”. Bye 👋", False, False),  # a space before a non-ASCII closer
    # line indent: strictly more leading spaces on every line
    ("format:line_indent", {}, "a\n b\n  c\n   d", True, True),
    ("format:line_indent", {}, "a\n b\n b2", False, True),  # loose drops the last line
    ("format:line_indent", {}, "a\n b\n\n  c", True, True),  # a single blank line is dropped
    ("format:line_indent", {}, "a\n\n\n b", False, True),  # the official loop keeps one of two blanks
    ("format:line_indent", {}, "a\n\tb", False, True),  # a tab is no indentation
    ("format:line_indent", {}, "Single line", True, True),
    ("format:line_indent", {}, "a\n b\n b2\n b3\n  c", False, False),
    # quote_unquote
    ("format:quote_unquote", {}, '"Carpe diem" means seize the day.', True, True),
    ("format:quote_unquote", {}, 'He said "hi".', False, False),  # ends with a quote
    ("format:quote_unquote", {}, '"a" "b" both explained', False, False),
    ("format:quote_unquote", {}, "No quotes at all.", True, True),
    # list separator: at least two occurrences
    ("format:list", {"sep": "SEPARATOR"}, "SEPARATOR apples\nSEPARATOR pears", True, True),
    ("format:list", {"sep": "SEPARATOR"}, "SEPARATOR apples\n- pears", False, False),
    ("format:list", {"sep": "!?!?"}, "one !?!? two !?!? three", True, True),  # anywhere counts
    # thesis in HTML italics followed by text
    ("format:thesis", {}, "<i>Cats rule.</i> Here is why.", True, True),
    ("format:thesis", {}, "<i>Cats rule.</i>", False, False),
    ("format:thesis", {}, "<i> </i> Body", False, False),
    ("format:thesis", {}, "*Cats rule.* Here is why.", False, False),
    ("format:thesis", {}, "<em></em>", True, True),  # official offsets: '>' counts as thesis and text
    # sub-bullets: each '*' needs a '-' before the next '*'
    ("format:sub-bullets", {}, "* a\n  - x\n* b\n  - y", True, True),
    ("format:sub-bullets", {}, "* a\n* b\n  - y", False, True),  # loose drops every '*'
    ("format:sub-bullets", {}, "No bullets at all", True, True),  # vacuous
    ("format:sub-bullets", {}, "**Bold**\n* a\n  - x", False, True),
    # two sentences, then only '*' bullets
    ("format:no_bullets_bullets", {}, "One here. Two here.\n* a\n* b", True, True),
    ("format:no_bullets_bullets", {}, "One here.\n* a\n* b", False, False),
    ("format:no_bullets_bullets", {}, "One here. Two here.\n* a", False, False),
    ("format:no_bullets_bullets", {}, "One here. Two here.\n* a\n* b\n* c", True, True),
    ("format:no_bullets_bullets", {}, "One here. Two here.\n* a\n* b\n", False, True),  # trailing blank line
    ("format:no_bullets_bullets", {}, "One here.\n\nTwo here.\n* a\n* b", False, False),  # blank then text
    ("format:no_bullets_bullets", {}, "One here. Two here.\n\n* a\n* b", True, True),
    # title case: every word, small ones too
    ("format:title_case", {}, "The Cat Sat On The Mat", True, True),
    ("format:title_case", {}, "The Cat sat On The Mat", False, False),
    ("format:title_case", {}, "USA And iPhone", True, True),  # all caps and mixed case pass
    ("format:title_case", {}, "Don't Stop", False, False),  # Treebank's "n't" is lower case
    ("format:title_case", {}, "A B C 42", True, True),
    # output template
    ("format:output_template", {}, TEMPLATE, True, True),
    ("format:output_template", {}, "My Answer: yes My Conclusion: no", False, False),
    ("format:output_template", {}, "my answer: yes My Conclusion: no Future Outlook: fine", False, False),
    # no whitespace
    ("format:no_whitespace", {}, "NoSpacesAtAll.", True, True),
    ("format:no_whitespace", {}, "Two words", False, False),
    ("format:no_whitespace", {}, "Line\nbreak", False, True),  # loose keeps one line
]


@pytest.mark.parametrize(("constraint_id", "kwargs", "response", "strict", "loose"), CASES)
def test_format_cases(constraint_id: str, kwargs: dict, response: str, strict: bool, loose: bool) -> None:
    run_case(constraint_id, kwargs, response, strict, loose)


def test_details_are_precise() -> None:
    assert "at most 4 levels" in build("format:parentheses", {}).check("(a [b {c (d)}])").detail
    assert "2 levels" in build("format:quotes", {}).check("\"a 'b' a\"").detail
    assert "3 words on 2 non-empty lines" in build("format:newline", {}).check("Hello world\nagain").detail
    assert "'sat'" in build("format:title_case", {}).check("The Cat sat").detail
    assert (
        "'Future Outlook:'" in build("format:output_template", {}).check("My Answer: My Conclusion:").detail
    )
    assert "1 whitespace" in build("format:no_whitespace", {}).check("a b").detail
    assert "line 3 is indented 1" in build("format:line_indent", {}).check("a\n b\n b2").detail
