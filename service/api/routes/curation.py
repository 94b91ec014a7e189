"""Curation of pairs: accept or reject one, or replace its chosen text (verified first).

Who decided is the ``reviewer`` the client names, else a short fingerprint of its API key (never
the key), else ``anonymous``; when is the server's clock. ``GET /v1/pairs?curation=accepted`` (or
``not_rejected``) then exports accordingly.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field

from graph.storable import find_unstorable
from service.api.deps import ApiKeyDep, ResourcesDep, SettingsDep
from service.api.errors import InvalidRequestError, LimitExceededError, NotFoundError, error_docs
from service.api.routes.review import PairOut
from service.api.schemas import NonBlankText, StrictModel
from service.store.curation import ChosenFailsError, decide, edit_chosen

router = APIRouter(prefix="/v1", tags=["curation"], dependencies=[ApiKeyDep])
_bearer = HTTPBearer(auto_error=False)
Reviewer = Annotated[str | None, Field(default=None, min_length=1, max_length=200)]


class DecisionIn(StrictModel):
    decision: Literal["accepted", "rejected"] | None = Field(description="null clears the decision")
    reviewer: Reviewer = None


class ChosenIn(StrictModel):
    chosen: NonBlankText
    reviewer: Reviewer = None


def reviewer_name(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """Fallback identity: ``key:<8 hex of sha256(key)>``, or ``anonymous`` on an open server."""
    if credentials is None or not credentials.credentials:
        return "anonymous"
    digest = hashlib.sha256(credentials.credentials.encode("utf-8", "surrogatepass")).hexdigest()
    return f"key:{digest[:8]}"


ReviewerDep = Annotated[str, Depends(reviewer_name)]


@router.post("/pairs/{pair_hash}/decision", responses=error_docs(401, 403, 404, 422, 503))
async def set_decision(
    pair_hash: str, body: DecisionIn, resources: ResourcesDep, who: ReviewerDep
) -> PairOut:
    """Accept or reject one pair (``null`` clears); stored with who and when."""
    bad_hash = find_unstorable(pair_hash) is not None  # names no pair; never ask the database
    pair = None if bad_hash else await decide(resources.store, pair_hash, body.decision, body.reviewer or who)
    if pair is None:
        raise NotFoundError(f"no pair {pair_hash}", field="pair_hash")
    return PairOut.model_validate(pair)


@router.put(
    "/pairs/{pair_hash}/chosen", response_model=PairOut, responses=error_docs(401, 403, 404, 413, 422, 503)
)
async def set_chosen(
    pair_hash: str, body: ChosenIn, resources: ResourcesDep, settings: SettingsDep, who: ReviewerDep
) -> PairOut | JSONResponse:
    """Replace the chosen text; it is verified against the pair's constraints first.

    A text that fails any constraint is refused with 422 ``chosen_fails_constraints`` listing each
    failure, and nothing is saved. A saved edit marks the pair accepted.
    """
    if len(body.chosen) > settings.max_response_chars:
        raise LimitExceededError(
            f"chosen has {len(body.chosen)} characters; the limit is {settings.max_response_chars}",
            field="chosen",
        )
    bad = find_unstorable(body.chosen, "chosen")
    if bad is not None:
        raise InvalidRequestError(f"{bad.path}: {bad.reason}", field="chosen")
    if find_unstorable(pair_hash) is not None:
        raise NotFoundError(f"no pair {pair_hash!r}", field="pair_hash")
    try:
        pair = await edit_chosen(resources.store, pair_hash, body.chosen, body.reviewer or who)
    except ChosenFailsError as exc:
        failed = [{"id": f.id, "detail": f.detail} for f in exc.failed]
        error = {
            "code": "chosen_fails_constraints",
            "message": f"chosen: the text fails {len(failed)} constraint(s): {exc}",
            "field": "chosen",
            "failed": failed,
        }
        return JSONResponse({"error": error}, status_code=422)
    if pair is None:
        raise NotFoundError(f"no pair {pair_hash}", field="pair_hash")
    return PairOut.model_validate(pair)
