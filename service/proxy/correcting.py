"""``correct`` mode: the engine runs on the upstream's answer before the client gets it.

The client receives the corrected text as the message, the original and the verdicts before and
after in ``followfix``, and usage summed over the upstream call and every teacher attempt. If the
engine cannot run (teacher down), the client still gets the upstream's answer, with the reason.
Streaming in this mode buffers: the whole answer must exist before it can be corrected, so the
corrected text is sent as one content chunk (time to first token = the whole correction).
"""

from __future__ import annotations

import logging
from typing import Any

from graph.context import RunContext
from graph.errors import FollowfixError
from graph.result import CorrectionResult
from graph.run import correct
from service.api.resources import Resources
from service.proxy.request import BadChatRequest, ProxyOptions
from service.proxy.verdicts import Plan
from service.settings import Settings

logger = logging.getLogger(__name__)


def check_options(
    options: ProxyOptions, body: dict[str, Any], settings: Settings, resources: Resources
) -> None:
    """Refuse, before the upstream is called, what correct mode cannot do."""
    if body.get("n") not in (None, 1):
        raise BadChatRequest("n: correct mode corrects one choice; send n=1", "n")
    rounds = options.max_rounds
    if rounds is not None and rounds > settings.max_rounds_limit:
        raise BadChatRequest(
            f"followfix.max_rounds: {rounds} is over this server's limit of {settings.max_rounds_limit}",
            "followfix.max_rounds",
        )
    if options.strategy == "teacher" and resources.teacher is None:
        raise BadChatRequest(
            "followfix.strategy: 'teacher' needs a teacher LLM and none is configured on this server",
            "followfix.strategy",
        )


async def run_correction(
    text: str, plan: Plan, options: ProxyOptions, settings: Settings, resources: Resources
) -> CorrectionResult:
    context = RunContext(
        strategy=options.strategy or settings.effective_strategy,
        max_rounds=options.max_rounds if options.max_rounds is not None else settings.default_max_rounds,
        mode=options.check,
        teacher=resources.teacher_config,
    )
    return await correct(plan.instruction or "", text, plan.specs, context=context, teacher=resources.teacher)


async def correct_completion(
    completion: dict[str, Any],
    info: dict[str, Any],
    plan: Plan,
    options: ProxyOptions,
    settings: Settings,
    resources: Resources,
) -> None:
    """Replace choice 0's text by the corrected one (in place) and say what happened in ``info``."""
    choices = completion.get("choices") or []
    message = choices[0].get("message") if choices and isinstance(choices[0], dict) else None
    text = message.get("content") if isinstance(message, dict) else None
    if not isinstance(text, str) or not plan.specs or info.get("passed") is not False:
        info["correction"] = {"status": "unchanged", "corrected": False}
        return
    try:
        result = await run_correction(text, plan, options, settings, resources)
    except FollowfixError as exc:
        logger.warning("front door: correction failed, the upstream answer goes back as is: %s", exc)
        info["correction"] = {"status": "error", "corrected": False, "error": str(exc)}
        return
    assert isinstance(message, dict)
    message["content"] = result.final
    info["original"] = text
    info["passed"] = all(v.passed for v in result.verdicts_after)
    info["verdicts_before"] = info.get("verdicts")
    info["verdicts"] = [v.model_dump() for v in result.verdicts_after]
    info["choices"][0].update(passed=info["passed"], verdicts=info["verdicts"])
    info["correction"] = {
        "id": result.id,
        "status": result.status,
        "corrected": result.final != text,
        "rounds": result.rounds,
        "stop_reason": result.stop_reason,
        "teacher_usage": result.usage.model_dump(),
    }
    upstream_usage = dict(completion.get("usage") or {})
    info["upstream_usage"] = upstream_usage
    completion["usage"] = summed_usage(upstream_usage, result)
    if settings.record:
        await resources.recorder.submit(result, source="proxy")


def summed_usage(upstream: dict[str, Any], result: CorrectionResult) -> dict[str, Any]:
    prompt = int(upstream.get("prompt_tokens") or 0) + result.usage.prompt_tokens
    completion = int(upstream.get("completion_tokens") or 0) + result.usage.completion_tokens
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def as_chunks(completion: dict[str, Any], include_usage: bool) -> list[dict[str, Any]]:
    """A finished completion as the protocol's chunk objects (role, content, finish, usage)."""
    base = {
        "id": completion.get("id"),
        "object": "chat.completion.chunk",
        "created": completion.get("created"),
        "model": completion.get("model"),
    }
    chunks: list[dict[str, Any]] = []
    for choice in completion.get("choices") or []:
        index = choice.get("index", 0)
        message = choice.get("message") or {}
        delta = {"role": message.get("role", "assistant"), "content": message.get("content") or ""}
        chunks.append({**base, "choices": [{"index": index, "delta": delta, "finish_reason": None}]})
        finish = choice.get("finish_reason") or "stop"
        chunks.append({**base, "choices": [{"index": index, "delta": {}, "finish_reason": finish}]})
    if include_usage and completion.get("usage"):
        chunks.append({**base, "choices": [], "usage": completion["usage"]})
    return chunks
