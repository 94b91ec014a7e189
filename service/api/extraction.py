"""Running an extractor for a request: which one, with which teacher, and the errors it may raise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.api.errors import InvalidRequestError

if TYPE_CHECKING:
    from graph.extract.model import ExtractedConstraint
    from graph.teacher import Teacher


async def run_extractor(
    instruction: str, extractor: str, *, teacher: Teacher | None, field: str = "extractor"
) -> list[ExtractedConstraint]:
    """Rules need nothing; ``llm`` and ``hybrid`` need a teacher (422 naming ``field`` without one)."""
    from graph.extract import aextract

    if extractor != "rules" and teacher is None:
        raise InvalidRequestError(
            f"extractor {extractor!r} needs a teacher LLM and none is configured on this server",
            field=field,
        )
    return list(await aextract(instruction, extractor=extractor, teacher=teacher))  # type: ignore[arg-type]
