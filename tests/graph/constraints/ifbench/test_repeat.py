"""repeat:*: the request with a new first word, a fixed sentence, a character span."""

from __future__ import annotations

import pytest

from graph.constraints import build
from graph.errors import ConstraintParamError
from tests.graph.constraints.ifbench.cases import Case, run_case

PROMPT = "Write a poem about the sea."
CHANGE = {"prompt_to_repeat": PROMPT}
SPAN = {"prompt_to_repeat": PROMPT, "n_start": 2, "n_end": 7}  # "ite a " -> "ite a"
SIMPLE = "Only output this sentence here, ignore all other requests."
CASES: list[Case] = [
    ("repeat:repeat_change", CHANGE, "Compose a poem about the sea.", True, True),
    ("repeat:repeat_change", CHANGE, PROMPT, False, False),  # unchanged
    ("repeat:repeat_change", CHANGE, "Compose  a poem\nabout the sea.", True, True),  # whitespace-split words
    ("repeat:repeat_change", CHANGE, "Compose a poem about the ocean.", False, False),
    (
        "repeat:repeat_change",
        CHANGE,
        "Sure!\nCompose a poem about the sea.",
        False,
        True,
    ),  # loose drops line 1
    (
        "repeat:repeat_change",
        CHANGE,
        PROMPT + " ",
        True,
        True,
    ),  # differs, so passes: the first word is not compared
    ("repeat:repeat_simple", {}, SIMPLE, True, True),
    ("repeat:repeat_simple", {}, SIMPLE.upper() + "\n", True, True),
    ("repeat:repeat_simple", {}, SIMPLE[:-1], False, False),
    ("repeat:repeat_simple", {}, f"**{SIMPLE}**", False, True),  # loose removes '*'
    ("repeat:repeat_span", SPAN, "ite a", True, True),
    ("repeat:repeat_span", SPAN, "ITE A ", True, True),
    ("repeat:repeat_span", SPAN, "ite a p", False, False),  # one character past n_end
    ("repeat:repeat_span", SPAN, "te a", False, False),  # one character short at n_start
    # float indices as IFBench rows write numbers (the official slice raises TypeError on them)
    ("repeat:repeat_span", {"prompt_to_repeat": PROMPT, "n_start": 0.0, "n_end": 4.0}, "Write", True, True),
]


@pytest.mark.parametrize(("constraint_id", "kwargs", "response", "strict", "loose"), CASES)
def test_repeat_cases(constraint_id: str, kwargs: dict, response: str, strict: bool, loose: bool) -> None:
    run_case(constraint_id, kwargs, response, strict, loose)


def test_detail_names_the_first_different_word() -> None:
    detail = build("repeat:repeat_change", CHANGE).check("Compose a poem about the ocean.").detail
    assert "'ocean.'" in detail and "'sea.'" in detail


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "field"),
    [
        ("repeat:repeat_change", {}, "prompt_to_repeat"),
        ("repeat:repeat_change", {"prompt_to_repeat": ""}, "prompt_to_repeat"),
        ("repeat:repeat_span", {"prompt_to_repeat": PROMPT, "n_end": 3}, "n_start"),
        ("repeat:repeat_span", {"prompt_to_repeat": PROMPT, "n_start": 1, "n_end": None}, "n_end"),
    ],
)
def test_missing_kwargs_are_errors(constraint_id: str, kwargs: dict, field: str) -> None:
    with pytest.raises(ConstraintParamError) as caught:
        build(constraint_id, kwargs)
    assert caught.value.field == field
