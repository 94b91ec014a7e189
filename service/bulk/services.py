"""Bulk jobs and collection as service components: built and stopped by the app's lifespan."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry

from graph.teacher import TeacherConfig
from service.bulk.backlog import CollectMetrics
from service.bulk.collect import CollectWorkers
from service.bulk.jobs import JobManager
from service.bulk.queue import CollectQueue
from service.bulk.redis_queue import RedisStreamQueue
from service.bulk.settings import BulkSettings
from service.bulk.table_queue import TableQueue
from service.bulk.work import RecordWorker, WorkConfig

logger = logging.getLogger(__name__)


@dataclass
class BulkServices:
    settings: BulkSettings
    jobs: JobManager
    queue: CollectQueue
    collectors: CollectWorkers
    metrics: CollectMetrics | None = None

    async def refresh_metrics(self) -> None:
        """Bring the backlog gauges up to date (called when ``/metrics`` is scraped)."""
        if self.metrics is not None:
            await self.metrics.refresh(self.queue, self.collectors.running)

    async def stop(self) -> None:
        """Stop workers and jobs; unfinished jobs stay unfinished, so the next start resumes them."""
        await self.collectors.stop()
        await self.collectors.worker.aclose()
        await self.jobs.stop()
        await self.queue.close()


def make_queue(settings: BulkSettings, store: Any) -> CollectQueue:
    if settings.queue_url and settings.queue_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStreamQueue.from_url(
            settings.queue_url,
            settings.queue_name,
            settings.collect_max_pending,
            settings.collect_lease_s,
            settings.collect_retry_after_s,
            settings.collect_max_attempts,
        )
    return TableQueue(
        store.engine,
        settings.collect_max_pending,
        settings.collect_lease_s,
        settings.collect_retry_after_s,
        settings.collect_max_attempts,
    )


async def start_bulk(
    store: Any,
    teacher: TeacherConfig | None,
    default_strategy: str | None = None,
    settings: BulkSettings | None = None,
    registry: CollectorRegistry | None = None,
) -> BulkServices:
    """Resume unfinished jobs and start the collect workers (their metrics on ``registry``)."""
    settings = settings or BulkSettings()
    jobs = JobManager(store, settings, teacher, default_strategy)
    await jobs.start()
    queue = make_queue(settings, store)
    worker = RecordWorker(WorkConfig(namespace="collect", strategy=default_strategy, teacher=teacher))
    metrics = CollectMetrics(registry) if registry is not None else None
    collectors = CollectWorkers(queue, store, worker, settings.collect_workers, metrics)
    collectors.start()
    logger.info("bulk: jobs under %s, collect queue %s", settings.jobs_dir, type(queue).__name__)
    return BulkServices(settings, jobs, queue, collectors, metrics)
