"""The teacher contract every client implements: configuration, reply, and the retry policy around
exactly one attempt.

Kept apart from the concrete clients (``graph.teacher``, ``graph.teacher_http``) so that they all
import this module and none imports another: the factory in ``graph.teacher`` sits on top.
tenacity is the only retry layer (the SDKs' own retries are off): exponential backoff with jitter
on timeouts, connection errors, 429 and 5xx, honouring Retry-After; other 4xx fail at once. Every
attempt is counted, so usage reflects what the endpoint really served.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

from graph.errors import TeacherError, TeacherUnavailableError
from graph.result import Usage
from graph.retrying import EndpointStatusError, Retrier, RetryPolicy, is_retryable, status_of

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

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            backoff_initial_s=self.backoff_initial_s,
            backoff_max_s=self.backoff_max_s,
            retry_after_max_s=self.retry_after_max_s,
        )


@dataclass(frozen=True, slots=True)
class TeacherReply:
    """The reply text plus what it cost: usage summed over every attempt of this call."""

    text: str
    usage: Usage
    latency_s: float


@dataclass(slots=True)
class RawReply:
    """What one attempt brought back, before costs are worked out."""

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
    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> RawReply:
        """One request to the endpoint, no retries."""

    def _cost(self, raw: RawReply) -> float | None:
        cfg = self.config
        if cfg.input_cost_per_token is not None or cfg.output_cost_per_token is not None:
            return raw.prompt_tokens * (cfg.input_cost_per_token or 0.0) + raw.completion_tokens * (
                cfg.output_cost_per_token or 0.0
            )
        return raw.cost_usd

    def _reason(self, exc: BaseException) -> str:
        """Never empty: a timeout's own text is often blank (``TimeoutError()``)."""
        text = str(exc).strip()
        if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
            limit = f"no answer within {self.config.timeout_s:g}s"
            return f"{type(exc).__name__}: {text}; {limit}" if text else f"{type(exc).__name__}: {limit}"
        return text or type(exc).__name__

    async def complete(
        self, messages: list[Message], *, response_format: dict[str, Any] | None = None
    ) -> TeacherReply:
        """Ask the teacher; raise TeacherUnavailableError when retries run out, TeacherError on 4xx."""
        started = time.perf_counter()
        retrier = Retrier(self.config.retry_policy)
        try:
            raw = await retrier(lambda: self._attempt(messages, response_format))
        except Exception as exc:
            if isinstance(exc, TeacherError):
                raise
            attempts, status = retrier.attempts, status_of(exc)
            if is_retryable(exc):
                raise TeacherUnavailableError(
                    f"teacher {self.model!r} unavailable after {attempts} attempts: {self._reason(exc)}",
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
            attempts=retrier.attempts,
            prompt_tokens=raw.prompt_tokens,
            completion_tokens=raw.completion_tokens,
            cost_usd=self._cost(raw),
        )
        log.debug("teacher %s: %d attempt(s), %.3fs", self.model, retrier.attempts, latency)
        return TeacherReply(text=raw.text, usage=usage, latency_s=latency)


class DelegatingTeacher(Teacher):
    """A teacher that wraps another's whole calls, for work around them (waiting for a rate
    limit, giving up a CPU turn); retries and usage stay with the inner teacher."""

    def __init__(self, inner: Teacher) -> None:
        super().__init__(inner.config)
        self._inner = inner

    async def _attempt(self, messages: list[Message], response_format: dict[str, Any] | None) -> RawReply:
        raise NotImplementedError(f"{type(self).__name__} delegates whole calls")  # pragma: no cover

    async def complete(
        self, messages: list[Message], *, response_format: dict[str, Any] | None = None
    ) -> TeacherReply:
        return await self._inner.complete(messages, response_format=response_format)

    async def aclose(self) -> None:
        await self._inner.aclose()
