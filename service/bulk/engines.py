"""Which executor corrects the records of a bulk run: this process, worker processes, or Ray.

Each is awaitable per record (``service.bulk.runner.Process``); the caller gets it with the
coroutine function that releases it, so every caller stops every engine the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from service.bulk.runner import Process
from service.bulk.work import WorkConfig

Close = Callable[[], Awaitable[None]]


async def open_engine(
    config: WorkConfig,
    *,
    engine: str = "local",
    workers: int = 1,
    concurrency: int = 16,
    ray_address: str | None = None,
    ray_actors: int | None = None,
) -> tuple[Process, Close]:
    """The executor the options name, started, and how to stop it."""
    if engine == "ray":
        from service.bulk.ray_engine import RayExecutor, RayOptions

        actors = RayExecutor(config, RayOptions(ray_address, ray_actors), concurrency)
        actors.start()

        async def stop_actors() -> None:
            actors.stop()

        return actors, stop_actors
    if workers > 1:
        from service.bulk.process_engine import ProcessExecutor

        processes = ProcessExecutor(config, workers)
        await processes.start()
        return processes, processes.stop
    from service.bulk.ratelimit import LocalLimiter
    from service.bulk.work import RecordWorker

    worker = RecordWorker(config, LocalLimiter(config.rate_limit))
    return worker, worker.aclose
