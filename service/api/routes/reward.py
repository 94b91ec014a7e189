"""Reward endpoints for RL trainers: native ``POST /v1/reward`` and OpenRLHF's remote protocol.

Same auth, body-size and length limits as every route. A bad constraint spec is not a 4xx: it is
that sample's error, scored 0 (one bad row must not fail a trainer's whole batch, nor pass).
Large batches are scored in a worker thread so the event loop keeps serving other trainer ranks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, TypeVar

import orjson
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from graph.reward import Aggregate, Reward, family_pass_rates, score
from graph.reward.openrlhf import reply, score_queries
from service.api.deadline import deadline
from service.api.deps import ApiKeyDep, MetricsDep, SettingsDep
from service.api.errors import InvalidRequestError, LimitExceededError, error_docs
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["reward"], dependencies=[ApiKeyDep])
T = TypeVar("T")


class RewardItem(BaseModel):
    """One response and its constraints, in any spelling the scorer reads."""

    model_config = ConfigDict(extra="forbid")
    response: str
    constraints: Any = Field(
        description="[{id, kwargs}], {instruction_id_list, kwargs}, open-instruct's ground_truth string, "
        "or NeMo Gym's verifier_metadata"
    )


class RewardRequest(BaseModel):
    # JSON types as written, like every other body: ``"strip_thinking": 0`` is not a boolean.
    model_config = ConfigDict(extra="forbid", strict=True)
    items: list[RewardItem] = Field(min_length=1)
    aggregate: Aggregate = "fraction"
    mode: Literal["strict", "loose"] = "strict"
    scale: float = Field(default=1.0, gt=0, le=1000)
    strip_thinking: bool = True


class OpenRLHFRequest(BaseModel):
    """OpenRLHF's remote reward body (``remote_rm_fn``); other keys a trainer adds are ignored."""

    model_config = ConfigDict(extra="ignore")
    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None


def check_texts(settings: Settings, texts: Sequence[str], field: str) -> None:
    """422 naming the first text over ``max_response_chars``; ``field`` is a template (``query[{}]``)."""
    for index, text in enumerate(texts):
        if len(text) > settings.max_response_chars:
            where = field.format(index)
            raise LimitExceededError(
                f"{where} has {len(text)} characters; the limit is {settings.max_response_chars}", field=where
            )


async def scored(settings: Settings, chars: int, work: Callable[[], T]) -> T:
    """Small batches inline (a thread hop costs more than the checks), large ones in a thread."""
    if chars <= settings.verify_inline_max_chars:
        return work()
    async with deadline(settings.request_timeout_s, "reward scoring"):
        return await run_in_threadpool(work)


def count(metrics: Any, results: Sequence[Reward]) -> None:
    passed = sum(v.passed for r in results for v in r.verdicts)
    total = sum(len(r.verdicts) for r in results)
    metrics.verdicts_passed.inc(passed)
    metrics.verdicts_failed.inc(total - passed)


def json_response(body: Any) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


@router.post("/reward", responses=error_docs(400, 401, 403, 413, 422))
async def reward(body: RewardRequest, settings: SettingsDep, metrics: MetricsDep) -> Response:
    """Rewards with per-constraint verdicts; ``rewards[i]`` is ``results[i].reward``."""
    check_texts(settings, [item.response for item in body.items], "items[{}].response")
    options = {"mode": body.mode, "aggregate": body.aggregate, "scale": body.scale}
    options["strip_think"] = body.strip_thinking

    def work() -> list[Reward]:
        return [score(item.response, item.constraints, **options) for item in body.items]  # type: ignore[arg-type]

    results = await scored(settings, sum(len(i.response) for i in body.items), work)
    count(metrics, results)
    n = len(results)
    summary = {
        "prompt_pass": sum(r.passed_all for r in results) / n,
        "fraction": sum(r.fraction for r in results) / n,
        "errors": sum(r.error is not None for r in results),
        "pass_rate": family_pass_rates(results),
    }
    return json_response(
        {
            "rewards": [r.reward for r in results],
            "results": [r.as_dict() for r in results],
            "summary": summary,
        }
    )


@router.post("/reward/openrlhf", responses=error_docs(400, 401, 403, 413, 422))
async def openrlhf(
    body: OpenRLHFRequest,
    settings: SettingsDep,
    metrics: MetricsDep,
    aggregate: Annotated[Aggregate, Query(description="fraction, all or sum")] = "fraction",
    scale: Annotated[float, Query(gt=0, le=1000)] = 1.0,
    strip_thinking: bool = True,
) -> Response:
    """OpenRLHF ``--remote_rm_url http://host/v1/reward/openrlhf``: ``{rewards, scores, extra_logs}``.

    Options ride in the query string (OpenRLHF sends only the URL): ``?aggregate=all&scale=10``.
    """
    n = len(body.query)
    for name, values in (("prompts", body.prompts), ("labels", body.labels)):
        if values is not None and len(values) != n:
            raise InvalidRequestError(f"{name} has {len(values)} entries for {n} queries", field=name)
    if body.labels is None:
        raise InvalidRequestError("labels (the constraint spec of each query) are required", field="labels")
    check_texts(settings, body.query, "query[{}]")

    def work() -> list[Reward]:
        return score_queries(
            body.query,
            body.prompts,
            body.labels,
            aggregate=aggregate,
            scale=scale,
            strip_think=strip_thinking,
        )

    results = await scored(settings, sum(map(len, body.query)), work)
    count(metrics, results)
    return json_response(reply(results))
