"""``--workers N``: records corrected in worker processes, with the parent's resume, store and limit."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graph.teacher import TeacherConfig
from service.bulk.process_engine import ProcessExecutor
from service.bulk.ratelimit import RateLimit
from service.bulk.readers import InputSource
from service.bulk.records import BulkRecord
from service.bulk.runner import BulkRun
from service.bulk.work import WorkConfig
from service.store.db import Store
from tests.service.bulk.conftest import (
    needs_teacher,
    passing,
    read_rows,
    rule_fixable,
    run_then_resume,
    write_jsonl,
)

ROOT = Path(__file__).resolve().parents[3]


def teacher_config(url: str) -> TeacherConfig:
    return TeacherConfig(
        model="test-teacher", base_url=str(url), api_key="test", max_retries=0, client="http"
    )


async def test_worker_processes_resume_exactly_once(tmp_path: Path, teacher_server: Any) -> None:
    url = teacher_server(mode="competent")
    rows = [(needs_teacher, passing, rule_fixable)[i % 3](i) for i in range(42)]
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", rows))
    output = tmp_path / "out.jsonl"
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    executor = ProcessExecutor(WorkConfig(namespace="proc-run", teacher=teacher_config(url)), workers=2)
    await executor.start()
    try:
        stored = await run_then_resume(executor, source, output, store, first=17, total=42)
    finally:
        await executor.stop()
        await store.close()
    out = read_rows(output)
    assert len(out) == len({r["record_id"] for r in out}) == 42 == len(stored)
    statuses = sorted({r["result"]["status"] for r in out})
    assert statuses == ["corrected", "unchanged"]
    assert sum(r["result"]["usage"]["calls"] for r in out) == 14 == len(url.server.chat_requests())
    assert all(r["result"]["verdicts_after"][0]["passed"] for r in out)


async def test_rate_limit_is_shared_by_all_worker_processes(tmp_path: Path, teacher_server: Any) -> None:
    url = teacher_server(mode="competent")
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", [needs_teacher(i) for i in range(45)]))
    config = WorkConfig(
        namespace="proc-limited", teacher=teacher_config(url), rate_limit=RateLimit(requests_per_s=15)
    )
    executor = ProcessExecutor(config, workers=2)
    await executor.start()
    try:
        started = time.monotonic()
        stats = await BulkRun(executor, tmp_path / "out.jsonl", concurrency=16).run(iter(source))
        elapsed = time.monotonic() - started
    finally:
        await executor.stop()
    assert stats.processed == 45 and stats.usage.calls == 45
    # 15 may go at once (1 s of burst), the other 30 at 15/s across BOTH processes: at least 2 s.
    assert elapsed >= 1.9


async def test_a_dead_worker_fails_its_records_as_retryable(tmp_path: Path, teacher_server: Any) -> None:
    url = teacher_server(mode="slow", latency_s=2.0)
    executor = ProcessExecutor(WorkConfig(namespace="proc-dead", teacher=teacher_config(url)), workers=2)
    await executor.start()
    try:
        records = [BulkRecord.from_dict({"id": f"d{i}", **_fields(i)}) for i in range(4)]
        calls = [asyncio.create_task(executor(r)) for r in records]
        await asyncio.sleep(0.5)  # all four are waiting for the slow teacher, two per process
        victim = executor._workers[0].process
        os.kill(victim.pid, signal.SIGKILL)
        outcomes = await asyncio.wait_for(asyncio.gather(*calls), 30)
        # A record sent after the death goes to the live process.
        after = await asyncio.wait_for(executor(BulkRecord.from_dict({"id": "d4", **_fields(4)})), 30)
    finally:
        await executor.stop()
    died = [o for o in outcomes if o.error_code == "WorkerDied"]
    finished = [o for o in outcomes if o.result is not None]
    assert len(died) == 2 and all(o.retryable for o in died)
    assert {o.record_id for o in died} | {o.record_id for o in finished} == {"d0", "d1", "d2", "d3"}
    assert len(finished) == 2
    assert after.result is not None and after.result.status == "corrected"


def _fields(index: int) -> dict[str, Any]:
    row = needs_teacher(index)
    constraints = [{"id": "keywords:existence", "kwargs": row["kwargs"][0]}]
    return {"instruction": row["prompt"], "response": row["response"], "constraints": constraints}


def test_cli_runs_with_worker_processes(tmp_path: Path, teacher_server: Any) -> None:
    url = teacher_server(mode="competent")
    source = write_jsonl(tmp_path / "in.jsonl", [needs_teacher(i) for i in range(12)])
    output = tmp_path / "out.jsonl"
    argv = [
        sys.executable, "-m", "service.cli", "correct", "--input", str(source), "--output", str(output),
        "--teacher", "test-teacher", "--base-url", url, "--no-store", "--workers", "2", "--no-progress",
    ]  # fmt: skip
    done = subprocess.run(argv, check=False, cwd=ROOT, env=dict(os.environ), capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    rows = read_rows(output)
    assert len(rows) == 12 and all(r["result"]["status"] == "corrected" for r in rows)


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_cli_rejects_a_worker_count_below_one(tmp_path: Path, workers: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [passing(0)])
    argv = [
        sys.executable, "-m", "service.cli", "correct", "--input", str(source), "--output",
        str(tmp_path / "out.jsonl"), "--no-store", "--workers", workers, "--no-progress",
    ]  # fmt: skip
    done = subprocess.run(argv, check=False, cwd=ROOT, env=dict(os.environ), capture_output=True, timeout=120)
    assert done.returncode == 2
    assert "--workers must be at least 1" in done.stderr.decode()
