"""The jobs API on a live server: create, progress, streamed results, cancel, resume on restart."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server
from tests.service.bulk.conftest import needs_teacher, passing, rule_fixable, write_jsonl


def jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def wait_for(url: str, job_id: str, predicate: Any, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job = httpx.get(f"{url}/v1/jobs/{job_id}").json()
        if predicate(job):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def results(url: str, job_id: str) -> list[dict[str, Any]]:
    reply = httpx.get(f"{url}/v1/jobs/{job_id}/results")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in reply.text.splitlines()]


@pytest.fixture
def jobs_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOLLOWFIX_JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setenv("FOLLOWFIX_JOB_INPUT_ROOTS", str(tmp_path / "data"))
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "0")
    (tmp_path / "data").mkdir()
    return tmp_path


def test_upload_and_path_jobs_run_to_completion(jobs_env: Path) -> None:
    rows = [rule_fixable(i) if i % 2 else passing(i) for i in range(30)]
    with live_server(make_settings(jobs_env)) as url:
        created = httpx.post(
            f"{url}/v1/jobs?strategy=rules&concurrency=4",
            content=jsonl(rows),
            headers={"content-type": "application/x-ndjson"},
        )
        assert created.status_code == 201, created.text
        job = wait_for(url, created.json()["id"], lambda j: j["status"] == "done")
        assert (job["total"], job["done"], job["fraction"]) == (30, 30, 1.0)
        assert job["stats"]["statuses"] == {"corrected": 15, "unchanged": 15}
        assert job["stats"]["usage"]["calls"] == 0
        out = results(url, job["id"])
        assert len(out) == len({r["record_id"] for r in out}) == 30

        data = write_jsonl(jobs_env / "data" / "in.jsonl", rows[:10])
        by_path = httpx.post(f"{url}/v1/jobs", json={"input_path": str(data), "options": {"limit": 4}})
        assert by_path.status_code == 201, by_path.text
        assert wait_for(url, by_path.json()["id"], lambda j: j["status"] == "done")["done"] == 4
        outside = httpx.post(f"{url}/v1/jobs", json={"input_path": "/etc/passwd"})
        assert outside.status_code == 422 and "allowed input root" in outside.json()["error"]["message"]
        assert httpx.get(f"{url}/v1/jobs/nope").status_code == 404
        assert httpx.delete(f"{url}/v1/jobs/{job['id']}").status_code == 409


def test_cancel_stops_a_running_job(jobs_env: Path, teacher_server: Any) -> None:
    teacher = teacher_server(mode="competent", latency_s=0.2)
    settings = make_settings(jobs_env, teacher_model="test-teacher", teacher_base_url=str(teacher))
    with live_server(settings) as url:
        rows = [needs_teacher(i) for i in range(100)]
        created = httpx.post(
            f"{url}/v1/jobs?concurrency=2",
            content=jsonl(rows),
            headers={"content-type": "application/x-ndjson"},
        )
        job_id = created.json()["id"]
        wait_for(url, job_id, lambda j: j["status"] == "running" and j["done"] >= 2)
        cancelled = httpx.delete(f"{url}/v1/jobs/{job_id}")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        hits = teacher.server.hits
        time.sleep(0.6)
        assert teacher.server.hits == hits  # no more teacher calls after the cancel
        partial = results(url, job_id)
        assert 2 <= len(partial) < 100
        assert httpx.delete(f"{url}/v1/jobs/{job_id}").status_code == 409


def test_a_restarted_server_resumes_unfinished_jobs(jobs_env: Path, teacher_server: Any) -> None:
    teacher = teacher_server(mode="competent", latency_s=0.1)
    settings = make_settings(jobs_env, teacher_model="test-teacher", teacher_base_url=str(teacher))
    rows = [needs_teacher(i) for i in range(60)]
    with live_server(settings) as url:
        created = httpx.post(
            f"{url}/v1/jobs?concurrency=4",
            content=jsonl(rows),
            headers={"content-type": "application/x-ndjson"},
        )
        job_id = created.json()["id"]
        before = wait_for(url, job_id, lambda j: j["done"] >= 8)
        assert before["status"] == "running"
    with live_server(settings) as url:  # the same store and jobs directory: a restart
        job = wait_for(url, job_id, lambda j: j["status"] == "done")
        out = results(url, job_id)
    assert job["stats"]["skipped"] >= 8
    ids = [r["record_id"] for r in out]
    assert len(ids) == len(set(ids)) == 60
    with sqlite3.connect(jobs_env / "followfix.db") as db:
        stored = db.execute(
            "SELECT count(*) FROM corrections WHERE source = ?", (f"job:{job_id}",)
        ).fetchone()[0]
    assert stored == 60
