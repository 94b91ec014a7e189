"""followfix for teams that already run LiteLLM: each completion LiteLLM serves is sent to followfix.

Two entry points, one sender:

- :class:`FollowfixCallback`, a LiteLLM ``CustomLogger``: its success event fires from LiteLLM's
  logging machinery after every completion, for the SDK, the Router and the proxy alike
  (``litellm_settings.callbacks``). It sends (instruction, response) to ``/v1/collect`` (default)
  or ``/v1/verify`` and never delays or fails the completion.
- :class:`FollowfixGuardrail`, a ``CustomGuardrail`` for the proxy's ``guardrails:`` list with
  ``mode: post_call``: the proxy awaits its post-call hook before answering, so in ``verify`` mode the
  verdicts ride back to the client (``_hidden_params`` and ``x-followfix-*`` response headers).

The instruction is the last user message; constraints may ride along in the request's metadata
(``metadata: {"followfix_constraints": [...]}``), else followfix extracts them. Calls to followfix
go through the shared HTTP layer with timeouts and tenacity retries; a failure is logged, never raised.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Literal

from graph.endpoint import Endpoint
from graph.retrying import EndpointConnectionError, EndpointStatusError, Retrier, RetryPolicy
from graph.teacher import import_litellm
from service.proxy.request import last_user_text

litellm = import_litellm()
from litellm.integrations.custom_guardrail import CustomGuardrail  # noqa: E402
from litellm.integrations.custom_logger import CustomLogger  # noqa: E402

logger = logging.getLogger(__name__)

HookMode = Literal["collect", "verify"]


class FollowfixSender:
    """Posts one completion to followfix (``collect`` or ``verify``) and returns its JSON answer."""

    def __init__(
        self,
        api_base: str | None = None,
        api_key: str | None = None,
        mode: HookMode = "collect",
        timeout_s: float = 5.0,
        max_retries: int = 2,
    ) -> None:
        base = api_base or os.environ.get("FOLLOWFIX_URL") or "http://127.0.0.1:8000"
        base = base.rstrip("/")
        self.endpoint = Endpoint(
            base if base.endswith("/v1") else f"{base}/v1", api_key or os.environ.get("FOLLOWFIX_API_KEY")
        )
        self.mode: HookMode = mode
        self.policy = RetryPolicy(
            timeout_s=timeout_s, max_retries=max_retries, backoff_initial_s=0.1, backoff_max_s=2.0
        )
        self.sent = 0
        self.failed = 0

    def payload(self, messages: Any, text: str | None, metadata: Any) -> dict[str, Any] | None:
        instruction = last_user_text(messages) if isinstance(messages, list) else None
        if not instruction or not instruction.strip() or not isinstance(text, str):
            return None
        body: dict[str, Any] = {"instruction": instruction, "response": text}
        constraints = metadata.get("followfix_constraints") if isinstance(metadata, dict) else None
        if isinstance(constraints, list):
            body["constraints"] = constraints
        return body

    async def send(self, messages: Any, text: str | None, metadata: Any = None) -> dict[str, Any] | None:
        """followfix's answer (queue id, or verdicts), or None when there was nothing to send or it failed."""
        body = self.payload(messages, text, metadata)
        if body is None:
            return None
        path = "collect" if self.mode == "collect" else "verify"
        try:
            raw = await Retrier(self.policy)(lambda: self.endpoint.post_json(path, body))
        except (EndpointStatusError, EndpointConnectionError, TimeoutError) as exc:
            self.failed += 1
            logger.warning("followfix %s failed, completion not %sed: %s", path, self.mode, exc)
            return None
        self.sent += 1
        answer = json.loads(raw)
        return answer if isinstance(answer, dict) else None

    async def aclose(self) -> None:
        await self.endpoint.aclose()


def response_text(response: Any) -> str | None:
    """The first choice's text of a LiteLLM ``ModelResponse`` (None for other call types)."""
    choices = getattr(response, "choices", None)
    if not choices:
        return None
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    return content if isinstance(content, str) else None


def _metadata(data: dict[str, Any]) -> Any:
    params = data.get("litellm_params") or {}
    return data.get("metadata") or (params.get("metadata") if isinstance(params, dict) else None)


class FollowfixCallback(CustomLogger):
    """LiteLLM callback: after each successful completion, send it to followfix."""

    def __init__(
        self,
        api_base: str | None = None,
        api_key: str | None = None,
        mode: HookMode = "collect",
        **kwargs: Any,
    ) -> None:
        self.sender = FollowfixSender(api_base, api_key, mode)
        self.last_answer: dict[str, Any] | None = None
        super().__init__(**kwargs)

    async def async_log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.last_answer = await self.sender.send(
            kwargs.get("messages"), response_text(response_obj), _metadata(kwargs)
        )


class FollowfixGuardrail(CustomGuardrail):
    """LiteLLM proxy guardrail (``mode: post_call``): collect or verify each completion before it
    leaves the proxy; in ``verify`` mode the verdicts are attached to the response."""

    def __init__(
        self,
        api_base: str | None = None,
        api_key: str | None = None,
        followfix_mode: HookMode = "collect",
        **kwargs: Any,
    ) -> None:
        self.sender = FollowfixSender(api_base, api_key, followfix_mode)
        super().__init__(**kwargs)

    async def async_post_call_success_hook(
        self, data: dict[str, Any], user_api_key_dict: Any, response: Any
    ) -> Any:
        answer = await self.sender.send(data.get("messages"), response_text(response), _metadata(data))
        if answer is not None and self.sender.mode == "verify":
            hidden = getattr(response, "_hidden_params", None)
            if isinstance(hidden, dict):
                hidden["followfix"] = answer
                headers = hidden.setdefault("additional_headers", {})
                headers["x-followfix-passed"] = str(bool(answer.get("passed"))).lower()
                failed = [v["id"] for v in answer.get("verdicts", []) if not v.get("passed")]
                if failed:
                    headers["x-followfix-failed"] = ",".join(failed)
        return response
