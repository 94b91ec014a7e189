"""Every kwarg of every constraint is bounded and integers are strict, by one mechanism in base."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel

from graph.constraints import build, catalogue
from graph.constraints.bounds import MAX_COUNT, MAX_ITEMS, MAX_TEXT_CHARS, bounded_kwargs
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


class _PluginParams(BaseModel):
    """Kwargs as a plugin might declare them: a ratio, an optional count, a list of counts."""

    ratio: float = 0.5
    count: int | None = None
    counts: list[int] = []
    label: str | Literal[1] = "x"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ratio": True}, "ratio"),
        ({"ratio": "0.5"}, "ratio"),
        ({"ratio": float("inf")}, "ratio"),
        ({"count": False}, "count"),
        ({"counts": [1, "2"]}, "counts.1"),
        ({"counts": [1] * (MAX_ITEMS + 1)}, "counts"),
    ],
)
def test_any_params_model_is_bounded(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConstraintParamError) as caught:
        bounded_kwargs(_PluginParams, kwargs, "plugin:example")
    assert caught.value.field == field


def test_bounded_kwargs_keep_what_is_fine() -> None:
    fine = {"ratio": 1, "count": 3.0, "counts": [2.0, 3], "label": "y"}
    assert bounded_kwargs(_PluginParams, fine, "plugin:example") == {
        "ratio": 1,
        "count": 3,
        "counts": [2, 3],
        "label": "y",
    }
