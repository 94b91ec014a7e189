"""POST /v1/collect: accept production traffic at once (202), correct it in the background.

Accepted means durable: the item is in the queue (store table or Redis Stream) before the 202.
A full queue answers 429 with Retry-After and stores nothing, so nothing accepted is ever dropped.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from service.api.deps import ApiKeyDep, SettingsDep
from service.api.errors import ApiError, error_docs
from service.api.schemas import ConstraintIn, NonBlankText, StrictModel, Text
from service.api.validation import build_constraints, check_lengths
from service.bulk.queue import QueueFullError
from service.bulk.services import BulkServices

router = APIRouter(prefix="/v1", tags=["collect"], dependencies=[ApiKeyDep])


class TooManyRequestsError(ApiError):
    status_code = 429
    code = "queue_full"


class CollectRequest(StrictModel):
    instruction: NonBlankText
    response: Text
    constraints: list[ConstraintIn] | None = None


class CollectAccepted(BaseModel):
    id: str
    status: str = "queued"


async def get_bulk(request: Request) -> BulkServices:
    services: BulkServices = request.app.state.bulk
    return services


BulkDep = Annotated[BulkServices, Depends(get_bulk)]


@router.post("/collect", status_code=202, responses=error_docs(400, 401, 403, 413, 422, 429))
async def collect(body: CollectRequest, settings: SettingsDep, bulk: BulkDep) -> JSONResponse:
    """Queue one (instruction, response[, constraints]) for correction; 202 with the queue id."""
    check_lengths(
        settings, instruction=body.instruction, response=body.response, constraints=body.constraints
    )
    if body.constraints is not None:
        build_constraints(body.constraints)  # a bad spec is a 422 now, not a dead item later
    payload: dict[str, Any] = {"instruction": body.instruction, "response": body.response}
    if body.constraints is not None:
        payload["constraints"] = [c.model_dump() for c in body.constraints]
    try:
        item_id = await bulk.queue.put(payload)
    except QueueFullError as exc:
        raise TooManyRequestsError(str(exc), headers={"Retry-After": str(exc.retry_after_s)}) from exc
    return JSONResponse(CollectAccepted(id=item_id).model_dump(), status_code=202)
