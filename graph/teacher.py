"""Teacher LLM clients: any OpenAI-compatible endpoint (langchain-openai, or the bare ``http``
client of ``teacher_http`` where CPU per call matters) or any LiteLLM provider.

tenacity is the only retry layer (the SDKs' own retries are off): exponential backoff with jitter
on timeouts, connection errors, 429 and 5xx, honouring Retry-After; other 4xx fail at once. Every
attempt is counted, so usage reflects what the endpoint really served.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from graph.errors import TeacherError, TeacherUnavailableError
from graph.result import Usage
from graph.retrying import EndpointStatusError, backoff_s, is_retryable, retry_after_s, status_of

log = logging.getLogger(__name__)

Message = dict[str, str]


@dataclass(frozen=True, slots=True)
class TeacherConfig:
    """Which teacher to call and how patiently. ``model`` is the provider's model name."""

    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    client: Literal["openai", "litellm", "http"] = "openai"
    timeout_s: float = 60.0
    max_retries: int = 4
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 20.0
    retry_after_max_s: float = 60.0
    temperature: float = 0.0
    max_tokens: int | None = None
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None


@dataclass(frozen=True, slots=True)
class TeacherReply:
    """The reply text plus what it cost: usage summed over every attempt of this call."""

    text: str
    usage: Usage
    latency_s: float


@dataclass(slots=True)
class _Raw:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None


class Teacher(ABC):
    """A chat model behind the retry policy. Subclasses make exactly one attempt in ``_attempt``."""

    def __init__(self, config: TeacherConfig) -> None:
        self.config = config

    @property
    def model(self) -> str:
        return self.config.model

    async def aclose(self) -> None:
        """Release connections held by this client (a no-op where the SDK pools them itself)."""
        return None

    @abstractmethod
    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> _Raw:
        """One request to the endpoint, no retries."""

    def _cost(self, raw: _Raw) -> float | None:
        cfg = self.config
        if cfg.input_cost_per_token is not None or cfg.output_cost_per_token is not None:
            return raw.prompt_tokens * (cfg.input_cost_per_token or 0.0) + raw.completion_tokens * (
                cfg.output_cost_per_token or 0.0
            )
        return raw.cost_usd

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_s(exc) if exc is not None else None
        if asked is not None:
            return min(asked, self.config.retry_after_max_s)
        return backoff_s(state.attempt_number, self.config.backoff_initial_s, self.config.backoff_max_s)

    async def complete(
        self, messages: list[Message], *, response_format: dict[str, Any] | None = None
    ) -> TeacherReply:
        """Ask the teacher; raise TeacherUnavailableError when retries run out, TeacherError on 4xx."""
        attempts = 0
        started = time.perf_counter()
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(self.config.max_retries + 1),
            wait=self._wait,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    async with asyncio.timeout(self.config.timeout_s):
                        raw = await self._attempt(messages, response_format)
        except Exception as exc:
            if isinstance(exc, TeacherError):
                raise
            status = status_of(exc)
            if is_retryable(exc):
                raise TeacherUnavailableError(
                    f"teacher {self.model!r} unavailable after {attempts} attempts: {exc}",
                    attempts=attempts,
                    status_code=status,
                ) from exc
            import openai

            if isinstance(exc, openai.OpenAIError | EndpointStatusError):
                raise TeacherError(
                    f"teacher {self.model!r} rejected the request ({status}): {exc}",
                    attempts=attempts,
                    status_code=status,
                ) from exc
            raise
        latency = time.perf_counter() - started
        usage = Usage(
            calls=1,
            attempts=attempts,
            prompt_tokens=raw.prompt_tokens,
            completion_tokens=raw.completion_tokens,
            cost_usd=self._cost(raw),
        )
        log.debug("teacher %s: %d attempt(s), %.3fs", self.model, attempts, latency)
        return TeacherReply(text=raw.text, usage=usage, latency_s=latency)


class DelegatingTeacher(Teacher):
    """A teacher that wraps another's whole calls, for work around them (waiting for a rate
    limit, giving up a CPU turn); retries and usage stay with the inner teacher."""

    def __init__(self, inner: Teacher) -> None:
        super().__init__(inner.config)
        self._inner = inner

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> _Raw:
        raise NotImplementedError(f"{type(self).__name__} delegates whole calls")  # pragma: no cover

    async def complete(
        self, messages: list[Message], *, response_format: dict[str, Any] | None = None
    ) -> TeacherReply:
        return await self._inner.complete(messages, response_format=response_format)

    async def aclose(self) -> None:
        await self._inner.aclose()


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

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> _Raw:
        extra: dict[str, Any] = {"response_format": response_format} if response_format else {}
        message = await self._client().ainvoke(messages, **extra)
        content = message.content
        text = (
            content
            if isinstance(content, str)
            else "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
        )
        meta = getattr(message, "usage_metadata", None) or {}
        return _Raw(text, int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0)))


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

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> _Raw:
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
        return _Raw(
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
        from graph.teacher_http import HttpTeacher

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
