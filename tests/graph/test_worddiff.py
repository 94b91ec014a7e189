"""Word diff: both texts rebuild exactly from it, edits are whole words, sizes are counted honestly."""

from __future__ import annotations

import itertools

import pytest

from graph.worddiff import changed_words, side, word_diff

CASES = [
    ("", "", [], 0),
    ("same text", "same text", [{"op": "equal", "text": "same text"}], 0),
    ("", "new words", [{"op": "insert", "text": "new words"}], 2),
    ("old words", "", [{"op": "delete", "text": "old words"}], 2),
    (
        "Tea is a Drink.",
        "tea is a drink.",
        [
            {"op": "delete", "text": "Tea "},
            {"op": "insert", "text": "tea "},
            {"op": "equal", "text": "is a "},
            {"op": "delete", "text": "Drink."},
            {"op": "insert", "text": "drink."},
        ],
        4,
    ),
    (
        "one two three",
        "one two three four",
        [
            {"op": "equal", "text": "one two "},
            {"op": "delete", "text": "three"},
            {"op": "insert", "text": "three four"},
        ],
        3,
    ),
    (
        "a\nb",
        "a\n\nb",
        [{"op": "delete", "text": "a\n"}, {"op": "insert", "text": "a\n\n"}, {"op": "equal", "text": "b"}],
        2,
    ),
]


@pytest.mark.parametrize(("before", "after", "expected", "words"), CASES)
def test_diff_table(before: str, after: str, expected: list[dict[str, str]], words: int):
    diff = word_diff(before, after)
    assert diff == expected
    assert side(diff, "before") == before
    assert side(diff, "after") == after
    assert changed_words(diff) == words


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("  leading space kept", "leading space kept  "),
        ("P.S. at the end\n\n***\nsection", "P.P.S. at the end\n***\nSection two"),
        ("émoji 🙂 and ünïcode", "emoji 🙂 and unicode text"),
    ],
)
def test_both_texts_rebuild_exactly(before: str, after: str):
    diff = word_diff(before, after)
    assert side(diff, "before") == before and side(diff, "after") == after
    ops = [seg["op"] for seg in diff]
    assert all(a != b for a, b in itertools.pairwise(ops)), "adjacent segments of one kind are merged"


def test_very_long_texts_fall_back_to_one_replacement():
    before = " ".join(f"w{i}" for i in range(30))
    after = before.replace("w15", "W15").replace("w3 ", "W3 ")
    assert len(word_diff(before, after)) == 7  # under the limit: two separate edits
    diff = word_diff(before, after, max_tokens=10)
    assert [seg["op"] for seg in diff] == ["equal", "delete", "insert", "equal"]
    assert side(diff, "before") == before and side(diff, "after") == after
    assert diff[0]["text"] == "w0 w1 w2 " and diff[-1]["text"].startswith("w16 ")
