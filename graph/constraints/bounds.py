"""Bounds on every kwarg of every constraint, applied in one place (``Constraint.from_kwargs``).

Parameter models say what a kwarg means; this module says how big any kwarg may be, so a
constraint written tomorrow (IFBench's, a plugin's) is bounded without a line of its own:

- an integer (or a float) lies in ``[-MAX_COUNT, MAX_COUNT]``. Counts are of words, sentences,
  placeholders, letters... of a response; each takes at least one character and the API's
  default response limit is 100,000 characters (``FOLLOWFIX_MAX_RESPONSE_CHARS``), so a larger
  count can never be met (or is met by every response). It also bounds what a repair builds;
- a list holds at most ``MAX_ITEMS`` items (IFEval and IFBench use at most 12);
- a string holds at most ``MAX_TEXT_CHARS`` characters: a text kwarg is quoted from the
  instruction (``prompt_to_repeat`` is a whole prompt), limited to 20,000 characters by the API.

Numbers are strict: ``true`` and ``"5"`` are refused where the model wants an integer or a float
(pydantic would take them as 1 and 5); an integral float (``5.0``, as IFBench's rows carry) is
taken as 5 where an integer is wanted.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from graph.errors import ConstraintParamError

MAX_COUNT = 100_000
MAX_ITEMS = 100
MAX_TEXT_CHARS = 20_000


def _leaves(annotation: Any) -> set[Any]:
    """The plain types an annotation accepts at its top level (unions and Annotated unwrapped)."""
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return set().union(*(_leaves(arg) for arg in get_args(annotation)))
    if origin is Literal:
        return {type(arg) for arg in get_args(annotation)}
    if hasattr(annotation, "__metadata__"):  # Annotated[T, ...]
        return _leaves(get_args(annotation)[0])
    return {origin or annotation}


def _items_annotation(annotation: Any) -> Any:
    """The item annotation of ``list[T]`` (or of the list inside a union / Annotated), else Any."""
    if hasattr(annotation, "__metadata__"):
        return _items_annotation(get_args(annotation)[0])
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        args = get_args(annotation)
        return args[0] if args else Any
    if origin is Union or origin is types.UnionType:
        for arg in get_args(annotation):
            found = _items_annotation(arg)
            if found is not Any:
                return found
    return Any


def _bounded(value: Any, annotation: Any, field: str, constraint_id: str) -> Any:
    """``value`` checked against the bounds (and strict integers), integral floats made ints."""

    def fail(message: str) -> ConstraintParamError:
        return ConstraintParamError(
            f"{constraint_id}: kwarg '{field}': {message}", constraint_id=constraint_id, field=field
        )

    leaves = _leaves(annotation) if annotation is not Any else {Any}
    wants_int = int in leaves and Any not in leaves
    wants_number = (wants_int or float in leaves) and Any not in leaves
    kind = "an integer" if wants_int and float not in leaves else "a number"
    if isinstance(value, bool):
        if wants_number and bool not in leaves:
            raise fail(f"must be {kind}, not a boolean")
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise fail("must be a finite number")
        if abs(value) > MAX_COUNT:
            raise fail(f"must be between {-MAX_COUNT} and {MAX_COUNT}")
        if isinstance(value, float) and wants_int and float not in leaves and value.is_integer():
            return int(value)
        return value
    if isinstance(value, str):
        if wants_number and str not in leaves:
            raise fail(f"must be {kind}, not a string")
        if len(value) > MAX_TEXT_CHARS:
            raise fail(f"has {len(value)} characters; at most {MAX_TEXT_CHARS} are allowed")
        return value
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            raise fail(f"has {len(value)} items; at most {MAX_ITEMS} are allowed")
        item = _items_annotation(annotation) if annotation is not Any else Any
        return [_bounded(v, item, f"{field}.{i}", constraint_id) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        if len(value) > MAX_ITEMS:
            raise fail(f"has {len(value)} entries; at most {MAX_ITEMS} are allowed")
        return {k: _bounded(v, Any, f"{field}.{k}", constraint_id) for k, v in value.items()}
    return value


def bounded_kwargs(model: type[BaseModel], kwargs: Mapping[str, Any], constraint_id: str) -> dict[str, Any]:
    """The kwargs within bounds (a new dict), or a :class:`ConstraintParamError` naming the kwarg."""
    fields = model.model_fields
    return {
        name: _bounded(value, fields[name].annotation if name in fields else Any, name, constraint_id)
        for name, value in kwargs.items()
    }


def bounded_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema with the bounds written in (``maximum``, ``maxItems``, ``maxLength``)."""
    schema = model.model_json_schema()
    _annotate(schema)
    return schema


def _annotate(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _annotate(item)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind in ("integer", "number"):
        node["maximum"] = min(node.get("maximum", MAX_COUNT), MAX_COUNT)
        node["minimum"] = max(node.get("minimum", -MAX_COUNT), -MAX_COUNT)
    elif kind == "array":
        node["maxItems"] = min(node.get("maxItems", MAX_ITEMS), MAX_ITEMS)
    elif kind == "string" and "enum" not in node and "const" not in node:
        node["maxLength"] = min(node.get("maxLength", MAX_TEXT_CHARS), MAX_TEXT_CHARS)
    for key, value in node.items():
        if key not in ("enum", "const", "default", "examples"):
            _annotate(value)
