"""Prometheus view of the collect queue: its backlog by state, the workers' outcomes, live workers.

The backlog is read from the queue when ``/metrics`` is scraped (a count per scrape, not per item);
outcomes are counted by the workers of this process as they happen.
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import CollectorRegistry, Counter, Gauge

from graph.errors import FollowfixError
from service.bulk.queue import Backlog, CollectQueue

logger = logging.getLogger(__name__)

OUTCOMES = ("stored", "dead", "retry_later")


class CollectMetrics:
    """Registered on the app's registry, so ``/metrics`` shows them next to the request metrics."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.items = Gauge(
            "followfix_collect_items",
            "Collect queue items by state: queued (waiting), in_flight (claimed), dead (dead-lettered).",
            ["state"],
            registry=registry,
        )
        self.outcomes = Counter(
            "followfix_collect_outcomes",
            "Collect items handled by this process: stored, dead (dead-lettered), retry_later.",
            ["outcome"],
            registry=registry,
        )
        self.workers = Gauge(
            "followfix_collect_workers_running",
            "Collect worker tasks alive in this process.",
            registry=registry,
        )
        self.backlog_up = Gauge(
            "followfix_collect_backlog_up",
            "1 when the last backlog count succeeded, else 0.",
            registry=registry,
        )
        for outcome in OUTCOMES:
            self.outcomes.labels(outcome)

    def count(self, outcome: str) -> None:
        self.outcomes.labels(outcome).inc()

    def show(self, backlog: Backlog) -> None:
        self.items.labels("queued").set(backlog.queued)
        self.items.labels("in_flight").set(backlog.in_flight)
        self.items.labels("dead").set(backlog.dead)

    async def refresh(self, queue: CollectQueue, running: int, timeout_s: float = 2.0) -> None:
        """Count the backlog now; a queue that does not answer sets ``backlog_up`` to 0."""
        self.workers.set(running)
        try:
            async with asyncio.timeout(timeout_s):
                backlog = await queue.backlog()
        except (FollowfixError, TimeoutError) as exc:
            logger.warning("collect backlog not counted: %s", exc)
            self.backlog_up.set(0)
            return
        self.backlog_up.set(1)
        self.show(backlog)
