"""``--engine ray``: the same per-record function on a Ray cluster, through a pool of async actors.

The driver keeps everything that decides "done" (reader, done-set, store writes, output file) and
uses the same :class:`~service.bulk.runner.BulkRun` as the local engine; only the executor differs:
each record goes to an actor that holds a :class:`~service.bulk.work.RecordWorker`. So resume and
exactly-once are identical on both engines. Actors (not Ray Data) because results must stream back
to one writer in completion order, and a Ray Data pipeline would need its own resume bookkeeping.
The teacher rate limit lives in one named actor that every worker asks before each call.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import math
from dataclasses import dataclass
from typing import Any

import ray

from service.bulk.loop import freeze_heap
from service.bulk.outcome import Outcome
from service.bulk.ratelimit import Buckets, RateLimit
from service.bulk.records import BulkRecord
from service.bulk.work import RecordWorker, WorkConfig

logger = logging.getLogger(__name__)

RAY_NAMESPACE = "followfix"


class LimiterState:
    """The body of the limiter actor: one set of buckets for every worker of one job."""

    def __init__(self, limit: RateLimit) -> None:
        self._buckets = Buckets(limit)

    def reserve(self, tokens: int) -> float:
        return self._buckets.reserve(tokens)

    def settle(self, estimated: int, actual: int) -> None:
        self._buckets.settle(estimated, actual)


class RayLimiter:
    """A :class:`~service.bulk.ratelimit.Limiter` backed by the named limiter actor."""

    def __init__(self, name: str) -> None:
        self._actor = ray.get_actor(name, namespace=RAY_NAMESPACE)

    async def acquire(self, tokens: int = 0) -> None:
        wait = float(await self._actor.reserve.remote(tokens))
        if wait > 0:
            await asyncio.sleep(wait)

    async def settle(self, estimated: int, actual: int) -> None:
        await self._actor.settle.remote(estimated, actual)


class RecordActorBody:
    """The body of a worker actor: builds its worker once, then corrects records concurrently."""

    def __init__(self, config: WorkConfig, limiter_name: str | None) -> None:
        logging.basicConfig(level=logging.INFO)
        limiter = RayLimiter(limiter_name) if limiter_name else None
        self._worker = RecordWorker(config, limiter)
        freeze_heap()

    async def process(self, record: dict[str, Any]) -> Outcome:
        # Pickled as is (the result model pickles without re-validation): a JSON round trip
        # cost the driver more CPU per record than anything else it does.
        return await self._worker(BulkRecord.from_dict(record))

    def ready(self) -> bool:
        return True


@dataclass
class RayOptions:
    """Where and how wide: ``address`` None starts a local instance; actors default to one per CPU."""

    address: str | None = None
    actors: int | None = None
    num_cpus_per_actor: float = 1.0


def connect(address: str | None) -> None:
    """Join ``address`` (``auto`` or ``host:port``), start a local instance, or reuse the live one."""
    if ray.is_initialized():
        return
    if address:
        ray.init(address=address, namespace=RAY_NAMESPACE, log_to_driver=False)
    else:
        ray.init(namespace=RAY_NAMESPACE, include_dashboard=False, log_to_driver=False)


class RayExecutor:
    """Round-robins records over a pool of actors; awaitable per record, like the local worker."""

    def __init__(self, config: WorkConfig, options: RayOptions, concurrency: int) -> None:
        self.config = config
        self.options = options
        self.concurrency = concurrency
        self._actors: list[Any] = []
        self._limiter: Any = None
        self._cycle: Any = None

    def start(self) -> None:
        connect(self.options.address)
        cpus = float(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]
        count = self.options.actors or max(1, int(cpus // self.options.num_cpus_per_actor))
        per_actor = max(1, math.ceil(self.concurrency / count))
        limiter_name = None
        if self.config.rate_limit.enabled and self.config.teacher is not None:
            digest = hashlib.sha256(self.config.namespace.encode()).hexdigest()[:16]
            limiter_name = f"followfix-limit-{digest}"
            self._limiter = (
                ray.remote(LimiterState)
                .options(name=limiter_name, namespace=RAY_NAMESPACE, get_if_exists=True, num_cpus=0)
                .remote(self.config.rate_limit)
            )
        actor_cls = ray.remote(RecordActorBody).options(
            max_concurrency=per_actor, num_cpus=self.options.num_cpus_per_actor
        )
        self._actors = [actor_cls.remote(self.config, limiter_name) for _ in range(count)]
        ray.get([actor.ready.remote() for actor in self._actors])
        self._cycle = itertools.cycle(self._actors)
        logger.info("ray engine: %d actors x %d concurrent records", count, per_actor)

    async def __call__(self, record: BulkRecord) -> Outcome:
        actor = next(self._cycle)
        try:
            outcome: Outcome = await actor.process.remote(record.to_dict())
        except ray.exceptions.RayActorError as exc:
            logger.error("record %s: ray actor died, will retry on rerun: %s", record.id, exc)
            return Outcome(record.id, error=str(exc), error_code="RayActorError", retryable=True)
        return outcome

    def stop(self) -> None:
        for actor in self._actors:
            ray.kill(actor)
        if self._limiter is not None:
            ray.kill(self._limiter)
        self._actors = []
        self._limiter = None
