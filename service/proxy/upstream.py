"""The upstream model behind the front door, through the shared HTTP layer (``graph.endpoint``).

Retries and timeouts are the teacher's (``graph.retrying``): backoff with jitter on timeouts,
connection errors, 429 and 5xx, Retry-After honoured, no retry on other 4xx. A stream is retried
only while opening it; once a chunk has reached the client, a failure ends the stream instead.
Every failure leaves as :class:`UpstreamError`, carrying the status and an OpenAI-shaped body.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import aiohttp

from graph.endpoint import Endpoint
from graph.errors import FollowfixError
from graph.retrying import EndpointConnectionError, EndpointStatusError, Retrier, RetryPolicy
from service.proxy.settings import ProxySettings

logger = logging.getLogger(__name__)

PASSED_HEADERS = ("retry-after", "retry-after-ms", "x-request-id")


class UpstreamError(FollowfixError):
    """The upstream failed: ``status`` and ``body`` go back to the client as they are."""

    def __init__(self, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None) -> None:
        super().__init__(str(body.get("error", {}).get("message", body)))
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def openai_error(
    status: int, message: str, kind: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """The OpenAI error shape, which the SDKs read (``error.message``, ``type``, ``param``, ``code``)."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code or str(status)}}


def _as_upstream_error(exc: BaseException, attempts: int) -> UpstreamError:
    if isinstance(exc, EndpointStatusError):
        try:
            body = json.loads(exc.body)
        except ValueError:
            body = None
        if not (isinstance(body, dict) and isinstance(body.get("error"), dict)):
            body = openai_error(exc.status_code, f"upstream: {exc.body[:500]}", "upstream_error")
        headers = {k: v for k, v in exc.headers.items() if k.lower() in PASSED_HEADERS}
        return UpstreamError(exc.status_code, body, headers)
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        message = f"upstream did not answer in time ({attempts} attempts)"
        return UpstreamError(504, openai_error(504, message, "upstream_timeout", "upstream_timeout"))
    detail = str(exc) or type(exc).__name__
    message = f"upstream unreachable after {attempts} attempts: {detail}"
    return UpstreamError(502, openai_error(502, message, "upstream_unavailable", "upstream_unavailable"))


class UpstreamClient(Protocol):
    """What the front door needs of an upstream: the ``http`` client below, or LiteLLM's."""

    async def complete(self, body: Mapping[str, Any]) -> dict[str, Any]: ...

    async def models(self) -> dict[str, Any]: ...

    def stream(self, body: Mapping[str, Any]) -> AbstractAsyncContextManager[AsyncIterator[bytes]]: ...

    async def aclose(self) -> None: ...


def open_upstream(settings: ProxySettings) -> UpstreamClient | None:
    """The configured upstream, or None when there is none (the routes then answer 503)."""
    key = settings.upstream_api_key.get_secret_value() if settings.upstream_api_key else None
    policy = RetryPolicy(
        timeout_s=settings.upstream_timeout_s,
        max_retries=settings.upstream_max_retries,
        backoff_initial_s=settings.upstream_backoff_initial_s,
        backoff_max_s=settings.upstream_backoff_max_s,
    )
    if settings.upstream_client == "litellm":
        from service.proxy.upstream_litellm import LiteLLMUpstream

        return LiteLLMUpstream(settings.upstream_base_url, key, policy, settings.upstream_stream_idle_s)
    if not settings.upstream_base_url:
        return None
    return Upstream(settings.upstream_base_url, key, policy, settings.upstream_stream_idle_s)


class Upstream:
    """The served model over HTTP: chat completions (whole or streamed) and its model list."""

    def __init__(
        self, base_url: str, api_key: str | None, policy: RetryPolicy, idle_timeout_s: float
    ) -> None:
        self.endpoint = Endpoint(base_url, api_key)
        self.policy = policy
        self.idle_timeout_s = idle_timeout_s

    async def aclose(self) -> None:
        await self.endpoint.aclose()

    async def _call(self, attempt: Any) -> Any:
        retrier = Retrier(self.policy)
        try:
            return await retrier(attempt)
        except (EndpointStatusError, EndpointConnectionError, TimeoutError) as exc:
            raise _as_upstream_error(exc, retrier.attempts) from exc

    async def complete(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """One chat completion (retried); UpstreamError when it fails or is not a JSON object."""
        payload = await self._call(lambda: self.endpoint.post_json("chat/completions", body))
        return _json_object(payload, "chat completion")

    async def models(self) -> dict[str, Any]:
        payload = await self._call(lambda: self.endpoint.get("models"))
        return _json_object(payload, "model list")

    @asynccontextmanager
    async def stream(self, body: Mapping[str, Any]) -> AsyncIterator[AsyncIterator[bytes]]:
        """Open a streamed completion (opening retried) and yield its SSE events as raw bytes."""
        contexts: list[Any] = []

        async def attempt() -> aiohttp.ClientResponse:
            context = self.endpoint.stream("chat/completions", body, idle_timeout_s=self.idle_timeout_s)
            reply: aiohttp.ClientResponse = await context.__aenter__()
            contexts.append(context)
            return reply

        reply = await self._call(attempt)
        try:
            yield _events(reply)
        finally:
            await contexts[-1].__aexit__(None, None, None)


async def _events(reply: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    """SSE events (each ending in a blank line) as they arrive; a read failure is an UpstreamError."""
    buffer = b""
    try:
        async for data in reply.content.iter_any():
            buffer += data
            while True:
                cut = _event_end(buffer)
                if cut < 0:
                    break
                event, buffer = buffer[:cut], buffer[cut:]
                yield event
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise _as_upstream_error(exc, 1) from exc
    if buffer.strip():
        yield buffer + b"\n\n"


def _event_end(buffer: bytes) -> int:
    """Index just past the first event separator (``\\n\\n`` or ``\\r\\n\\r\\n``), or -1."""
    lf, crlf = buffer.find(b"\n\n"), buffer.find(b"\r\n\r\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf + 4
    return lf + 2 if lf >= 0 else -1


def _json_object(payload: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        message = f"upstream sent a {what} that is not a JSON object: {payload[:200]!r}"
        raise UpstreamError(502, openai_error(502, message, "upstream_error", "bad_upstream_reply"))
    return data
