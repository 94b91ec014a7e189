"""Constraint classes registered by their IFEval id; building a constraint from a spec."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from graph.constraints.base import Constraint
from graph.errors import ConstraintParamError, DuplicateConstraintError, UnknownConstraintError

_REGISTRY: dict[str, type[Constraint[Any]]] = {}
C = TypeVar("C", bound=type[Constraint[Any]])


def register(cls: C) -> C:
    """Class decorator: add a constraint to the catalogue under its id (once)."""
    if cls.id in _REGISTRY:
        raise DuplicateConstraintError(f"constraint id registered twice: {cls.id}", constraint_id=cls.id)
    _REGISTRY[cls.id] = cls
    return cls


def catalogue() -> dict[str, type[Constraint[Any]]]:
    """All registered constraint classes by id, in registration order."""
    return dict(_REGISTRY)


def constraint_class(constraint_id: str) -> type[Constraint[Any]]:
    try:
        return _REGISTRY[constraint_id]
    except KeyError:
        raise UnknownConstraintError(
            f"unknown constraint id '{constraint_id}'", constraint_id=constraint_id, field="id"
        ) from None


def build(constraint_id: str, kwargs: Mapping[str, Any] | None = None) -> Constraint[Any]:
    """Build one validated constraint; errors name the constraint and the field."""
    if not isinstance(constraint_id, str):
        raise UnknownConstraintError(f"constraint id must be a string, got {constraint_id!r}", field="id")
    if kwargs is not None and not isinstance(kwargs, Mapping):
        raise ConstraintParamError(
            f"{constraint_id}: kwargs must be an object", constraint_id=constraint_id, field="kwargs"
        )
    return constraint_class(constraint_id).from_kwargs(kwargs)
