"""GET /v1/pairs: stream the store's training data as JSONL (trl, sft or rlvr rows)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from service.api.deps import ApiKeyDep, ResourcesDep
from service.api.errors import error_docs
from service.api.validation import IsoTime
from service.store.export import iter_jsonl
from service.store.formats import ExportFormat
from service.store.pairs import Curation, PairMode

router = APIRouter(prefix="/v1", tags=["pairs"], dependencies=[ApiKeyDep])


@router.get(
    "/pairs",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}, **error_docs(401, 403, 422, 503)},
)
async def export_pairs(
    resources: ResourcesDep,
    format: Annotated[
        ExportFormat, Query(description="trl (DPO pairs), sft (messages), rlvr, open-instruct or verl")
    ] = "trl",
    since: Annotated[IsoTime, Query(description="ISO 8601; rows recorded at or after it")] = None,
    until: Annotated[IsoTime, Query(description="ISO 8601; rows recorded before it")] = None,
    mode: Annotated[PairMode, Query(description="trl only: final pairs, or one per improving step")] = (
        "final"
    ),
    curation: Annotated[
        Curation, Query(description="trl only: all pairs, only reviewer-accepted, or all but rejected")
    ] = "all",
) -> StreamingResponse:
    """Deduplicated rows in recording order, streamed (constant memory on the server).

    The first page is read before the response starts, so an unreachable store is a 503 with a
    JSON error rather than a truncated 200. Naive times are taken as UTC.
    """
    lines = iter_jsonl(resources.store, format, since, until, mode=mode, curation=curation)
    first: str | None = None
    with contextlib.suppress(StopAsyncIteration):
        first = await anext(lines)

    async def body() -> AsyncIterator[str]:
        try:
            if first is not None:
                yield first
                async for line in lines:
                    yield line
        finally:
            await lines.aclose()

    return StreamingResponse(body(), media_type="application/x-ndjson")
