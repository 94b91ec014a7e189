"""``--engine ray`` on a local Ray instance: same results, same resume, one shared rate limit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from graph.teacher import TeacherConfig
from service.bulk.ratelimit import RateLimit
from service.bulk.ray_engine import RayExecutor, RayOptions
from service.bulk.readers import InputSource
from service.bulk.runner import BulkRun
from service.bulk.work import WorkConfig
from service.store.db import Store
from tests.service.bulk.conftest import needs_teacher, passing, read_rows, run_then_resume, write_jsonl

ROOT = Path(__file__).resolve().parents[3]


async def test_ray_engine_resumes_exactly_once(tmp_path: Path, ray_local: str, teacher_server: Any) -> None:
    url = teacher_server(mode="competent")
    rows = [needs_teacher(i) if i % 2 else passing(i) for i in range(40)]
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", rows))
    output = tmp_path / "out.jsonl"
    teacher = TeacherConfig(model="test-teacher", base_url=str(url), api_key="test", max_retries=0)
    config = WorkConfig(namespace="ray-run", teacher=teacher)
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    executor = RayExecutor(config, RayOptions(actors=2), concurrency=8)
    executor.start()
    try:
        stored = await run_then_resume(executor, source, output, store, first=15, total=40)
    finally:
        executor.stop()
        await store.close()
    out = read_rows(output)
    assert len(out) == len({r["record_id"] for r in out}) == 40 == len(stored)
    statuses = {r["record_id"]: r["result"]["status"] for r in out}
    assert sorted(set(statuses.values())) == ["corrected", "unchanged"]
    assert sum(r["result"]["usage"]["calls"] for r in out) == 20
    assert len(url.server.chat_requests()) == 20


async def test_rate_limit_is_shared_by_all_ray_workers(
    tmp_path: Path, ray_local: str, teacher_server: Any
) -> None:
    url = teacher_server(mode="competent")
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", [needs_teacher(i) for i in range(45)]))
    teacher = TeacherConfig(model="test-teacher", base_url=str(url), api_key="test", max_retries=0)
    config = WorkConfig(namespace="ray-limited", teacher=teacher, rate_limit=RateLimit(requests_per_s=15))
    executor = RayExecutor(config, RayOptions(actors=2), concurrency=16)
    executor.start()
    try:
        started = time.monotonic()
        stats = await BulkRun(executor, tmp_path / "out.jsonl", concurrency=16).run(iter(source))
        elapsed = time.monotonic() - started
    finally:
        executor.stop()
    assert stats.processed == 45 and stats.usage.calls == 45
    # 15 may go at once (1 s of burst), the other 30 at 15/s across BOTH actors: at least 2 s.
    assert elapsed >= 1.9


def test_cli_joins_an_existing_cluster(tmp_path: Path, ray_local: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [passing(i) for i in range(12)])
    output = tmp_path / "out.jsonl"
    argv = [
        sys.executable, "-m", "service.cli", "correct", "--input", str(source), "--output", str(output),
        "--engine", "ray", "--ray-address", ray_local, "--ray-actors", "1", "--no-store", "--no-progress",
        "--strategy", "rules",
    ]  # fmt: skip
    done = subprocess.run(argv, check=False, cwd=ROOT, env=dict(os.environ), capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert len({r["record_id"] for r in read_rows(output)}) == 12
