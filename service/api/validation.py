"""Checks a request must pass before any work starts: configured limits and buildable constraints.

Errors name the field as the caller wrote it (``constraints[1].kwargs.num_words``), so a 422 points
at the exact place to fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BeforeValidator

from graph.constraints import Constraint, build
from graph.errors import ConstraintError
from service.api.errors import LimitExceededError
from service.api.schemas import ConstraintIn
from service.settings import Settings


def check_lengths(
    settings: Settings,
    *,
    instruction: str | None = None,
    response: str | None = None,
    constraints: Sequence[Any] | None = None,
) -> None:
    """Raise a 422 naming the first field over its configured limit."""
    if instruction is not None and len(instruction) > settings.max_instruction_chars:
        raise LimitExceededError(
            f"instruction has {len(instruction)} characters; the limit is {settings.max_instruction_chars}",
            field="instruction",
        )
    if response is not None and len(response) > settings.max_response_chars:
        raise LimitExceededError(
            f"response has {len(response)} characters; the limit is {settings.max_response_chars}",
            field="response",
        )
    if constraints is not None and len(constraints) > settings.max_constraints:
        raise LimitExceededError(
            f"{len(constraints)} constraints given; the limit is {settings.max_constraints}",
            field="constraints",
        )


_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    """Refuse a bare number: pydantic reads ``0.5`` as a unix time (1970), never what was meant."""
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        raise ValueError("must be an ISO 8601 time such as 2026-01-31T12:00:00Z, not a number")
    return value


# A time in a query: ISO 8601 only (naive = UTC); unix timestamps are refused, not guessed.
IsoTime = Annotated[datetime | None, BeforeValidator(_iso_only)]


def _field_path(index: int, field: str | None) -> str:
    prefix = f"constraints[{index}]"
    if not field:
        return prefix
    if field in ("id", "kwargs") or field.startswith("kwargs."):
        return f"{prefix}.{field}"
    return f"{prefix}.kwargs.{field}"


@lru_cache(maxsize=8192)
def _build_cached(constraint_id: str, kwargs_json: str) -> Constraint[Any]:
    return build(constraint_id, json.loads(kwargs_json))


def build_one(constraint_id: str, kwargs: dict[str, Any]) -> Constraint[Any]:
    """One constraint, validated once per distinct spec: traffic repeats specs, and a constraint is
    immutable (frozen params, pure checks), so one instance serves every request that names it.
    Errors are never cached (an exception leaves no entry)."""
    try:
        key = json.dumps(kwargs, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return build(constraint_id, kwargs)
    return _build_cached(constraint_id, key)


def build_constraints(specs: Sequence[ConstraintIn]) -> list[Constraint[Any]]:
    """Build every constraint; the error keeps its class and gets the request's field path."""
    built = []
    for index, spec in enumerate(specs):
        try:
            built.append(build_one(spec.id, spec.kwargs))
        except ConstraintError as exc:
            renamed = type(exc)(
                exc.message, constraint_id=exc.constraint_id, field=_field_path(index, exc.field)
            )
            raise renamed from exc
    return built
