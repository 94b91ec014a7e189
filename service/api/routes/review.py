"""Read endpoints behind the review page: corrections (list, one), the overview, the list of jobs.

Everything the page shows comes from here, so everything on it is scriptable too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from graph.storable import find_unstorable
from service.api.deps import ApiKeyDep, ResourcesDep
from service.api.errors import InvalidRequestError, NotFoundError, error_docs
from service.api.routes.collect import BulkDep
from service.api.routes.jobs import JobView, view
from service.api.schemas import DiffSegment
from service.api.validation import IsoTime
from service.bulk.tables import jobs
from service.store.errors import DB_ERRORS, store_error
from service.store.overview import overview
from service.store.review import CorrectionFilter, get_correction, list_corrections

router = APIRouter(prefix="/v1", tags=["review"], dependencies=[ApiKeyDep])

Status = Literal["unchanged", "corrected", "partial", "failed", "infeasible"]


class CorrectionSummary(BaseModel):
    seq: int
    id: str
    created_at: datetime
    source: str
    status: str
    rounds: int
    constraint_ids: list[str]
    edit_words: int | None = Field(description="words removed + added, original -> final")
    teacher_model: str | None
    cost_usd: float | None
    prompt_tokens: int
    completion_tokens: int
    instruction: str = Field(description="the first 160 characters")


class CorrectionPage(BaseModel):
    items: list[CorrectionSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next (older) page; null at the end")


class PairOut(BaseModel):
    seq: int
    hash: str
    correction_id: str
    kind: str
    step_index: int | None
    created_at: datetime
    chosen: str = Field(description="the chosen text in force (a reviewer's edit when there is one)")
    chosen_original: str
    edited: bool
    rejected: str
    diff: list[DiffSegment] = Field(description="word diff rejected -> chosen")
    decision: Literal["accepted", "rejected"] | None
    decided_by: str | None
    decided_at: datetime | None


class CorrectionDetail(BaseModel):
    """Every stored field of one correction, its word diff, and the pairs it produced."""

    model_config = {"extra": "allow"}

    id: str
    seq: int
    created_at: datetime
    source: str
    status: str
    instruction: str
    original: str
    final: str
    diff: list[DiffSegment]
    edit_words: int | None
    constraints: list[dict[str, Any]]
    constraint_ids: list[str]
    verdicts_before: list[dict[str, Any]]
    verdicts_after: list[dict[str, Any]]
    trajectory: list[dict[str, Any]]
    usage: dict[str, Any]
    pairs: list[PairOut]


@router.get("/corrections", responses=error_docs(401, 403, 422, 503))
async def corrections_page(
    resources: ResourcesDep,
    status: Annotated[list[Status] | None, Query(description="repeat for several")] = None,
    constraint: Annotated[str | None, Query(description="a constraint id, or a family ending in ':'")] = None,
    source: Annotated[
        str | None, Query(description="api | job | collect | proxy, or an exact source such as job:<id>")
    ] = None,
    since: Annotated[IsoTime, Query(description="ISO 8601; recorded at or after (naive = UTC)")] = None,
    until: Annotated[IsoTime, Query(description="ISO 8601; recorded before")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="text in id, instruction or responses")
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of a previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CorrectionPage:
    """Corrections newest first, filtered, keyset-paged (a page costs the same at any depth)."""
    texts = {"constraint": constraint, "source": source, "q": q, "cursor": cursor}
    bad = find_unstorable({name: value for name, value in texts.items() if value})
    if bad is not None:  # PostgreSQL refuses NUL in any query parameter: name it, as for bodies
        raise InvalidRequestError(f"{bad.path}: {bad.reason}", field=bad.path)
    flt = CorrectionFilter(
        status=tuple(status or ()),
        constraint=constraint or None,
        source=source or None,
        since=since,
        until=until,
        q=q or None,
    )
    items, next_cursor = await list_corrections(resources.store, flt, cursor=cursor, limit=limit)
    return CorrectionPage(
        items=[CorrectionSummary.model_validate(item) for item in items], next_cursor=next_cursor
    )


@router.get("/corrections/{correction_id}", responses=error_docs(401, 403, 404, 503))
async def correction_detail(correction_id: str, resources: ResourcesDep) -> CorrectionDetail:
    """One correction: texts, word diff, verdicts before and after, trajectory, usage, its pairs."""
    # An id no store can hold (NUL, a lone surrogate) names no correction; never ask the database.
    row = None if find_unstorable(correction_id) else await get_correction(resources.store, correction_id)
    if row is None:
        raise NotFoundError(f"no correction {correction_id}", field="correction_id")
    return CorrectionDetail.model_validate(row)


@router.get("/overview", responses=error_docs(401, 403, 422, 503))
async def overview_stats(
    resources: ResourcesDep,
    since: Annotated[IsoTime, Query(description="ISO 8601 (naive = UTC)")] = None,
    until: Annotated[IsoTime, Query(description="ISO 8601")] = None,
    bucket: Annotated[Literal["day", "hour"], Query(description="timeline resolution")] = "day",
) -> dict[str, Any]:
    """Pass rate per constraint before/after, teacher calls, tokens and cost per bucket, edit sizes."""
    return await overview(resources.store, since, until, hourly=bucket == "hour")


class JobList(BaseModel):
    items: list[JobView]


@router.get("/jobs", tags=["jobs"], responses=error_docs(401, 403, 503))
async def list_jobs(
    bulk: BulkDep,
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> JobList:
    """Bulk jobs newest first, with live progress for running ones; their corrections are
    ``GET /v1/corrections?source=job:<id>``."""
    query = select(jobs).order_by(jobs.c.created_at.desc()).limit(limit)
    try:
        async with resources.store.engine.connect() as conn:
            rows = [dict(row) for row in (await conn.execute(query)).mappings()]
    except DB_ERRORS as exc:  # the driver's reason only: no SQL or parameters reach a client
        raise store_error("listing jobs", exc) from exc
    return JobList(items=[view(row, bulk.jobs.live_stats(row["id"])) for row in rows])
