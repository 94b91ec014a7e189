"""The unit of bulk work: one (instruction, response[, constraints]) row with its stable id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class BulkRecord:
    """One row to correct. ``constraints`` is ``None`` when they must be extracted from the text."""

    id: str
    instruction: str
    response: str
    constraints: list[dict[str, Any]] | None = None
    row: int = 0
    # The input row as read: results are written next to it, so the output keeps the context.
    fields: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for Ray workers and the collect queue."""
        return {
            "id": self.id,
            "instruction": self.instruction,
            "response": self.response,
            "constraints": self.constraints,
            "row": self.row,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BulkRecord:
        return cls(
            id=str(data["id"]),
            instruction=str(data["instruction"]),
            response=str(data["response"]),
            constraints=data.get("constraints"),
            row=int(data.get("row", 0)),
        )


@dataclass(frozen=True, slots=True)
class RowError:
    """A malformed input row: reported in the summary and the errors file, never silently dropped."""

    row: int
    message: str
    field: str | None = None
