"""Per-job teacher rate limits (requests/s and tokens/min), honoured across every worker.

One reservation algorithm (a token bucket that may go negative: a caller takes what it needs at
once and sleeps off the debt, so concurrent callers are served in arrival order) behind three
homes for its state: this process (:class:`LocalLimiter`), a named Ray actor shared by every Ray
worker (:mod:`service.bulk.ray_engine`) and Redis shared by any process anywhere
(:class:`RedisLimiter`). Tokens are reserved from an estimate before a call and settled with the
real usage after it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``None`` means unlimited. ``burst_s`` is how many seconds of rate may be spent at once."""

    requests_per_s: float | None = None
    tokens_per_min: float | None = None
    burst_s: float = 1.0

    @property
    def enabled(self) -> bool:
        return bool(self.requests_per_s) or bool(self.tokens_per_min)


class Limiter(Protocol):
    """What a teacher call site needs: wait for room, then report the real token count."""

    async def acquire(self, tokens: int = 0) -> None: ...

    async def settle(self, estimated: int, actual: int) -> None: ...


class Bucket:
    """A reservation token bucket; time is passed in so the logic is testable and portable."""

    def __init__(self, rate_per_s: float, capacity: float, now: float) -> None:
        self.rate = rate_per_s
        self.capacity = max(capacity, 1.0)
        self.level = self.capacity
        self.stamp = now

    def reserve(self, amount: float, now: float) -> float:
        """Take ``amount`` now; returns the seconds the caller must wait before using it."""
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        self.level -= amount
        return 0.0 if self.level >= 0 else -self.level / self.rate

    def refund(self, amount: float) -> None:
        """Give back an over-estimate (or take more, with a negative amount)."""
        self.level = min(self.capacity, self.level + amount)


class Buckets:
    """Both limits of one job; ``reserve`` returns the longer of the two waits."""

    def __init__(self, limit: RateLimit, now: float | None = None) -> None:
        start = time.monotonic() if now is None else now
        self.requests = (
            Bucket(limit.requests_per_s, limit.requests_per_s * limit.burst_s, start)
            if limit.requests_per_s
            else None
        )
        tokens_per_s = (limit.tokens_per_min or 0.0) / 60.0
        self.tokens = Bucket(tokens_per_s, tokens_per_s * limit.burst_s, start) if tokens_per_s else None

    def reserve(self, tokens: int, now: float | None = None) -> float:
        at = time.monotonic() if now is None else now
        wait = 0.0
        if self.requests is not None:
            wait = max(wait, self.requests.reserve(1, at))
        if self.tokens is not None and tokens:
            wait = max(wait, self.tokens.reserve(tokens, at))
        return wait

    def settle(self, estimated: int, actual: int) -> None:
        if self.tokens is not None:
            self.tokens.refund(estimated - actual)


class LocalLimiter:
    """The limiter for one process (the local engine and the API's job runner)."""

    def __init__(self, limit: RateLimit) -> None:
        self._buckets = Buckets(limit)

    async def acquire(self, tokens: int = 0) -> None:
        wait = self._buckets.reserve(tokens)
        if wait > 0:
            await asyncio.sleep(wait)

    async def settle(self, estimated: int, actual: int) -> None:
        self._buckets.settle(estimated, actual)


# KEYS[1]: the bucket hash. ARGV: rate/s, capacity, amount. Server time, so clocks never disagree.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'level', 'stamp')
local level = tonumber(state[1]) or capacity
local stamp = tonumber(state[2]) or now
level = math.min(capacity, level + (now - stamp) * rate) - tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'level', tostring(level), 'stamp', tostring(now))
redis.call('EXPIRE', KEYS[1], 86400)
if level >= 0 then return '0' end
return tostring(-level / rate)
"""

_REFUND = """
local level = tonumber(redis.call('HGET', KEYS[1], 'level'))
if level == nil then return 0 end
level = math.min(tonumber(ARGV[1]), level + tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'level', tostring(level))
return 1
"""


class RedisLimiter:
    """The same buckets kept in Redis under ``prefix``: one limit for workers on many machines."""

    def __init__(self, client: Any, limit: RateLimit, prefix: str) -> None:
        self._client = client
        self._limit = limit
        self._prefix = prefix
        self._reserve = client.register_script(_RESERVE)
        self._refund = client.register_script(_REFUND)

    def _token_rate(self) -> float:
        return (self._limit.tokens_per_min or 0.0) / 60.0

    async def acquire(self, tokens: int = 0) -> None:
        waits = [0.0]
        rps = self._limit.requests_per_s
        if rps:
            capacity = max(rps * self._limit.burst_s, 1.0)
            waits.append(float(await self._reserve(keys=[f"{self._prefix}:rps"], args=[rps, capacity, 1])))
        rate = self._token_rate()
        if rate and tokens:
            capacity = max(rate * self._limit.burst_s, 1.0)
            keys = [f"{self._prefix}:tpm"]
            waits.append(float(await self._reserve(keys=keys, args=[rate, capacity, tokens])))
        if max(waits) > 0:
            await asyncio.sleep(max(waits))

    async def settle(self, estimated: int, actual: int) -> None:
        rate = self._token_rate()
        if rate and estimated != actual:
            capacity = max(rate * self._limit.burst_s, 1.0)
            await self._refund(keys=[f"{self._prefix}:tpm"], args=[capacity, estimated - actual])
