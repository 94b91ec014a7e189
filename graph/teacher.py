"""Teacher LLM clients: any OpenAI-compatible endpoint (langchain-openai, or the bare ``http``
client of ``teacher_http`` where CPU per call matters) or any LiteLLM provider, and the factory
that picks one by configuration.

The contract (config, reply, retries) lives in ``graph.teacher_base`` and is re-exported here, so
callers keep importing from one place; the clients import the base, never each other.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from graph.errors import TeacherError
from graph.teacher_base import DelegatingTeacher, Message, RawReply, Teacher, TeacherConfig, TeacherReply

__all__ = [
    "DelegatingTeacher",
    "LiteLLMTeacher",
    "Message",
    "OpenAICompatibleTeacher",
    "RawReply",
    "Teacher",
    "TeacherConfig",
    "TeacherReply",
    "check_teacher",
    "import_litellm",
    "make_teacher",
]

log = logging.getLogger(__name__)


class OpenAICompatibleTeacher(Teacher):
    """Any OpenAI-compatible chat endpoint (vLLM, a LiteLLM proxy, OpenAI) through langchain-openai."""

    def __init__(self, config: TeacherConfig) -> None:
        super().__init__(config)
        from langchain_openai import ChatOpenAI

        api_key = config.api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
        kwargs: dict[str, Any] = {}
        if config.max_tokens is not None:
            kwargs["max_tokens"] = config.max_tokens
        self._chat_kwargs: dict[str, Any] = dict(
            model=config.model,
            base_url=config.base_url,
            api_key=api_key,
            timeout=config.timeout_s,
            max_retries=0,
            temperature=config.temperature,
            **kwargs,
        )
        self._chat_class = ChatOpenAI
        self._chat: Any = None
        self._chat_loop: asyncio.AbstractEventLoop | None = None

    def _client(self) -> Any:
        """The chat client for the running event loop.

        An HTTP connection pool belongs to the loop that opened it (langchain-openai otherwise
        shares one cached pool), so a teacher reused under a new loop, e.g. ``correct_sync`` called
        twice, gets its own pool instead of failing with "Event loop is closed".
        """
        import httpx

        loop = asyncio.get_running_loop()
        if self._chat is None or self._chat_loop is not loop:
            pool = httpx.AsyncClient(timeout=self.config.timeout_s)
            self._chat = self._chat_class(**self._chat_kwargs, http_async_client=pool)
            self._chat_loop = loop
        return self._chat

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> RawReply:
        extra: dict[str, Any] = {"response_format": response_format} if response_format else {}
        message = await self._client().ainvoke(messages, **extra)
        content = message.content
        text = (
            content
            if isinstance(content, str)
            else "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
        )
        meta = getattr(message, "usage_metadata", None) or {}
        return RawReply(text, int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0)))


class LiteLLMTeacher(Teacher):
    """Any provider LiteLLM knows; with a base URL, a bare model name is sent as ``openai/<model>``."""

    def __init__(self, config: TeacherConfig) -> None:
        super().__init__(config)
        litellm = import_litellm()
        model = config.model
        if config.base_url and model.split("/", 1)[0] not in set(litellm.provider_list):
            model = f"openai/{model}"
        self._model = model
        self._litellm = litellm

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> RawReply:
        kwargs: dict[str, Any] = {
            "model": self._model,
            "messages": messages,
            "timeout": self.config.timeout_s,
            "num_retries": 0,
            "max_retries": 0,
            "temperature": self.config.temperature,
        }
        if self.config.base_url:
            kwargs["api_base"] = self.config.base_url
            kwargs["api_key"] = self.config.api_key or "not-needed"
        elif self.config.api_key:
            kwargs["api_key"] = self.config.api_key
        if self.config.max_tokens is not None:
            kwargs["max_tokens"] = self.config.max_tokens
        if response_format:
            kwargs["response_format"] = response_format
        response = await self._litellm.acompletion(**kwargs)
        text = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        hidden = getattr(response, "_hidden_params", None) or {}
        cost = hidden.get("response_cost")
        return RawReply(
            text,
            int(getattr(usage, "prompt_tokens", 0) or 0),
            int(getattr(usage, "completion_tokens", 0) or 0),
            float(cost) if isinstance(cost, int | float) else None,
        )


def import_litellm() -> Any:
    """Import litellm with its bundled price list (it would otherwise fetch one at import)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


def make_teacher(config: TeacherConfig) -> Teacher:
    """The client the configuration names."""
    if config.client == "openai":
        return OpenAICompatibleTeacher(config)
    if config.client == "litellm":
        return LiteLLMTeacher(config)
    if config.client == "http":
        from graph.teacher_http import HttpTeacher  # aiohttp only when this client is chosen

        return HttpTeacher(config)
    raise TeacherError(f"unknown teacher client {config.client!r} (use 'openai', 'litellm' or 'http')")


async def check_teacher(teacher: Teacher) -> bool:
    """Cheap readiness probe: one tiny completion, no retries beyond the configured ones."""
    try:
        await teacher.complete([{"role": "user", "content": "Reply with the single word: ready"}])
    except TeacherError as exc:
        log.warning("teacher %s not ready: %s", teacher.model, exc)
        return False
    return True
