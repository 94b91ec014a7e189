"""The bare ``http`` teacher client: OpenAI chat completions through the shared HTTP layer.

Why it exists: a bulk run spends most of its CPU in the client stack, not in followfix. Measured
here against the local test server (``docs/benchmarks.md``), one call costs ~5 ms of CPU through
langchain-openai, ~1.9 ms through the OpenAI SDK and ~0.2 ms as a plain aiohttp request. At
64 records in flight and 0.2 s per call that difference decides whether one runner keeps up.
It speaks only the OpenAI-compatible protocol (vLLM, llama.cpp, a LiteLLM proxy, OpenAI); for
other providers use the ``litellm`` client. Sessions and errors are :class:`graph.endpoint.Endpoint`'s
(shared with the front door's upstream client); retries, timeouts and usage stay in :class:`Teacher`.
"""

from __future__ import annotations

import json
import os
from typing import Any

from graph.endpoint import Endpoint
from graph.errors import TeacherError
from graph.teacher_base import Message, RawReply, Teacher, TeacherConfig

DEFAULT_BASE_URL = "https://api.openai.com/v1"


class HttpTeacher(Teacher):
    """One :class:`Endpoint` (an aiohttp session per event loop); ``aclose`` closes it."""

    def __init__(self, config: TeacherConfig) -> None:
        super().__init__(config)
        base = config.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        self._endpoint = Endpoint(base, config.api_key or os.environ.get("OPENAI_API_KEY"))

    async def aclose(self) -> None:
        await self._endpoint.aclose()

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

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> RawReply:
        payload = await self._endpoint.post_json("chat/completions", self._body(messages, response_format))
        return self._parse(payload)

    def _parse(self, payload: bytes) -> RawReply:
        try:
            data = json.loads(payload)
            content = data["choices"][0]["message"].get("content") or ""
            usage = data.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise TeacherError(
                f"teacher {self.model!r} sent a reply that is not a chat completion: {payload[:200]!r}"
            ) from exc
        return RawReply(
            str(content), int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        )
