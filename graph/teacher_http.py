"""The bare ``http`` teacher client: OpenAI chat completions over one aiohttp session.

Why it exists: a bulk run spends most of its CPU in the client stack, not in followfix. Measured
here against the local test server (``docs/benchmarks.md``), one call costs ~5 ms of CPU through
langchain-openai, ~1.9 ms through the OpenAI SDK and ~0.2 ms as a plain aiohttp request. At
64 records in flight and 0.2 s per call that difference decides whether one runner keeps up.
It speaks only the OpenAI-compatible protocol (vLLM, llama.cpp, a LiteLLM proxy, OpenAI); for
other providers use the ``litellm`` client. Retries, timeouts and usage stay in :class:`Teacher`.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from graph.errors import TeacherError
from graph.retrying import EndpointConnectionError, EndpointStatusError
from graph.teacher import Message, Teacher, TeacherConfig, _Raw

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_ERROR_CHARS = 500


class HttpTeacher(Teacher):
    """One aiohttp session per event loop; ``aclose`` (or the loop's end) closes it."""

    def __init__(self, config: TeacherConfig) -> None:
        super().__init__(config)
        base = (config.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self._url = f"{base}/chat/completions"
        api_key = config.api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._keeper: AsyncIterator[None] | None = None

    async def _client(self) -> aiohttp.ClientSession:
        """The session of the running loop, opened on first use.

        A session belongs to the loop that opened it. Its closing is tied to that loop through an
        async generator: ``asyncio.run`` finalises open async generators before it closes the
        loop, so a teacher reused across ``asyncio.run`` calls (``correct_sync``) leaves no
        unclosed connections behind, while a long-lived loop keeps its keep-alive pool.
        """
        loop = asyncio.get_running_loop()
        if self._session is None or self._session_loop is not loop or self._session.closed:
            # No connection limit of its own: the caller's concurrency bounds the requests.
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=None),
                headers=self._headers,
            )
            self._session, self._session_loop = session, loop
            self._keeper = _close_with_loop(session)
            await anext(self._keeper)
        return self._session

    async def aclose(self) -> None:
        keeper, self._keeper, self._session = self._keeper, None, None
        if keeper is not None and self._session_loop is asyncio.get_running_loop():
            await keeper.aclose()  # type: ignore[attr-defined]

    def _body(self, messages: list[Message], response_format: dict[str, Any] | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages,
            "temperature": self.config.temperature,
        }
        if self.config.max_tokens is not None:
            body["max_tokens"] = self.config.max_tokens
        if response_format:
            body["response_format"] = response_format
        return body

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> _Raw:
        session = await self._client()
        try:
            async with session.post(self._url, json=self._body(messages, response_format)) as reply:
                payload = await reply.read()
                if reply.status >= 400:
                    text = payload.decode("utf-8", "replace")[:MAX_ERROR_CHARS]
                    raise EndpointStatusError(reply.status, text, dict(reply.headers))
        except aiohttp.ClientError as exc:
            raise EndpointConnectionError(f"{type(exc).__name__}: {exc}") from exc
        return self._parse(payload)

    def _parse(self, payload: bytes) -> _Raw:
        try:
            data = json.loads(payload)
            content = data["choices"][0]["message"].get("content") or ""
            usage = data.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise TeacherError(
                f"teacher {self.model!r} sent a reply that is not a chat completion: {payload[:200]!r}"
            ) from exc
        return _Raw(
            str(content), int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        )


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await session.close()
