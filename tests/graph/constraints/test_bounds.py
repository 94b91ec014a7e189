"""Every kwarg of every constraint is bounded and integers are strict, by one mechanism in base."""

from __future__ import annotations

from typing import Any

import pytest

from graph.constraints import build, catalogue
from graph.constraints.bounds import MAX_COUNT, MAX_ITEMS, MAX_TEXT_CHARS
from graph.errors import ConstraintParamError

PLACEHOLDERS = "detectable_content:number_placeholders"


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "field", "words"),
    [
        (PLACEHOLDERS, {"num_placeholders": 10_000_000}, "num_placeholders", "between"),
        (PLACEHOLDERS, {"num_placeholders": True}, "num_placeholders", "not a boolean"),
        (PLACEHOLDERS, {"num_placeholders": "5"}, "num_placeholders", "not a string"),
        (PLACEHOLDERS, {"num_placeholders": 5.5}, "num_placeholders", "fractional"),
        ("keywords:existence", {"keywords": ["tea"] * (MAX_ITEMS + 1)}, "keywords", "items"),
        ("keywords:existence", {"keywords": ["x" * (MAX_TEXT_CHARS + 1)]}, "keywords.0", "characters"),
        (
            "length_constraints:number_words",
            {"relation": "at least", "num_words": MAX_COUNT + 1},
            "num_words",
            "between",
        ),
    ],
)
def test_out_of_bounds_kwargs_are_refused_by_name(
    constraint_id: str, kwargs: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ConstraintParamError) as caught:
        build(constraint_id, kwargs)
    assert caught.value.field == field
    assert words in caught.value.message


def test_integral_floats_are_integers_as_ifbench_rows_carry_them() -> None:
    built = build("length_constraints:number_words", {"relation": "at least", "num_words": 5.0})
    assert built.kwargs()["num_words"] == 5
    assert isinstance(built.kwargs()["num_words"], int)


def test_a_repair_never_builds_more_than_the_response_limit() -> None:
    built = build(PLACEHOLDERS, {"num_placeholders": MAX_COUNT})
    assert built.repair("A short answer.") is None
    assert build(PLACEHOLDERS, {"num_placeholders": 2}).repair("A short answer.") is not None


@pytest.mark.parametrize("constraint_id", sorted(catalogue()))
def test_every_schema_states_the_bounds(constraint_id: str) -> None:
    """Each integer, array and free string of every constraint (plugins included) is bounded."""
    schema = catalogue()[constraint_id].kwargs_schema()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("integer", "number"):
                assert node["maximum"] <= MAX_COUNT and node["minimum"] >= -MAX_COUNT
            if node.get("type") == "array":
                assert node["maxItems"] <= MAX_ITEMS
            if node.get("type") == "string" and "enum" not in node and "const" not in node:
                assert node["maxLength"] <= MAX_TEXT_CHARS
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
