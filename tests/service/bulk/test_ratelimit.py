"""Rate limits: the bucket arithmetic, and the limit honoured by many concurrent callers."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from service.bulk.ratelimit import Bucket, Buckets, LocalLimiter, RateLimit, RedisLimiter


def test_bucket_reserves_and_charges_debt() -> None:
    bucket = Bucket(rate_per_s=10, capacity=2, now=0.0)
    assert bucket.reserve(1, 0.0) == 0.0
    assert bucket.reserve(1, 0.0) == 0.0
    assert bucket.reserve(1, 0.0) == pytest.approx(0.1)
    assert bucket.reserve(1, 0.0) == pytest.approx(0.2)
    assert bucket.reserve(1, 1.0) == 0.0  # refilled (capped at capacity) after a second


def test_tokens_settle_against_real_usage() -> None:
    buckets = Buckets(RateLimit(tokens_per_min=600), now=0.0)  # 10 tokens/s, burst 10
    assert buckets.reserve(10, 0.0) == 0.0
    assert buckets.reserve(10, 0.0) == pytest.approx(1.0)
    buckets.settle(estimated=10, actual=0)  # the call used nothing: the debt is forgiven
    assert buckets.reserve(0, 0.0) == 0.0
    assert buckets.reserve(5, 0.0) == pytest.approx(0.5)


async def _burst(limiters: list[object], calls: int) -> float:
    started = time.monotonic()

    async def one(index: int) -> None:
        await limiters[index % len(limiters)].acquire(0)  # type: ignore[attr-defined]

    await asyncio.gather(*(one(i) for i in range(calls)))
    return time.monotonic() - started


async def test_local_limiter_holds_requests_per_second() -> None:
    limiter = LocalLimiter(RateLimit(requests_per_s=50))
    elapsed = await _burst([limiter], 100)
    # 50 burst at once, the other 50 at 50/s: about one second, never less.
    assert 0.95 <= elapsed < 2.0


async def test_redis_limiter_is_shared_by_independent_clients() -> None:
    import redis.asyncio as redis

    clients = [redis.Redis(host="127.0.0.1", port=6379) for _ in range(3)]
    prefix = f"followfix-test:{uuid.uuid4().hex}"
    try:
        limit = RateLimit(requests_per_s=40)
        limiters = [RedisLimiter(client, limit, prefix) for client in clients]
        elapsed = await _burst(limiters, 80)
        # Three "workers" with separate connections still share one 40/s budget (40 burst + 40 more).
        assert 0.95 <= elapsed < 2.5
    finally:
        await clients[0].delete(f"{prefix}:rps", f"{prefix}:tpm")
        for client in clients:
            await client.aclose()
