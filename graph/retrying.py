"""The one retry layer for teacher calls: which failures are worth another attempt, and how long to wait.

The SDK clients raise the OpenAI SDK's exception types (LiteLLM subclasses them); the bare ``http``
client raises the two endpoint errors below. One classifier covers all three. The SDKs' own
retries are switched off by the clients.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 409, 429})


class EndpointStatusError(Exception):
    """An HTTP error status from a client that does not raise the OpenAI SDK's types (``http``)."""

    def __init__(self, status_code: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code
        self.body = message
        self.headers: Mapping[str, str] = dict(headers or {})


class EndpointConnectionError(Exception):
    """The endpoint could not be reached or dropped the connection (transient by nature)."""


def status_of(exc: BaseException) -> int | None:
    """The HTTP status carried by an SDK error, if any."""
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_retryable(exc: BaseException) -> bool:
    """Timeouts, connection errors, 429 and 5xx are transient; any other 4xx will fail again."""
    import openai

    if isinstance(
        exc,
        asyncio.TimeoutError
        | TimeoutError
        | EndpointConnectionError
        | openai.APITimeoutError
        | openai.APIConnectionError,
    ):
        return True
    status = status_of(exc)
    if status is not None:
        return status in RETRYABLE_STATUS or status >= 500
    return isinstance(exc, openai.APIError) and not isinstance(exc, openai.APIResponseValidationError)


def _headers_of(exc: BaseException) -> Mapping[str, Any]:
    headers = getattr(exc, "headers", None)
    if isinstance(headers, Mapping):
        return headers
    response = getattr(exc, "response", None)
    found = getattr(response, "headers", None)
    return found if found is not None else {}


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After as seconds or an HTTP date), if it did."""
    headers = _headers_of(exc)
    raw = None
    for key in ("retry-after-ms", "Retry-After-Ms", "retry-after", "Retry-After"):
        if key in headers:
            raw = str(headers[key]).strip()
            if key.lower() == "retry-after-ms":
                try:
                    return max(0.0, float(raw) / 1000.0)
                except ValueError:
                    raw = None
                    continue
            break
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def backoff_s(attempt: int, initial_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter on top: initial * 2**(attempt-1) + U(0, initial)."""
    jitter = (rng or random).uniform(0.0, initial_s)
    return float(min(max_s, initial_s * (2 ** max(0, attempt - 1)) + jitter))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How patiently one endpoint is called: per-attempt timeout, retries, backoff bounds."""

    timeout_s: float = 60.0
    max_retries: int = 4
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 20.0
    retry_after_max_s: float = 60.0


class Retrier:
    """Runs one logical call through tenacity and counts its attempts (usage counts every attempt,
    failed ones included, so ``attempts`` stays readable after the call raised)."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.attempts = 0

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_s(exc) if exc is not None else None
        if asked is not None:
            return min(asked, self.policy.retry_after_max_s)
        return backoff_s(state.attempt_number, self.policy.backoff_initial_s, self.policy.backoff_max_s)

    async def __call__(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt()`` until it succeeds, fails for good, or retries run out (the last error is raised)."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(self.policy.max_retries + 1),
            wait=self._wait,
            reraise=True,
        )
        async for state in retrying:
            with state:
                self.attempts += 1
                async with asyncio.timeout(self.policy.timeout_s):
                    result = await attempt()
        return result
