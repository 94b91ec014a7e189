"""POST /v1/correct on live servers: rules repairs, a real test teacher, recording, 503 and 504."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.api.conftest import make_settings, stored_ids
from tests.service.api.live import live_server
from tests.support.fixtures import ServerURL
from tests.support.openai_server import TeacherServer

LOWERCASE = [{"id": "change_case:english_lowercase"}]
WORDS_30 = [{"id": "length_constraints:number_words", "kwargs": {"relation": "at least", "num_words": 30}}]
SHORT = "Green tea is made from unoxidised leaves and tastes grassy."


@pytest.fixture(scope="module")
def teacher() -> Iterator[TeacherServer]:
    server = TeacherServer("competent")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def teacher_app(teacher: TeacherServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose configured teacher is the competent test teacher; per-request teachers allowed."""
    settings = make_settings(
        tmp_path_factory.mktemp("teacher"),
        teacher_model="test-teacher",
        teacher_base_url=teacher.base_url,
        teacher_max_retries=0,
        allow_request_teacher=True,
    )
    with live_server(settings) as url:
        yield url


def test_rules_strategy_repairs_and_records(client: httpx.Client, open_store_dir: Path) -> None:
    reply = client.post(
        "/v1/correct",
        json={
            "instruction": "Answer in lowercase only.",
            "response": "Tea Is Nice",
            "constraints": LOWERCASE,
        },
    )
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert (data["status"], data["final"], data["strategy"]) == ("corrected", "tea is nice", "rules")
    assert [v["passed"] for v in data["verdicts_before"]] == [False]
    assert [v["passed"] for v in data["verdicts_after"]] == [True]
    assert data["trajectory"][0]["method"] == "repair"
    assert data["usage"]["calls"] == 0
    assert data["recorded"] is True
    assert data["timings"]["total_ms"] >= data["timings"]["engine_ms"] > 0
    assert data["id"] in stored_ids(open_store_dir)


def test_record_false_stores_nothing(client: httpx.Client, open_store_dir: Path) -> None:
    reply = client.post(
        "/v1/correct",
        json={
            "instruction": "lowercase",
            "response": "Not Stored",
            "constraints": LOWERCASE,
            "options": {"record": False},
        },
    )
    assert reply.status_code == 200
    assert reply.json()["recorded"] is False
    assert reply.json()["id"] not in stored_ids(open_store_dir)


def test_without_a_teacher_an_unrepairable_constraint_stays_failed(client: httpx.Client) -> None:
    reply = client.post(
        "/v1/correct", json={"instruction": "30+ words", "response": SHORT, "constraints": WORDS_30}
    )
    assert reply.status_code == 200
    data = reply.json()
    assert data["status"] in ("failed", "unchanged", "partial")
    assert data["final"] == SHORT
    assert data["verdicts_after"][0]["passed"] is False


def test_constraints_are_extracted_when_omitted(client: httpx.Client) -> None:
    reply = client.post(
        "/v1/correct", json={"instruction": "Describe tea. Do not use any commas.", "response": "Tea, hot."}
    )
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert [c["id"] for c in data["constraints"]] == ["punctuation:no_comma"]
    assert data["verdicts_after"][0]["passed"] is True and "," not in data["final"]


def test_teacher_fixes_what_rules_cannot(teacher_app: str, teacher: TeacherServer) -> None:
    before = teacher.hits
    reply = httpx.post(
        teacher_app + "/v1/correct",
        json={"instruction": "Write at least 30 words.", "response": SHORT, "constraints": WORDS_30},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["status"] == "corrected" and data["strategy"] == "hybrid"
    assert data["teacher_model"] == "test-teacher"
    assert data["usage"]["calls"] >= 1 and data["usage"]["completion_tokens"] > 0
    assert teacher.hits > before
    metrics = httpx.get(teacher_app + "/metrics").text
    assert 'followfix_corrections_total{status="corrected",strategy="hybrid"}' in metrics
    calls = [line for line in metrics.splitlines() if line.startswith("followfix_teacher_calls_total ")]
    assert calls and float(calls[0].split()[1]) >= 1


def test_teacher_down_is_503_with_retry_after(
    teacher_app: str, teacher_server: Callable[..., ServerURL]
) -> None:
    dead = teacher_server("competent")
    dead.server.stop()  # the port is now closed: connection refused
    reply = httpx.post(
        teacher_app + "/v1/correct",
        json={
            "instruction": "30 words",
            "response": SHORT,
            "constraints": WORDS_30,
            "options": {"strategy": "teacher", "teacher": {"model": "gone", "base_url": str(dead)}},
        },
        timeout=60,
    )
    assert reply.status_code == 503, reply.text
    assert int(reply.headers["retry-after"]) > 0
    assert reply.json()["error"]["code"] == "teacher_unavailable"


def test_deadline_is_504(teacher_app: str, teacher_server: Callable[..., ServerURL]) -> None:
    slow = teacher_server("competent", latency_s=3.0)
    reply = httpx.post(
        teacher_app + "/v1/correct",
        json={
            "instruction": "30 words",
            "response": SHORT,
            "constraints": WORDS_30,
            "options": {"teacher": {"model": "slow", "base_url": str(slow)}, "deadline_s": 1.0},
        },
        timeout=60,
    )
    assert reply.status_code == 504, reply.text
    assert reply.json()["error"]["code"] == "deadline_exceeded"
    assert reply.elapsed.total_seconds() < 2.8
