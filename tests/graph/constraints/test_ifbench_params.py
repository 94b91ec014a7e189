"""IFBench kwargs as its rows carry them, and the official build_description normalisation."""

from __future__ import annotations

from typing import Any

import pytest

from graph.constraints import build
from graph.errors import ConstraintParamError

# The shape of every IFBench row's kwargs: all keys present, the unused ones null, floats.
ROW_KEYS: tuple[str, ...] = (
    "N",
    "keyword",
    "keyword1",
    "keyword2",
    "keyword3",
    "keyword4",
    "keyword5",
    "m",
    "n",
)
ROW_KEYS += ("max_words", "min_words", "percentage", "reference_text", "small_n", "options")


def row(**given: Any) -> dict[str, Any]:
    return {key: None for key in ROW_KEYS} | given


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "response", "expected"),
    [
        ("count:numbers", row(N=2.0), "1 and 2", True),
        ("count:word_count_range", row(min_words=2.0, max_words=3.0), "one two", True),
        ("ratio:stop_words", row(percentage=50.0), "the cat", True),
        ("words:repeats", row(small_n=1.0), "go go", False),
        ("words:keywords_specific_position", row(keyword="tea", n=1, m=2), "I tea.", True),
    ],
)
def test_rows_load_as_ifbench_ships_them(
    constraint_id: str, kwargs: dict[str, Any], response: str, expected: bool
) -> None:
    constraint = build(constraint_id, kwargs)
    assert constraint.check(response).passed is expected
    assert None not in constraint.kwargs().values()


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "field"),
    [
        ("count:numbers", row(), "N"),
        ("count:numbers", {}, "N"),
        ("count:numbers", row(N=2.5), "N"),
        ("count:numbers", row(N=-1.0), "N"),
        ("count:word_count_range", row(min_words=5.0), "max_words"),
        ("count:word_count_range", row(min_words=5.0, max_words=4.0), "kwargs"),
        ("count:words_japanese", row(N=0.0), "N"),
        ("count:keywords_multiple", row(keyword1="a", keyword2="b", keyword3="c", keyword4="d"), "keyword5"),
        (
            "count:keywords_multiple",
            row(keyword1="  ", keyword2="b", keyword3="c", keyword4="d", keyword5="e"),
            "keyword1",
        ),
        ("ratio:overlap", row(percentage=10.0), "reference_text"),
        ("words:keywords_specific_position", row(keyword="tea", n=0, m=2), "n"),
        ("words:keywords_specific_position", row(keyword="tea", n=1), "m"),
        ("words:words_position", row(), "keyword"),
    ],
)
def test_a_missing_null_or_unusable_kwarg_is_an_error_naming_it(
    constraint_id: str, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ConstraintParamError) as err:
        build(constraint_id, kwargs)
    assert err.value.field == field
    assert constraint_id in err.value.message and field in err.value.message


def test_ifbench_keywords_lose_their_padding() -> None:
    kwargs = {
        "keyword1": " sun ",
        "keyword2": "moon\n",
        "keyword3": "star",
        "keyword4": "sky",
        "keyword5": "sea",
    }
    constraint = build("count:keywords_multiple", kwargs)
    assert constraint.kwargs()["keyword1"] == "sun"
    text = "sun " + "moon " * 2 + "star " * 3 + "sky " * 5 + "sea " * 7
    assert constraint.check(text).passed
    position = build("words:words_position", {"keyword": " tea "})
    assert position.check("I tea love tea too.").passed


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "response"),
    [
        # IFEval's own unit-test case (instructions_test.py): "  keyword " counts 3 here, not 0.
        (
            "keywords:frequency",
            {"keyword": "  keyword ", "frequency": 3, "relation": "at least"},
            "\n  keyword, Keyword, KEYWORD\n  ",
        ),
        # A padded keyword counts the bare word (3 here).
        (
            "keywords:frequency",
            {"keyword": " tea ", "frequency": 3, "relation": "at least"},
            "tea, tea and tea",
        ),
        ("detectable_content:postscript", {"postscript_marker": " P.S. "}, "Hi.\n\nP.S. bye"),
        (
            "detectable_format:multiple_sections",
            {"section_spliter": " Section ", "num_sections": 2},
            "Section 1\na\nSection 2\nb",
        ),
        ("startend:end_checker", {"end_phrase": " Any questions? "}, "Done. Any questions?"),
    ],
)
def test_ifeval_kwargs_are_normalised_as_build_description_does(
    constraint_id: str, kwargs: dict[str, Any], response: str
) -> None:
    constraint = build(constraint_id, kwargs)
    assert constraint.check(response).passed, constraint.check(response).detail
    padded = next(value for value in kwargs.values() if isinstance(value, str))
    assert padded.strip() in constraint.kwargs().values()
