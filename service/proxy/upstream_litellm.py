"""Any provider LiteLLM knows as the front door's upstream (``FOLLOWFIX_UPSTREAM_CLIENT=litellm``).

The request's ``model`` is a LiteLLM model string (``anthropic/claude-...``, ``openai/...``); with
``FOLLOWFIX_UPSTREAM_BASE_URL`` a bare name is sent as ``openai/<name>`` to that endpoint, as the
teacher's litellm client does. Replies are LiteLLM's OpenAI-shaped objects, passed on as JSON;
LiteLLM's own retries are off, tenacity (``graph.retrying``) retries as for every other client.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import openai

from graph.retrying import Retrier, RetryPolicy, is_retryable, status_of
from graph.teacher import import_litellm
from service.proxy.sse import DONE, event
from service.proxy.upstream import Upstream, UpstreamError, openai_error


class LiteLLMUpstream:
    """Chat completions through ``litellm.acompletion``; the model list from the endpoint if any."""

    def __init__(
        self, base_url: str | None, api_key: str | None, policy: RetryPolicy, idle_timeout_s: float
    ) -> None:
        self._litellm = import_litellm()
        self.base_url = base_url
        self.api_key = api_key
        self.policy = policy
        self.idle_timeout_s = idle_timeout_s
        self._listing = Upstream(base_url, api_key, policy, idle_timeout_s) if base_url else None

    async def aclose(self) -> None:
        if self._listing is not None:
            await self._listing.aclose()

    def _kwargs(self, body: Mapping[str, Any]) -> dict[str, Any]:
        kwargs = dict(body)
        model = str(kwargs["model"])
        if self.base_url:
            if model.split("/", 1)[0] not in set(self._litellm.provider_list):
                model = f"openai/{model}"
            kwargs["api_base"] = self.base_url
            kwargs["api_key"] = self.api_key or "not-needed"
        elif self.api_key:
            kwargs["api_key"] = self.api_key
        kwargs.update(model=model, num_retries=0, max_retries=0, timeout=self.policy.timeout_s)
        return kwargs

    async def _call(self, attempt: Any) -> Any:
        retrier = Retrier(self.policy)
        try:
            return await retrier(attempt)
        except (openai.OpenAIError, TimeoutError) as exc:  # LiteLLM's errors subclass the SDK's
            raise _as_upstream_error(exc, retrier.attempts) from exc

    async def complete(self, body: Mapping[str, Any]) -> dict[str, Any]:
        reply = await self._call(lambda: self._litellm.acompletion(**self._kwargs(body)))
        data: dict[str, Any] = reply.model_dump(exclude_none=True)
        data.pop("_hidden_params", None)
        return data

    async def models(self) -> dict[str, Any]:
        if self._listing is not None:
            return await self._listing.models()
        return {"object": "list", "data": []}  # a provider behind LiteLLM publishes no list here

    @asynccontextmanager
    async def stream(self, body: Mapping[str, Any]) -> AsyncIterator[AsyncIterator[bytes]]:
        reply = await self._call(lambda: self._litellm.acompletion(**self._kwargs(body)))
        try:
            yield self._events(reply)
        finally:
            close = getattr(reply, "aclose", None)
            if close is not None:
                await close()

    async def _events(self, reply: Any) -> AsyncIterator[bytes]:
        iterator = reply.__aiter__()
        while True:
            try:
                async with asyncio.timeout(self.idle_timeout_s):
                    chunk = await anext(iterator)
            except StopAsyncIteration:
                break
            except (openai.OpenAIError, TimeoutError) as exc:
                raise _as_upstream_error(exc, 1) from exc
            yield event(chunk.model_dump(exclude_none=True))
        yield DONE


def _as_upstream_error(exc: BaseException, attempts: int) -> UpstreamError:
    status = status_of(exc)
    if isinstance(exc, TimeoutError | openai.APITimeoutError):
        message = f"upstream did not answer in time ({attempts} attempts)"
        return UpstreamError(504, openai_error(504, message, "upstream_timeout", "upstream_timeout"))
    if status is not None and status < 500 and not is_retryable(exc):
        message = str(getattr(exc, "message", None) or exc)
        return UpstreamError(status, openai_error(status, message, "upstream_error"))
    if status is not None:
        return UpstreamError(status, openai_error(status, f"upstream: {exc}", "upstream_error"))
    message = f"upstream unreachable after {attempts} attempts: {type(exc).__name__}: {exc}"
    return UpstreamError(502, openai_error(502, message, "upstream_unavailable", "upstream_unavailable"))
