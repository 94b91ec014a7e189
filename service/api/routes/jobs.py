"""Bulk jobs over HTTP: create (upload JSONL or name a server-side file), watch, read, cancel.

``POST /v1/jobs`` takes either a JSONL body (``Content-Type: application/x-ndjson``; options as
query parameters) or JSON ``{"input_path", "options"}`` for a file under an allowed root. Jobs live
in the store and resume when the server restarts.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, ValidationError

from graph.errors import InputFormatError
from graph.storable import find_unstorable
from service.api.bodies import RequestBody
from service.api.deps import ApiKeyDep
from service.api.errors import ConflictError, NotFoundError, UnstorableInputError, api_field, error_docs
from service.api.openapi import inline_schema, request_body_doc
from service.api.routes.collect import BulkDep
from service.bulk.jobrepo import TERMINAL
from service.bulk.jobs import JobOptions, read_complete_lines

router = APIRouter(prefix="/v1", tags=["jobs"], dependencies=[ApiKeyDep])

UPLOAD_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines", "text/plain")


class BodyJobOptions(JobOptions):
    """Job options in a JSON body: unknown options refused, JSON types taken as written."""

    model_config = ConfigDict(extra="forbid", strict=True)


class QueryJobOptions(JobOptions):
    """Job options as query parameters (strings, so lax types), unknown ones refused."""

    model_config = ConfigDict(extra="forbid")


class PathJob(RequestBody):
    """A job over a file under one of the server's input roots (FOLLOWFIX_JOB_INPUT_ROOTS)."""

    input_path: str
    options: BodyJobOptions = BodyJobOptions()


# The two bodies POST /v1/jobs takes (it reads the raw request, so FastAPI cannot infer them).
JOB_BODY_DOC = request_body_doc(
    {
        "application/json": inline_schema(PathJob),
        "application/x-ndjson": {"type": "string", "description": "JSONL rows (IFEval, IFBench or paper)"},
    }
)


class JobView(BaseModel):
    """A job's state: progress counts, teacher spend, and where its results stream from."""

    id: str
    status: str
    created_at: datetime
    updated_at: datetime
    input_path: str
    options: dict[str, Any]
    total: int | None
    done: int
    fraction: float | None
    stats: dict[str, Any]
    error: str | None
    results_url: str


def view(row: dict[str, Any], live: dict[str, Any] | None) -> JobView:
    stats = live or row["stats"] or {}
    if "done" in stats:  # counts every segment once (a resumed job's skipped rows are in processed)
        done = int(stats["done"])
    else:
        keys = ("skipped", "processed", "errors", "retryable", "bad_rows", "duplicates")
        done = sum(int(stats.get(k, 0)) for k in keys)
    total = stats.get("total")
    fraction = round(done / total, 4) if total else (1.0 if row["status"] == "done" else None)
    return JobView(
        id=row["id"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        input_path=Path(row["input_path"]).name,
        options=row["options"],
        total=total,
        done=done,
        fraction=fraction,
        stats=stats,
        error=row["error"],
        results_url=f"/v1/jobs/{row['id']}/results",
    )


def _options_from_query(request: Request) -> JobOptions:
    query = dict(request.query_params)
    found = find_unstorable(query)
    if found is not None:
        raise UnstorableInputError(f"query parameter {found.path}: {found.reason}", field=found.path)
    try:
        return QueryJobOptions.model_validate(query)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "query"
        raise InputFormatError(f"query parameter {field}: {first['msg']}", field=field) from exc


@router.post(
    "/jobs", status_code=201, responses=error_docs(400, 401, 403, 413, 422), openapi_extra=JOB_BODY_DOC
)
async def create_job(request: Request, bulk: BulkDep) -> JobView:
    """Start a bulk job; the reply's ``results_url`` streams results as they are written."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in UPLOAD_TYPES:
        job_id = await bulk.jobs.submit_upload(request.stream(), _options_from_query(request))
    elif content_type == "application/json":
        try:
            body = PathJob.model_validate_json(await request.body())
        except ValidationError as exc:
            first = exc.errors()[0]
            field = api_field(".".join(str(p) for p in first["loc"])) if first["loc"] else "body"
            raise InputFormatError(f"{field}: {first['msg']}", field=field) from exc
        try:
            job_id = await bulk.jobs.submit_path(body.input_path, body.options)
        except InputFormatError as exc:
            if exc.field is None:
                raise InputFormatError(str(exc), field="input_path") from exc
            raise
    else:
        raise InputFormatError(
            "send JSONL (application/x-ndjson) or JSON {input_path, options}", field="Content-Type"
        )
    return await get_job(job_id, bulk)


@router.get("/jobs/{job_id}", responses=error_docs(401, 403, 404, 503))
async def get_job(job_id: str, bulk: BulkDep) -> JobView:
    """Status, progress, pass/fail counts and teacher spend."""
    row = await bulk.jobs.repo.get(job_id)
    if row is None:
        raise NotFoundError(f"no job {job_id}", field="job_id")
    return view(row, bulk.jobs.live_stats(job_id))


@router.get(
    "/jobs/{job_id}/results",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}, **error_docs(401, 403, 404)},
)
async def job_results(job_id: str, bulk: BulkDep) -> StreamingResponse:
    """The results written so far, one JSON line per record (streamed; call again for more)."""
    row = await bulk.jobs.repo.get(job_id)
    if row is None:
        raise NotFoundError(f"no job {job_id}", field="job_id")
    return StreamingResponse(read_complete_lines(Path(row["output_path"])), media_type="application/x-ndjson")


@router.delete("/jobs/{job_id}", responses=error_docs(401, 403, 404, 409))
async def cancel_job(job_id: str, bulk: BulkDep) -> JobView:
    """Cancel a queued or running job; results written so far stay readable."""
    row = await bulk.jobs.repo.get(job_id)
    if row is None:
        raise NotFoundError(f"no job {job_id}", field="job_id")
    if row["status"] in TERMINAL:
        raise ConflictError(f"job {job_id} is already {row['status']}", field="job_id")
    await bulk.jobs.cancel(job_id)
    return await get_job(job_id, bulk)
