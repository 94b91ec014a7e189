"""POST /v1/collect: accept production traffic at once (202), correct it in the background.

Accepted means durable: the item is in the queue (store table or Redis Stream) before the 202.
A full queue answers 429 with Retry-After and stores nothing, so nothing accepted is ever dropped;
a queue that does not answer gives 503 with Retry-After. Items no worker could finish are listed,
with the reason, by ``GET /v1/collect/dead``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from service.api.bodies import RequestBody
from service.api.deps import ApiKeyDep, SettingsDep
from service.api.errors import ApiError, error_docs
from service.api.schemas import ConstraintIn, NonBlankText, Text
from service.api.validation import build_constraints, check_lengths
from service.bulk.queue import QueueFullError
from service.bulk.services import BulkServices

router = APIRouter(prefix="/v1", tags=["collect"], dependencies=[ApiKeyDep])


class TooManyRequestsError(ApiError):
    status_code = 429
    code = "queue_full"


class CollectRequest(RequestBody):
    instruction: NonBlankText
    response: Text
    constraints: list[ConstraintIn] | None = None


class CollectAccepted(BaseModel):
    id: str
    status: str = "queued"


class DeadLetter(BaseModel):
    """An item no worker could finish: its queue id, what was sent, and why it failed."""

    id: str
    payload: dict[str, Any]
    reason: str
    attempts: int
    failed_at: datetime


class DeadLetters(BaseModel):
    items: list[DeadLetter]
    queued: int
    in_flight: int
    dead: int


async def get_bulk(request: Request) -> BulkServices:
    services: BulkServices = request.app.state.bulk
    return services


BulkDep = Annotated[BulkServices, Depends(get_bulk)]


@router.post("/collect", status_code=202, responses=error_docs(400, 401, 403, 413, 422, 429, 503))
async def collect(body: CollectRequest, settings: SettingsDep, bulk: BulkDep) -> JSONResponse:
    """Queue one (instruction, response[, constraints]) for correction; 202 with the queue id."""
    check_lengths(
        settings, instruction=body.instruction, response=body.response, constraints=body.constraints
    )
    if body.constraints is not None:
        build_constraints(body.constraints)  # a bad spec is a 422 now, not a dead item later
    # lone surrogates and NUL were refused when the body was read (RequestBody)
    payload: dict[str, Any] = {"instruction": body.instruction, "response": body.response}
    if body.constraints is not None:
        payload["constraints"] = [c.model_dump() for c in body.constraints]
    try:
        item_id = await bulk.queue.put(payload)
    except QueueFullError as exc:
        raise TooManyRequestsError(str(exc), headers={"Retry-After": str(exc.retry_after_s)}) from exc
    return JSONResponse(CollectAccepted(id=item_id).model_dump(), status_code=202)


@router.get("/collect/dead", responses=error_docs(401, 403, 503))
async def dead_letters(bulk: BulkDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> DeadLetters:
    """The most recent dead-lettered items (newest first) and the queue's backlog by state."""
    items = await bulk.queue.dead(limit)
    backlog = await bulk.queue.backlog()
    return DeadLetters(
        items=[
            DeadLetter(
                id=d.id, payload=d.payload, reason=d.reason, attempts=d.attempts, failed_at=d.failed_at
            )
            for d in items
        ],
        queued=backlog.queued,
        in_flight=backlog.in_flight,
        dead=backlog.dead,
    )
