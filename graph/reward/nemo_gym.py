"""NeMo Gym's instruction-following ``/verify``: request in, the same body back plus the verdict.

A verify request carries the row's fields (``instruction_id_list``, ``kwargs``, ``prompt``, an
``id``; or ``verifier_metadata``) and ``response``, an OpenAI Responses object whose last
``message`` output holds the answer (``output_text`` parts). The reply echoes the request and
adds ``reward``, ``follow_all_instructions`` and ``follow_instruction_list``; ``grading_mode``
``binary`` (NeMo Gym's default: 1 only when all pass) or ``fraction``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.reward.score import Aggregate, Reward, score


def response_text(response: Any) -> str:
    """The text of the last assistant message of a Responses object ("" when there is none)."""
    if not isinstance(response, Mapping):
        return ""
    output = response.get("output")
    if not isinstance(output, list):
        return ""
    for item in reversed(output):
        if not isinstance(item, Mapping) or item.get("type", "message") != "message":
            continue
        content = item.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "".join(
                str(part.get("text", ""))
                for part in content
                if isinstance(part, Mapping) and part.get("type", "output_text") in ("output_text", "text")
            )
        return ""
    return ""


def spec_of(body: Mapping[str, Any]) -> Any:
    """The constraints of a verify request: ``verifier_metadata`` first, else the row's own fields."""
    if body.get("verifier_metadata") is not None:
        return {"verifier_metadata": body["verifier_metadata"]}
    return {key: body[key] for key in ("instruction_id_list", "kwargs") if key in body}


def verify_reply(body: Mapping[str, Any], *, strip_think: bool = True) -> tuple[dict[str, Any], Reward]:
    """The reply body for one request, and the full result (for metrics and logs)."""
    mode = body.get("grading_mode") or "binary"
    aggregate: Aggregate = "fraction" if mode == "fraction" else "all"
    result = score(
        response_text(body.get("response")), spec_of(body), aggregate=aggregate, strip_think=strip_think
    )
    if mode not in ("binary", "fraction"):
        result = Reward(
            0.0, False, 0.0, (), f"grading_mode must be 'binary' or 'fraction', got {mode!r}", "grading_mode"
        )
    ids = body.get("instruction_id_list")
    follow = (
        [v.passed for v in result.verdicts]
        if result.error is None
        else [False] * (len(ids) if isinstance(ids, list) else 0)
    )
    reply = {
        **body,
        "reward": result.reward,
        "follow_all_instructions": result.passed_all,
        "follow_instruction_list": follow,
    }
    if result.error is not None:  # only then: NeMo Gym's response models know the three fields above
        reply["error"] = result.error
    return reply, result
