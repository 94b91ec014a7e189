"""SIGKILL in the middle of ``followfix correct``, rerun: every record exactly once, output and store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from service.bulk.ids import correction_id
from service.store.db import Store
from tests.service.bulk.conftest import needs_teacher, read_rows, write_jsonl

ROOT = Path(__file__).resolve().parents[3]
ROWS = 240


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.parametrize("workers", ["1", "2"])
async def test_sigkill_then_rerun_gives_every_record_exactly_once(
    tmp_path: Path, teacher_server: Any, workers: str
) -> None:
    """With ``--workers 2`` the killed parent leaves its worker processes orphaned: they see the
    closed socket, finish and exit, and nothing they did is counted twice."""
    url = teacher_server(mode="competent", latency_s=0.1)
    source = write_jsonl(tmp_path / "in.jsonl", [needs_teacher(i) for i in range(ROWS)])
    output = tmp_path / "out.jsonl"
    store_url = f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
    argv = [
        sys.executable, "-m", "service.cli", "correct", "--input", str(source), "--output", str(output),
        "--teacher", "test-teacher", "--base-url", url, "--store", store_url, "--concurrency", "8",
        "--no-progress", "--run-id", "kill-test", "--workers", workers,
    ]  # fmt: skip
    env = {**os.environ, "FOLLOWFIX_TEACHER_API_KEY": "", "OPENAI_API_KEY": "test"}
    first = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while count_lines(output) < 40:
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else "exited early"
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = count_lines(output)
    assert 40 <= killed_at < ROWS

    second = subprocess.run(argv, check=False, cwd=ROOT, env=env, capture_output=True, timeout=180)
    assert second.returncode == 0, second.stderr.decode()[-2000:]

    rows = read_rows(output)
    ids = [row["record_id"] for row in rows]
    expected = {f"r{i:05d}" for i in range(ROWS)}
    assert len(ids) == ROWS and set(ids) == expected  # each once: none lost, none twice
    assert all(row["result"]["status"] == "corrected" for row in rows)
    store = await Store.open(store_url)
    try:
        stored = [c.result.id async for c in store.iter_corrections()]
    finally:
        await store.close()
    assert len(stored) == ROWS
    assert set(stored) == {correction_id("kill-test", rid) for rid in expected}
    assert (output.parent / "out.jsonl.errors.jsonl").read_text() == ""
