"""Constraint specs in every spelling users have, read into ours: ``[{"id", "kwargs"}]``.

Accepted (also as a JSON string): ours (a list of ``{"id", "kwargs"}`` or ``{"constraints": [...]}``);
IFEval/IFBench rows (``instruction_id_list`` + ``kwargs``, null kwargs dropped); open-instruct's
``ground_truth`` (``[{'instruction_id': [...], 'kwargs': [...]}]`` as a Python literal or JSON);
NeMo Gym rows (the same fields at the top level or under ``verifier_metadata``). Anything else is
a :class:`ConstraintParamError` naming the part: a reward must never guess what a spec meant.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping, Sequence
from typing import Any

from graph.errors import ConstraintParamError

Spec = dict[str, Any]


def _decode(text: str) -> Any:
    """JSON first, then a Python literal (open-instruct writes ``str(list_of_dicts)``)."""
    stripped = text.strip()
    if not stripped:
        raise ConstraintParamError("the constraint spec is an empty string", field="ground_truth")
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise ConstraintParamError(
            "the constraint spec is neither JSON nor a Python literal", field="ground_truth"
        ) from None


def _kwargs(value: Any, where: str) -> dict[str, Any]:
    """One kwargs object with its nulls dropped (IFBench and Arrow pad unused names with null)."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = _decode(value)
    if not isinstance(value, Mapping):
        raise ConstraintParamError(f"{where} must be an object, got {type(value).__name__}", field=where)
    return {str(k): v for k, v in value.items() if v is not None}


def _parallel(ids: Any, kwargs: Any, id_field: str) -> list[Spec]:
    if isinstance(ids, str):
        ids = _decode(ids)
    if isinstance(kwargs, str):
        kwargs = _decode(kwargs)
    if not isinstance(ids, Sequence) or isinstance(ids, str | bytes):
        raise ConstraintParamError(f"{id_field} must be a list of constraint ids", field=id_field)
    kw = [None] * len(ids) if kwargs is None else kwargs
    if not isinstance(kw, Sequence) or isinstance(kw, str | bytes) or len(kw) != len(ids):
        raise ConstraintParamError(
            f"kwargs must be a list as long as {id_field} ({len(ids)})", field="kwargs"
        )
    specs = []
    for index, (cid, args) in enumerate(zip(ids, kw, strict=True)):
        if not isinstance(cid, str):
            raise ConstraintParamError(f"{id_field}[{index}] must be a string", field=f"{id_field}[{index}]")
        specs.append({"id": cid, "kwargs": _kwargs(args, f"kwargs[{index}]")})
    return specs


def _from_mapping(data: Mapping[str, Any]) -> list[Spec]:
    if "verifier_metadata" in data and data["verifier_metadata"] is not None:
        return parse_specs(data["verifier_metadata"])
    if "constraints" in data:
        return parse_specs(data["constraints"])
    if "instruction_id_list" in data:
        return _parallel(data["instruction_id_list"], data.get("kwargs"), "instruction_id_list")
    if "instruction_id" in data:  # open-instruct's ground_truth element
        return _parallel(data["instruction_id"], data.get("kwargs"), "instruction_id")
    if "id" in data:
        return [_ours(data, 0)]
    if "ground_truth" in data:
        return parse_specs(data["ground_truth"])
    raise ConstraintParamError(
        "a constraint spec needs instruction_id_list + kwargs, instruction_id + kwargs, "
        "verifier_metadata, constraints, or a list of {id, kwargs}",
        field="ground_truth",
    )


def _ours(item: Mapping[str, Any], index: int) -> Spec:
    cid = item.get("id")
    if not isinstance(cid, str):
        raise ConstraintParamError(
            f"constraints[{index}].id must be a string", field=f"constraints[{index}].id"
        )
    return {"id": cid, "kwargs": _kwargs(item.get("kwargs"), f"constraints[{index}].kwargs")}


def parse_specs(value: Any) -> list[Spec]:
    """Every supported spelling as ``[{"id", "kwargs"}]``, in order (repeated ids kept)."""
    if isinstance(value, str):
        value = _decode(value)
    if isinstance(value, Mapping):
        return _from_mapping(value)
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        items = list(value)
        if len(items) == 1 and isinstance(items[0], str):  # open-instruct: [json_string]
            return parse_specs(items[0])
        if items and all(isinstance(i, Mapping) and "id" not in i for i in items):
            return [spec for item in items for spec in _from_mapping(item)]
        specs = []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise ConstraintParamError(
                    f"constraints[{index}] must be an object", field=f"constraints[{index}]"
                )
            specs.append(_ours(item, index))
        return specs
    raise ConstraintParamError(
        f"unsupported constraint spec of type {type(value).__name__}", field="ground_truth"
    )
