"""POST /v1/correct: verify, fix one failed constraint at a time, re-verify, record the correction."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from graph.constraints.patterns import pattern_budget
from graph.context import RunContext
from graph.errors import TeacherError
from graph.run import correct
from graph.worddiff import word_diff
from service.api.deadline import deadline
from service.api.deps import ApiKeyDep, MetricsDep, ResourcesDep, SettingsDep
from service.api.errors import InvalidRequestError, LimitExceededError, error_docs, status_for
from service.api.extraction import run_extractor
from service.api.resources import request_teacher
from service.api.schemas import CorrectRequest, CorrectResponse, DiffSegment, Timings
from service.api.validation import build_constraints, check_lengths

router = APIRouter(prefix="/v1", tags=["correct"], dependencies=[ApiKeyDep])


@router.post("/correct", responses=error_docs(400, 401, 403, 413, 422, 502, 503, 504))
async def correct_response(
    body: CorrectRequest, settings: SettingsDep, resources: ResourcesDep, metrics: MetricsDep
) -> CorrectResponse:
    """The corrected response with verdicts before and after, every step taken, usage and timings.

    Without a teacher the ``rules`` strategy applies deterministic repairs only; a constraint no
    repair can fix is reported as unfixed. 503 + Retry-After when the strategy needs a teacher
    that is down.
    """
    started = time.perf_counter()
    options = body.options
    check_lengths(
        settings, instruction=body.instruction, response=body.response, constraints=body.constraints
    )
    max_rounds = options.max_rounds or settings.default_max_rounds
    if max_rounds > settings.max_rounds_limit:
        raise LimitExceededError(
            f"max_rounds is {max_rounds}; the limit is {settings.max_rounds_limit}",
            field="options.max_rounds",
        )
    strategy = options.strategy or settings.effective_strategy
    teacher_config, teacher = request_teacher(options.teacher, resources, settings)
    if strategy == "teacher" and teacher is None:
        raise InvalidRequestError(
            "strategy 'teacher' needs a teacher LLM: none is configured on this server "
            "(use 'rules' or 'hybrid', or configure FOLLOWFIX_TEACHER_MODEL)",
            field="options.strategy",
        )
    time_limit = min(options.deadline_s or settings.request_timeout_s, settings.request_timeout_s)
    try:
        # One regex-matching budget for the whole correction: every verify of every round draws on
        # it, the hard per-request limit on what regex kwargs may cost (graph.constraints.patterns).
        async with deadline(time_limit, "the correction"):
            with pattern_budget():
                specs = await _constraint_specs(body, settings.extractor, teacher)
                context = RunContext(
                    strategy=strategy,
                    max_rounds=max_rounds,
                    mode=options.mode,
                    teacher=teacher_config,
                    fix_feasible_rest=options.fix_feasible_rest,
                )
                result = await correct(
                    body.instruction, body.response, specs, context=context, teacher=teacher
                )
    except TeacherError as exc:
        metrics.teacher_errors.labels(status_for(exc)[1]).inc()
        raise
    finally:
        if options.teacher is not None and teacher is not None:
            await teacher.aclose()  # a per-request teacher's connections end with the request
    engine_done = time.perf_counter()
    recorded = options.record and settings.record
    if recorded:
        await resources.recorder.submit(result, source="api")
    metrics.observe_correction(result)
    finished = time.perf_counter()
    timings = Timings(
        total_ms=round((finished - started) * 1000, 3),
        engine_ms=round((engine_done - started) * 1000, 3),
        record_ms=round((finished - engine_done) * 1000, 3),
    )
    diff = [DiffSegment(**segment) for segment in word_diff(result.original, result.final)]
    return CorrectResponse(**dict(result), recorded=recorded, timings=timings, diff=diff)


async def _constraint_specs(
    body: CorrectRequest, default_extractor: str, teacher: Any
) -> list[dict[str, Any]]:
    """The caller's constraints (validated, fields named), else those extracted from the instruction."""
    if body.constraints is not None:
        built = build_constraints(body.constraints)
        return [{"id": c.id, "kwargs": c.kwargs()} for c in built]
    extractor = body.options.extractor or default_extractor
    found = await run_extractor(body.instruction, extractor, teacher=teacher, field="options.extractor")
    return [{"id": c.id, "kwargs": c.kwargs} for c in found]
