"""NeMo Gym's instruction-following resource server ``/verify``, on our verifier.

Point a NeMo Gym config's resource server at ``http://host/v1/reward/nemo-gym``: it posts to
``/verify``. The reply echoes the request plus ``reward``, ``follow_all_instructions`` and
``follow_instruction_list`` (and ``error``, only when a sample scored 0 without being checked).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from graph.reward.nemo_gym import response_text, verify_reply
from service.api.deps import ApiKeyDep, MetricsDep, SettingsDep
from service.api.errors import error_docs
from service.api.routes.reward import check_texts, count, json_response, scored

router = APIRouter(prefix="/v1/reward/nemo-gym", tags=["reward"], dependencies=[ApiKeyDep])


class GymVerifyRequest(BaseModel):
    """NeMo Gym's ``BaseVerifyRequest`` plus the instruction-following row; extra keys are echoed."""

    model_config = ConfigDict(extra="allow")
    response: dict[str, Any]
    responses_create_params: dict[str, Any] | None = None
    instruction_id_list: list[Any] | None = None
    kwargs: list[Any] | None = None
    verifier_metadata: Any = None
    grading_mode: str | None = None


@router.post("/verify", responses=error_docs(400, 401, 403, 413, 422))
async def gym_verify(body: GymVerifyRequest, settings: SettingsDep, metrics: MetricsDep) -> Response:
    """One rollout's verdict, as NeMo Gym's instruction_following server returns it."""
    data = body.model_dump(exclude_unset=True)
    text = response_text(data.get("response"))
    check_texts(settings, [text], "response.output")  # one text: no index in the template
    reply, result = await scored(settings, len(text), lambda: verify_reply(data))
    count(metrics, [result])
    return json_response(reply)
