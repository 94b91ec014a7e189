"""What an extractor returns: one constraint spec, validated, with where it came from."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from graph.constraints import build

Source = Literal["rule", "llm"]


class ExtractedConstraint(BaseModel):
    """A constraint found in an instruction: catalogue id, validated kwargs, span and source.

    Build it through :meth:`validated` so kwargs always pass the catalogue's own parameter model;
    ``span`` indexes the instruction text (``instruction[span[0]:span[1]]`` is the evidence).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    kwargs: dict[str, Any] = Field(default_factory=dict)
    span: tuple[int, int]
    source: Source

    @classmethod
    def validated(
        cls, constraint_id: str, kwargs: dict[str, Any], span: tuple[int, int], source: Source
    ) -> ExtractedConstraint:
        """Validate through ``graph.constraints.build``; raises ConstraintError when invalid."""
        constraint = build(constraint_id, kwargs)
        return cls(id=constraint_id, kwargs=constraint.kwargs(), span=span, source=source)

    def key(self) -> tuple[str, str]:
        """Identity for de-duplication: the id and its kwargs, order-independent."""
        return self.id, repr(sorted(self.kwargs.items()))
