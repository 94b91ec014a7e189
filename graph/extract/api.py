"""Public entry points: ``extract`` (sync) and ``aextract`` (async, needed for the LLM paths).

``rules`` runs the rule extractor only; ``llm`` asks the teacher only; ``hybrid`` runs the rules and
then asks the teacher for what they missed, keeping the rule's answer where both name an id.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from graph.errors import ExtractionError
from graph.extract.llm import TeacherLike, extract_llm
from graph.extract.model import ExtractedConstraint
from graph.extract.rules import extract_rules

Extractor = Literal["rules", "llm", "hybrid"]
EXTRACTORS: tuple[Extractor, ...] = ("rules", "llm", "hybrid")


async def aextract(
    instruction: str, *, extractor: Extractor = "rules", teacher: TeacherLike | None = None
) -> list[ExtractedConstraint]:
    """The constraints in ``instruction`` by the chosen extractor (see the module docstring)."""
    if extractor not in EXTRACTORS:
        raise ExtractionError(f"unknown extractor {extractor!r}; choose one of {', '.join(EXTRACTORS)}")
    if extractor == "rules":
        return extract_rules(instruction)
    if teacher is None:
        raise ExtractionError(
            f"the {extractor} extractor needs a teacher (e.g. --teacher MODEL --base-url URL)"
        )
    if extractor == "llm":
        return _dedupe(await extract_llm(instruction, teacher))
    ruled = extract_rules(instruction)
    ruled_ids = {c.id for c in ruled}
    extra = [c for c in await extract_llm(instruction, teacher, known=ruled) if c.id not in ruled_ids]
    return _dedupe([*ruled, *extra])


def extract(
    instruction: str, *, extractor: Extractor = "rules", teacher: TeacherLike | None = None
) -> list[ExtractedConstraint]:
    """Sync form; the LLM paths run on a fresh event loop, so call ``aextract`` from async code."""
    if extractor == "rules":
        return extract_rules(instruction)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(aextract(instruction, extractor=extractor, teacher=teacher))
    raise ExtractionError("extract() with an LLM extractor was called inside an event loop; await aextract()")


def _dedupe(items: list[ExtractedConstraint]) -> list[ExtractedConstraint]:
    seen: dict[tuple[str, str], ExtractedConstraint] = {}
    for item in items:
        seen.setdefault(item.key(), item)
    return sorted(seen.values(), key=lambda c: (c.span, c.id))
