"""The constraint catalogue as the API lists it: id, a worked description, kwargs schema, repair.

A description needs parameters (``describe()`` is per instance), so each entry is described with
the class's own ``example`` kwargs. Built once per process: the catalogue is fixed at import.
"""

from __future__ import annotations

from functools import cache

from graph.constraints import catalogue
from service.api.schemas import ConstraintInfo


@cache
def constraint_infos() -> tuple[ConstraintInfo, ...]:
    return tuple(
        ConstraintInfo(
            id=constraint_id,
            description=cls.from_kwargs(cls.example).describe(),
            example_kwargs=dict(cls.example),
            kwargs_schema=cls.kwargs_schema(),
            has_repair=bool(cls.has_repair),
        )
        for constraint_id, cls in catalogue().items()
    )
