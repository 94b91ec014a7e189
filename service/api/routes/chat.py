"""POST /v1/chat/completions and GET /v1/models: the OpenAI-compatible front door.

Thin on purpose: the flow is ``service.proxy.frontdoor``. The body is read as plain JSON, not a
pydantic model: every field the upstream understands must pass through untouched, and errors of
this route are in OpenAI's shape (``{"error": {"message", "type", "param", "code"}}``), which the
OpenAI SDKs turn into their exception classes. The caller's bearer token is followfix's key
(checked here, never forwarded); the upstream's key comes from the settings.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from service.api.deps import ApiKeyDep
from service.api.errors import error_docs
from service.proxy.frontdoor import FrontDoor, bad_request
from service.proxy.request import BadChatRequest

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=[ApiKeyDep])


async def get_front_door(request: Request) -> FrontDoor:
    door: FrontDoor = request.app.state.front_door
    return door


FrontDoorDep = Annotated[FrontDoor, Depends(get_front_door)]

CHAT_EXAMPLE: dict[str, Any] = {
    "model": "my-model",
    "messages": [{"role": "user", "content": "Describe tea in lowercase letters only."}],
    "followfix": {"mode": "verify"},
}


# Documented by hand: a pydantic body would validate (and could reject) what only the upstream reads.
REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {"application/json": {"schema": {"type": "object"}, "example": CHAT_EXAMPLE}},
}


@router.post(
    "/chat/completions",
    responses=error_docs(400, 401, 403, 413, 502, 503, 504),
    openapi_extra={"requestBody": REQUEST_BODY},
)
async def chat_completions(request: Request, door: FrontDoorDep) -> Response:
    """The upstream's completion, verified (``verify``), verified and queued for correction
    (``collect``, the default) or corrected (``correct``); ``stream: true`` passes chunks through."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        return bad_request(BadChatRequest("body: invalid JSON", "body"))
    return await door.chat(body)


@router.get("/models", responses=error_docs(401, 403, 502, 503, 504))
async def list_models(door: FrontDoorDep) -> Response:
    """The upstream's model list, as it sent it."""
    return await door.models()
