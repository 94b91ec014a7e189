"""What processing one record produces: a result row for the output, or a classified error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.errors import ConstraintError, ExtractionError, FollowfixError, InputFormatError
from graph.result import CorrectionResult

# Errors that a rerun would hit again: the record itself is unusable as given.
PERMANENT = (ConstraintError, InputFormatError, ExtractionError)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Exactly one of ``result`` and ``error`` is set."""

    record_id: str
    result: CorrectionResult | None = None
    error: str | None = None
    error_code: str | None = None
    retryable: bool = False

    @classmethod
    def failed(cls, record_id: str, exc: FollowfixError) -> Outcome:
        return cls(
            record_id,
            error=str(exc) or type(exc).__name__,
            error_code=type(exc).__name__,
            retryable=not isinstance(exc, PERMANENT),
        )

    @classmethod
    def crashed(cls, record_id: str, exc: Exception) -> Outcome:
        """An unexpected exception: permanent (a rerun would raise it again), with its type as code."""
        return cls(record_id, error=f"{type(exc).__name__}: {exc}", error_code=type(exc).__name__)

    def row(self, fields: dict[str, Any] | None = None) -> dict[str, Any]:
        """The output line: the record id first, the input row's fields, then ``result`` (or ``error``)."""
        line: dict[str, Any] = {"record_id": self.record_id, **(fields or {})}
        if self.result is None:
            line["error"] = {"code": self.error_code, "message": self.error}
        else:
            line["result"] = self.result.model_dump(mode="json")
        return line
