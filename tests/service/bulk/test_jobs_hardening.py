"""Issue 15's job reproductions on a live server: inputs refused at submission, a job that raises
ends ``failed`` (and stays so across a restart), stats that add up across restarts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server
from tests.service.bulk.conftest import needs_teacher, passing, rule_fixable, write_jsonl
from tests.service.bulk.test_jobs_api import jsonl, results, wait_for

J = {"content-type": "application/json"}
NDJSON = {"content-type": "application/x-ndjson"}


@pytest.fixture
def jobs_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOLLOWFIX_JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setenv("FOLLOWFIX_JOB_INPUT_ROOTS", str(tmp_path / "data"))
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "0")
    (tmp_path / "data").mkdir()
    return tmp_path


def refused(reply: httpx.Response, field: str, words: str) -> None:
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    assert error["field"] == field, error
    assert words in error["message"], error


def test_unusable_inputs_are_refused_at_submission(jobs_env: Path) -> None:
    data = jobs_env / "data"
    rows = write_jsonl(data / "in.jsonl", [passing(i) for i in range(3)])
    folder = data / "folder"
    folder.mkdir()
    write_jsonl(folder / "in.jsonl", [passing(0)])
    os.mkfifo(data / "pipe.jsonl")  # exists, but reading it would block forever
    (data / "empty.jsonl").write_bytes(b"")
    (data / "binary.jsonl").write_bytes(bytes(range(256)) * 4)
    with live_server(make_settings(jobs_env)) as url, httpx.Client(base_url=url, timeout=30) as http:

        def submit(path: str, **options: Any) -> httpx.Response:
            return http.post("/v1/jobs", json={"input_path": path, "options": options})

        refused(submit(str(rows), format="hf"), "options.format", "needs a directory")
        refused(submit(str(rows), format="parquet"), "options.format", "not a Parquet file")
        refused(submit(str(folder)), "input_path", "not a dataset saved with save_to_disk")
        refused(submit(str(folder), format="jsonl"), "options.format", "is a directory")
        refused(submit(str(data / "pipe.jsonl")), "input_path", "not a regular file")
        refused(submit(str(data / "empty.jsonl")), "input_path", "is empty")
        refused(submit(str(data / "binary.jsonl")), "input_path", "does not look like JSONL")
        nul = b'{"input_path": "' + str(rows).encode() + b'\\u0000x"}'
        refused(http.post("/v1/jobs", content=nul, headers=J), "input_path", "NUL")
        prompts = {"input_path": str(rows), "options": {"prompts_path": str(rows) + "\x00"}}
        refused(http.post("/v1/jobs", json=prompts), "options.prompts_path", "NUL")
        upload = http.post(
            "/v1/jobs", params={"prompts_path": str(folder)}, content=jsonl([passing(0)]), headers=NDJSON
        )
        refused(upload, "options.prompts_path", "is a directory")
        assert http.get("/v1/jobs/none").status_code == 404
        good = submit(str(rows))
        assert good.status_code == 201, good.text
        assert wait_for(url, good.json()["id"], lambda j: j["status"] == "done")["done"] == 3


def test_a_job_that_raises_ends_failed_and_stays_failed(jobs_env: Path) -> None:
    broken = jobs_env / "data" / "broken.parquet"
    broken.write_bytes(b"PAR1" + b"\x00" * 64)  # looks like Parquet, is not: pyarrow raises
    poisoned = [rule_fixable(0), {"prompt": "p \ud800", "response": "r"}, passing(2)]
    settings = make_settings(jobs_env)
    with live_server(settings) as url:
        created = httpx.post(f"{url}/v1/jobs", json={"input_path": str(broken)})
        assert created.status_code == 201, created.text
        job_id = created.json()["id"]
        job = wait_for(url, job_id, lambda j: j["status"] not in ("queued", "running"), 30)
        assert job["status"] == "failed" and "ArrowInvalid" in job["error"], job
        mixed = httpx.post(
            f"{url}/v1/jobs",
            content=json.dumps(poisoned[0]).encode()
            + b"\n"
            + _surrogate_row()
            + b"\n"
            + json.dumps(poisoned[2]).encode()
            + b"\n",
            headers=NDJSON,
        )
        assert mixed.status_code == 201, mixed.text
        done = wait_for(url, mixed.json()["id"], lambda j: j["status"] not in ("queued", "running"), 30)
        assert done["status"] == "done" and done["stats"]["bad_rows"] == 1, done
        assert len(results(url, done["id"])) == 2  # the good rows around the bad one
    with live_server(settings) as url:  # a restart: the failed job is not run (nor crashed) again
        again = httpx.get(f"{url}/v1/jobs/{job_id}").json()
        assert again["status"] == "failed" and again["updated_at"] == job["updated_at"]


def _surrogate_row() -> bytes:
    """A JSONL row whose prompt holds a lone surrogate (valid JSON, not valid UTF-8 text)."""
    return (
        b'{"prompt": "Say it without commas \\ud800", "response": "a, b", "instruction_id_list":'
        b' ["punctuation:no_comma"], "kwargs": [{}]}'
    )


def test_stats_add_up_across_restarts(jobs_env: Path, teacher_server: Any) -> None:
    teacher = teacher_server(mode="competent", latency_s=0.2)
    settings = make_settings(jobs_env, teacher_model="test-teacher", teacher_base_url=str(teacher))
    rows = [needs_teacher(i) if i % 3 else passing(i) for i in range(60)]
    with live_server(settings) as url:
        created = httpx.post(f"{url}/v1/jobs?concurrency=2", content=jsonl(rows), headers=NDJSON)
        job_id = created.json()["id"]
        wait_for(url, job_id, lambda j: j["done"] >= 12)
    with live_server(settings) as url:  # restart 1, stopped again mid-way
        wait_for(url, job_id, lambda j: j["status"] == "running" and j["stats"].get("resumed", 0) > 0)
        wait_for(url, job_id, lambda j: j["done"] >= 35)
    with live_server(settings) as url:  # restart 2, runs to the end
        job = wait_for(url, job_id, lambda j: j["status"] == "done", 90)
        out = results(url, job_id)
    assert len(out) == 60
    stats = job["stats"]
    assert (job["done"], job["fraction"]) == (60, 1.0)
    assert sum(stats["statuses"].values()) == stats["processed"] == 60
    truly_passed = sum(r["result"]["status"] in ("unchanged", "corrected") for r in out)
    assert stats["passed"] == truly_passed
    assert stats["usage"]["calls"] == sum(r["result"]["usage"]["calls"] for r in out) >= 40
    assert 0 < stats["resumed"] < 60
