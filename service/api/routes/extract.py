"""POST /v1/extract: instruction text -> constraint specs, with the span each came from."""

from __future__ import annotations

from fastapi import APIRouter

from graph.constraints.conflicts import conflicts_of_specs
from graph.result import ConflictInfo
from service.api.deadline import deadline
from service.api.deps import ApiKeyDep, ResourcesDep, SettingsDep
from service.api.errors import error_docs
from service.api.extraction import run_extractor
from service.api.schemas import ExtractedOut, ExtractRequest, ExtractResponse
from service.api.validation import check_lengths

router = APIRouter(prefix="/v1", tags=["extract"], dependencies=[ApiKeyDep])


@router.post("/extract", responses=error_docs(400, 401, 403, 413, 422, 502, 503, 504))
async def extract_constraints(
    body: ExtractRequest, settings: SettingsDep, resources: ResourcesDep
) -> ExtractResponse:
    """Rules are free and precise; ``llm`` and ``hybrid`` ask the server's teacher for what rules miss."""
    check_lengths(settings, instruction=body.instruction)
    extractor = body.extractor or settings.extractor
    async with deadline(settings.request_timeout_s, "extraction"):
        found = await run_extractor(body.instruction, extractor, teacher=resources.teacher)
    return ExtractResponse(
        extractor=extractor,
        constraints=[ExtractedOut(id=c.id, kwargs=c.kwargs, span=c.span, source=c.source) for c in found],
        conflicts=[ConflictInfo.model_validate(c) for c in conflicts_of_specs(found)],
    )
