"""POST /v1/verify: check a response against constraints. Pure CPU, no teacher, nothing stored."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool

from graph.constraints import verify
from graph.constraints.conflicts import find_conflicts
from service.api.bodies import read_json_body
from service.api.deadline import deadline
from service.api.deps import ApiKeyDep
from service.api.errors import InvalidRequestError, error_docs
from service.api.extraction import run_extractor
from service.api.metrics import Metrics
from service.api.openapi import inline_schema, request_body_doc
from service.api.schemas import ConstraintIn, VerifyRequest, VerifyResponse
from service.api.validation import build_constraints, check_lengths
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["verify"], dependencies=[ApiKeyDep])


@router.post(
    "/verify",
    response_model=VerifyResponse,
    responses=error_docs(400, 401, 403, 413, 422),
    openapi_extra=request_body_doc({"application/json": inline_schema(VerifyRequest)}),
)
async def verify_response(request: Request) -> Response:
    """Verdicts with the reason for each failure, in constraint order (IFEval semantics).

    Typical responses are checked on the event loop (well under a millisecond: a thread hop would
    cost more); long ones (hundreds of ms at the length limit) in a worker thread, so they do not
    stall every other request. The model is serialised once by pydantic-core.
    """
    # The hottest route reads its body and app state itself: FastAPI's dependency and body
    # machinery cost more than the checks of a typical response (bench/verify_ceiling.py).
    body = await read_json_body(request, VerifyRequest)
    settings: Settings = request.app.state.settings
    metrics: Metrics = request.app.state.metrics
    check_lengths(
        settings, instruction=body.instruction, response=body.response, constraints=body.constraints
    )
    specs = body.constraints
    if specs is None:
        if not body.instruction or not body.instruction.strip():
            raise InvalidRequestError(
                "give `constraints`, or an `instruction` to extract them from", field="constraints"
            )
        extracted = await run_extractor(body.instruction, "rules", teacher=None)
        specs = [ConstraintIn(id=item.id, kwargs=item.kwargs) for item in extracted]
    built = build_constraints(specs)
    if len(body.response) <= settings.verify_inline_max_chars:
        results = verify(body.response, built, body.mode)
    else:
        async with deadline(settings.request_timeout_s, "verification"):
            results = await run_in_threadpool(verify, body.response, built, body.mode)
    passed = all(r.passed for r in results)
    n_passed = sum(r.passed for r in results)
    metrics.verdicts_passed.inc(n_passed)
    metrics.verdicts_failed.inc(len(results) - n_passed)
    # The VerifyResponse document, serialised straight from plain data by pydantic-core: building
    # the nested models first only to dump them again cost ~10 us a request.
    reply = {
        "passed": passed,
        "mode": body.mode,
        "constraints": [c.spec() for c in built],
        "verdicts": [
            {"id": r.constraint_id, "passed": r.passed, "detail": r.detail, "measured": r.measured}
            for r in results
        ],
        "conflicts": [c.as_dict() for c in find_conflicts(built)],
    }
    return Response(to_json(reply), media_type="application/json")
