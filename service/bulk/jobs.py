"""Bulk jobs in the service: submitted over HTTP, run in the background, persisted in the store.

A job is a :class:`~service.bulk.runner.BulkRun` over a file the server can read, writing to its
own directory under ``jobs_dir``. Because the run is resumable, a server restart simply starts
every unfinished job again: records already in its output are skipped, the rest run once, and the
stats count every segment. Inputs are checked at submission (``service.bulk.jobinput``); a job
that raises anything at all ends ``failed`` with the reason, so none stays ``running`` forever or
crashes again on the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from graph.errors import FollowfixError
from graph.teacher import TeacherConfig
from service.bulk.jobinput import JobInputError, check_input, check_path
from service.bulk.jobrepo import JobRepo
from service.bulk.ratelimit import LocalLimiter, RateLimit
from service.bulk.readers import InputSource
from service.bulk.runner import BulkRun, select
from service.bulk.settings import BulkSettings
from service.bulk.stats import RunStats
from service.bulk.work import RecordWorker, WorkConfig

logger = logging.getLogger(__name__)

CHUNK = 1 << 16


class JobOptions(BaseModel):
    """What a client may choose per job; the teacher is always the server's own."""

    strategy: Literal["hybrid", "teacher", "rules"] | None = None
    max_rounds: int = Field(default=3, ge=1, le=10)
    mode: Literal["strict", "loose"] = "strict"
    concurrency: int | None = Field(default=None, ge=1, le=1024)
    limit: int | None = Field(default=None, ge=1)
    format: Literal["auto", "jsonl", "parquet", "hf"] = "auto"
    split: str | None = None
    prompts_path: str | None = None
    requests_per_s: float | None = Field(default=None, gt=0)
    tokens_per_min: float | None = Field(default=None, gt=0)


class JobProgress:
    """The runner's Reporter for a job: keeps live stats and saves them at most every few tenths."""

    def __init__(self, repo: JobRepo, job_id: str, every_s: float) -> None:
        self.repo, self.job_id, self.every_s = repo, job_id, every_s
        self.stats = RunStats()
        self._last = 0.0
        self._saving: asyncio.Task[bool] | None = None

    def start(self, stats: RunStats) -> None:
        self.stats = stats

    def update(self, stats: RunStats) -> None:
        self.stats = stats
        now = time.monotonic()
        if now - self._last >= self.every_s and (self._saving is None or self._saving.done()):
            self._last = now
            self._saving = asyncio.get_running_loop().create_task(self._save(stats.to_dict()))

    async def _save(self, stats: dict[str, Any]) -> bool:
        """Progress is advisory: a store hiccup skips one save, the next interval tries again."""
        try:
            return await self.repo.update(self.job_id, only_if_unfinished=True, stats=stats)
        except FollowfixError as exc:
            logger.warning("bulk job %s: progress not saved: %s", self.job_id, exc)
            return False

    def finish(self, stats: RunStats) -> None:
        self.stats = stats


class JobManager:
    """Starts, resumes, cancels and reports bulk jobs of one server process."""

    def __init__(
        self,
        store: Any,
        settings: BulkSettings,
        teacher: TeacherConfig | None = None,
        default_strategy: str | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.teacher = teacher
        self.default_strategy = default_strategy
        self.repo = JobRepo(store.engine)
        self._slots = asyncio.Semaphore(settings.max_running_jobs)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._progress: dict[str, JobProgress] = {}

    async def start(self) -> None:
        """Resume every job a previous server process left unfinished."""
        for row in await self.repo.unfinished():
            logger.info("resuming bulk job %s (%s)", row["id"], row["status"])
            self._launch(row["id"])

    async def stop(self) -> None:
        """Stop running jobs without marking them: the next start resumes them."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def job_dir(self, job_id: str) -> Path:
        return self.settings.jobs_dir / job_id

    def check_input_path(self, path: str, field: str = "input_path") -> Path:
        """A server-side input must exist under a configured root (no reading arbitrary files)."""
        return check_path(path, self.settings.job_input_roots, field)

    async def _checked_prompts(self, options: JobOptions) -> JobOptions:
        if options.prompts_path is None:
            return options
        prompts = self.check_input_path(options.prompts_path, "options.prompts_path")
        await asyncio.to_thread(check_input, prompts, "jsonl", "options.prompts_path", None)
        return options.model_copy(update={"prompts_path": str(prompts)})

    async def submit_path(self, path: str, options: JobOptions) -> str:
        resolved = self.check_input_path(path)
        await asyncio.to_thread(check_input, resolved, options.format, "input_path")
        options = await self._checked_prompts(options)
        job_id = uuid.uuid4().hex
        self.job_dir(job_id).mkdir(parents=True, exist_ok=True)
        return await self._create(job_id, resolved, options)

    async def submit_upload(self, chunks: AsyncIterator[bytes], options: JobOptions) -> str:
        """Save an uploaded JSONL body in the job's directory, then queue the job."""
        options = await self._checked_prompts(options)
        job_id = uuid.uuid4().hex
        directory = self.job_dir(job_id)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "input.jsonl"
        with open(path, "wb") as handle:
            async for chunk in chunks:
                handle.write(chunk)
        if path.stat().st_size == 0:
            raise JobInputError("the uploaded body is empty: send JSONL rows", field="body")
        return await self._create(job_id, path, options.model_copy(update={"format": "jsonl"}))

    async def _create(self, job_id: str, path: Path, options: JobOptions) -> str:
        output = self.job_dir(job_id) / "output.jsonl"
        await self.repo.create(job_id, str(path), str(output), options.model_dump())
        self._launch(job_id)
        return job_id

    def _launch(self, job_id: str) -> None:
        task = asyncio.get_running_loop().create_task(self._execute(job_id), name=f"bulk-job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(job_id, None))

    async def cancel(self, job_id: str) -> bool:
        """Mark cancelled (if still unfinished) and stop its task; results so far stay readable."""
        changed = await self.repo.update(job_id, only_if_unfinished=True, status="cancelled")
        task = self._tasks.get(job_id)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return changed

    def live_stats(self, job_id: str) -> dict[str, Any] | None:
        progress = self._progress.get(job_id)
        return progress.stats.to_dict() if progress is not None else None

    async def _execute(self, job_id: str) -> None:
        """Run one job to its end. Any exception ends it ``failed`` with the reason (a failed job is
        terminal, so a restart does not run into it again); only a store that cannot take even
        that leaves it unfinished, to be resumed by the next start."""
        async with self._slots:
            progress = JobProgress(self.repo, job_id, self.settings.job_progress_every_s)
            self._progress[job_id] = progress
            try:
                stats = await self._start_and_run(job_id, progress)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.exception("bulk job %s failed", job_id)
                await self._finish(job_id, "failed", f"{type(exc).__name__}: {exc}", progress.stats)
                return
            finally:
                self._progress.pop(job_id, None)
            if stats is None:
                return
            error = f"{stats.retryable} records hit transient errors; resubmit" if stats.retryable else None
            await self._finish(job_id, "failed" if stats.retryable else "done", error, stats)

    async def _start_and_run(self, job_id: str, progress: JobProgress) -> RunStats | None:
        row = await self.repo.get(job_id)
        if row is None or not await self.repo.update(job_id, only_if_unfinished=True, status="running"):
            return None
        options = JobOptions.model_validate(row["options"])
        return await self._run(job_id, row, options, progress)

    async def _finish(self, job_id: str, status: str, error: str | None, stats: RunStats) -> None:
        try:
            await self.repo.update(
                job_id, only_if_unfinished=True, status=status, error=error, stats=stats.to_dict()
            )
        except FollowfixError as exc:  # the store is down: the job stays unfinished and resumes
            logger.error("bulk job %s ended %s but could not be marked: %s", job_id, status, exc)

    async def _run(
        self, job_id: str, row: dict[str, Any], options: JobOptions, progress: JobProgress
    ) -> RunStats:
        source = InputSource(
            row["input_path"], fmt=options.format, prompts=options.prompts_path, split=options.split
        )
        config = WorkConfig(
            namespace=f"job:{job_id}",
            strategy=options.strategy or self.default_strategy,
            max_rounds=options.max_rounds,
            mode=options.mode,
            teacher=self.teacher,
            rate_limit=RateLimit(options.requests_per_s, options.tokens_per_min),
        )
        total = await asyncio.to_thread(source.count)
        if options.limit is not None:
            total = min(total, options.limit)
        worker = RecordWorker(config, LocalLimiter(config.rate_limit))
        run = BulkRun(
            worker,
            Path(row["output_path"]),
            store=self.store,
            source=f"job:{job_id}",
            concurrency=options.concurrency or self.settings.job_concurrency,
            reporter=progress,
            carry_over=True,
        )
        try:
            return await run.run(select(source, limit=options.limit, shuffle=False, seed=0), total)
        finally:
            await worker.aclose()


async def read_complete_lines(path: Path) -> AsyncIterator[bytes]:
    """A job's output as it is now, whole lines only (a line being appended is left for later)."""
    if not path.exists():
        return
    with open(path, "rb") as handle:
        pending = b""
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            pending += chunk
            cut = pending.rfind(b"\n")
            if cut >= 0:
                yield pending[: cut + 1]
                pending = pending[cut + 1 :]
