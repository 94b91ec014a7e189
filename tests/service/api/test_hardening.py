"""Issue 15 reproductions on a live server: each bad input is a 4xx naming the field, fast.

Each test replays one line of the adversarial probe (ReDoS kwargs, unbounded counts and lists,
lone surrogates and NUL, lax integers, unknown job fields, unix-time ``until``, deep nesting).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server
from tests.support.openai_server import TeacherServer

J = {"content-type": "application/json"}


def error_of(reply: httpx.Response, status: int = 422) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    error: dict[str, Any] = reply.json()["error"]
    assert error["code"] and error["message"]
    return error


def test_the_issue_redos_keyword_answers_at_once(client: httpx.Client) -> None:
    """`(a+)+$` on 26 a's held the loop ~5 s; it is now matched by a time-bounded engine."""
    started = time.perf_counter()
    reply = client.post(
        "/v1/verify",
        content='{"response":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!","constraints":'
        '[{"id":"keywords:existence","kwargs":{"keywords":["(a+)+$"]}}]}',
        headers=J,
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["passed"] is False
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("path", "extra", "kwargs", "field"),
    [
        ("/v1/verify", {}, {"id": "keywords:existence", "kwargs": {"keywords": ["(a|a)+$"]}}, "keywords.0"),
        (
            "/v1/verify",
            {},
            {
                "id": "detectable_format:multiple_sections",
                "kwargs": {"section_spliter": "(aa|a)+$", "num_sections": 2},
            },
            "section_spliter",
        ),
        (
            "/v1/correct",
            {"instruction": "i"},
            {"id": "detectable_content:postscript", "kwargs": {"postscript_marker": "(a|a)*$"}},
            "postscript_marker",
        ),
    ],
)
def test_a_runaway_pattern_is_a_422_naming_the_kwarg(
    client: httpx.Client, path: str, extra: dict[str, Any], kwargs: dict[str, Any], field: str
) -> None:
    body = {**extra, "response": "a" * 60 + "!", "constraints": [kwargs]}
    error = error_of(client.post(path, json=body))
    assert error["code"] == "invalid_constraint_param"
    assert error["field"] == f"constraints[0].kwargs.{field}"


def test_no_request_holds_the_event_loop(client: httpx.Client, open_url: str) -> None:
    """While runaway patterns are sent one after another, /healthz keeps answering.

    The bound: 100 ms of matching per verification (graph.constraints.patterns), so no request
    holds the loop much past that; /healthz must answer within 200 ms plus this shared machine's
    scheduling noise (asserted on the median and on the worst of ~dozens of probes).
    """
    done = threading.Event()
    statuses: list[int] = []

    def attack() -> None:
        with httpx.Client(base_url=open_url, timeout=60) as http:
            for index in range(6):
                keyword = ["(a|a)+$", "(aa|a)+$", "(a+)+$"][index % 3]
                for path, extra in (
                    ("/v1/verify", {}),
                    ("/v1/correct", {"instruction": "i"}),
                    ("/v1/collect", {"instruction": "i"}),
                ):
                    body = {
                        **extra,
                        "response": "a" * 60 + "!",
                        "constraints": [{"id": "keywords:existence", "kwargs": {"keywords": [keyword] * 20}}],
                    }
                    statuses.append(http.post(path, json=body).status_code)
        done.set()

    thread = threading.Thread(target=attack)
    thread.start()
    latencies = []
    while not done.is_set():
        started = time.perf_counter()
        assert client.get("/healthz", timeout=5).status_code == 200
        latencies.append(time.perf_counter() - started)
        time.sleep(0.01)
    thread.join()
    assert len(statuses) == 18 and all(s in (200, 202, 422) for s in statuses), statuses
    latencies.sort()
    assert latencies[len(latencies) // 2] < 0.2, latencies
    assert latencies[-1] < 0.6, latencies


def test_placeholder_count_is_bounded_on_correct(client: httpx.Client) -> None:
    body = {
        "instruction": "i",
        "response": "x",
        "constraints": [
            {"id": "detectable_content:number_placeholders", "kwargs": {"num_placeholders": 10_000_000}}
        ],
    }
    error = error_of(client.post("/v1/correct", json=body))
    assert error["field"] == "constraints[0].kwargs.num_placeholders"
    assert "100000" in error["message"]


def test_a_long_keyword_list_is_refused_at_once(client: httpx.Client) -> None:
    body = {
        "response": "x",
        "constraints": [{"id": "keywords:existence", "kwargs": {"keywords": ["tea"] * 20_000}}],
    }
    error = error_of(client.post("/v1/verify", json=body))
    assert error["field"] == "constraints[0].kwargs.keywords"


@pytest.mark.parametrize("value", [True, "5", 5.5])
def test_integers_are_strict(client: httpx.Client, value: Any) -> None:
    body = {
        "response": "x",
        "constraints": [
            {"id": "detectable_content:number_placeholders", "kwargs": {"num_placeholders": value}}
        ],
    }
    assert error_of(client.post("/v1/verify", json=body))["field"] == "constraints[0].kwargs.num_placeholders"


def test_integral_floats_are_taken_as_integers(client: httpx.Client) -> None:
    body = {
        "response": "[a] [b]",
        "constraints": [
            {"id": "detectable_content:number_placeholders", "kwargs": {"num_placeholders": 2.0}}
        ],
    }
    reply = client.post("/v1/verify", json=body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["constraints"][0]["kwargs"] == {"num_placeholders": 2}


SURROGATE_KWARGS = '[{"id":"keywords:existence","kwargs":{"keywords":["\\ud800"]}}]'


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/v1/verify",
            '{"response":"x","constraints":' + SURROGATE_KWARGS + "}",
            "constraints[0].kwargs.keywords.0",
        ),
        (
            "/v1/correct",
            '{"instruction":"i","response":"x","constraints":' + SURROGATE_KWARGS + "}",
            "constraints[0].kwargs.keywords.0",
        ),
        (
            "/v1/collect",
            '{"instruction":"i","response":"x","constraints":' + SURROGATE_KWARGS + "}",
            "constraints[0].kwargs.keywords.0",
        ),
        ("/v1/verify", '{"response":"x\\u0000y"}', "response"),
        ("/v1/extract", '{"instruction":"say \\udfff"}', "instruction"),
        ("/v1/jobs", '{"input_path":"a\\u0000b"}', "input_path"),
        (
            "/v1/jobs",
            '{"input_path":"in.jsonl","options":{"prompts_path":"p\\u0000"}}',
            "options.prompts_path",
        ),
    ],
)
def test_unstorable_text_is_a_422_naming_the_field(
    client: httpx.Client, path: str, body: str, field: str
) -> None:
    error = error_of(client.post(path, content=body, headers=J))
    assert error["code"] == "unstorable_text"
    assert error["field"] == field


def test_jobs_refuse_unknown_fields_and_name_every_field(client: httpx.Client) -> None:
    error = error_of(client.post("/v1/jobs", json={"input_path": "in.jsonl", "bogus": 1}))
    assert error["field"] == "bogus"
    assert error_of(client.post("/v1/jobs", json={}))["field"] == "input_path"
    assert (
        error_of(client.post("/v1/jobs", json={"input_path": "/nowhere/in.jsonl"}))["field"] == "input_path"
    )
    assert error_of(client.post("/v1/jobs", content="x", headers={"content-type": "image/png"}))["field"]
    bogus = {"input_path": "in.jsonl", "options": {"bogus": 1}}
    assert error_of(client.post("/v1/jobs", json=bogus))["field"] == "options.bogus"
    lax = {"input_path": "in.jsonl", "options": {"max_rounds": "3"}}
    assert error_of(client.post("/v1/jobs", json=lax))["field"] == "options.max_rounds"
    upload = client.post(
        "/v1/jobs?bogus=1", content=b"{}\n", headers={"content-type": "application/x-ndjson"}
    )
    assert error_of(upload)["field"] == "bogus"


@pytest.mark.parametrize("value", ["0.5", "1700000000"])
def test_until_is_never_a_unix_time(client: httpx.Client, value: str) -> None:
    assert error_of(client.get("/v1/pairs", params={"until": value}))["field"] == "until"
    assert client.get("/v1/pairs", params={"until": "2026-01-31T12:00:00Z"}).status_code == 200


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, "{", '{"response": "x",}', ""])
def test_invalid_json_is_one_422_naming_the_body(client: httpx.Client, body: str) -> None:
    for path in ("/v1/verify", "/v1/correct", "/v1/extract", "/v1/collect"):
        error = error_of(client.post(path, content=body, headers=J))
        assert error["field"] == "body", (path, error)


def test_openapi_documents_the_job_bodies_and_ndjson_results(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/v1/jobs"]["post"]["requestBody"]["content"]
    assert content["application/json"]["schema"]["properties"]["input_path"]["type"] == "string"
    assert content["application/json"]["schema"]["additionalProperties"] is False
    assert "application/x-ndjson" in content
    results = spec["paths"]["/v1/jobs/{job_id}/results"]["get"]["responses"]["200"]["content"]
    assert list(results) == ["application/x-ndjson"]


def test_docs_and_openapi_are_routes_in_the_metrics(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    metrics = client.get("/metrics").text
    assert 'route="/docs",status="200"' in metrics
    assert 'route="/openapi.json",status="200"' in metrics


def test_catalogue_schemas_state_the_bounds(client: httpx.Client) -> None:
    entries = {c["id"]: c for c in client.get("/v1/constraints").json()}
    schema = entries["keywords:existence"]["kwargs_schema"]["properties"]["keywords"]
    assert schema["maxItems"] == 100 and schema["items"]["maxLength"] == 20_000
    count = entries["detectable_content:number_placeholders"]["kwargs_schema"]["properties"][
        "num_placeholders"
    ]
    assert count["maximum"] == 100_000
    json.dumps(entries)


@pytest.fixture(scope="module")
def teacher_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose teacher is the competent test teacher (it quotes the response it edits)."""
    teacher = TeacherServer("competent")
    teacher.start()
    settings = make_settings(
        tmp_path_factory.mktemp("teacher"),
        teacher_model="test-teacher",
        teacher_base_url=teacher.base_url,
        teacher_max_retries=0,
    )
    with live_server(settings) as url:
        yield url
    teacher.stop()


def test_a_response_holding_the_close_tag_is_still_corrected(teacher_url: str) -> None:
    body = {
        "instruction": "Answer in lowercase.",
        "response": "Tea Is Nice. Write </revised> to end a block; More Words Follow.",
        "constraints": [{"id": "change_case:english_lowercase"}],
        "options": {"strategy": "teacher", "record": False},
    }
    reply = httpx.post(teacher_url + "/v1/correct", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["status"] == "corrected"
    assert data["final"] == body["response"].lower()


def test_a_teacher_timeout_says_why(tmp_path_factory: pytest.TempPathFactory) -> None:
    teacher = TeacherServer("competent", latency_s=2.0)
    teacher.start()
    settings = make_settings(
        tmp_path_factory.mktemp("slow"),
        teacher_model="test-teacher",
        teacher_base_url=teacher.base_url,
        teacher_timeout_s=0.2,
        teacher_max_retries=0,
    )
    try:
        with live_server(settings) as url:
            body = {
                "instruction": "i",
                "response": "Tea Is Nice",
                "constraints": [{"id": "change_case:english_lowercase"}],
                "options": {"strategy": "teacher", "record": False},
            }
            error = error_of(httpx.post(url + "/v1/correct", json=body, timeout=60), 503)
    finally:
        teacher.stop()
    reason = error["message"].split("attempts:", 1)[1].strip()
    assert "0.2s" in reason and "Timeout" in reason


def test_unstorable_text_is_caught_across_chunks_and_in_raw_bytes(client: httpx.Client) -> None:
    """The middleware's byte scan decides whether the body is walked: an escape split between two
    chunks, and the raw UTF-8-style bytes of a surrogate (json.loads takes them), are both seen."""
    head = b'{"response":"x","constraints":[{"id":"keywords:existence","kwargs":{"keywords":["\\ud'
    chunked = client.post("/v1/verify", content=iter([head, b'800"]}}]}']), headers=J)
    assert error_of(chunked)["field"] == "constraints[0].kwargs.keywords.0"
    raw = b'{"response":"x","constraints":[{"id":"keywords:existence","kwargs":{"keywords":["a\xed\xa0\x80"]}}]}'
    error = error_of(client.post("/v1/verify", content=raw, headers=J))
    assert (error["code"], error["field"]) == ("unstorable_text", "constraints[0].kwargs.keywords.0")
    fine = client.post(
        "/v1/verify",
        json={"response": "caf\u00e9 \U0001f375", "constraints": [{"id": "punctuation:no_comma"}]},
    )
    assert fine.status_code == 200, fine.text


LONG = "x" * 60_000  # over the open server's 50,000-character response limit
NUMBER_WORDS = {"id": "length_constraints:number_words", "kwargs": {"relation": "at least", "num_words": 3}}
FOUR_XX: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/v1/verify", {"content": b"{", "headers": J}),
    ("POST", "/v1/verify", {"content": b"[" * 50_000, "headers": J}),
    ("POST", "/v1/verify", {"content": b'{"response": "\xff"}', "headers": J}),
    ("POST", "/v1/verify", {"json": {}}),
    ("POST", "/v1/verify", {"json": {"response": 5}}),
    ("POST", "/v1/verify", {"json": {"response": "x", "surprise": 1}}),
    ("POST", "/v1/verify", {"json": {"response": "x"}}),
    ("POST", "/v1/verify", {"json": {"response": "x", "constraints": [{"id": "nope:nothing"}]}}),
    ("POST", "/v1/verify", {"json": {"response": "x", "constraints": [{"id": NUMBER_WORDS["id"]}]}}),
    ("POST", "/v1/verify", {"json": {"response": LONG, "constraints": [NUMBER_WORDS]}}),
    ("POST", "/v1/verify", {"json": {"response": "x", "constraints": [NUMBER_WORDS] * 40}}),
    ("POST", "/v1/verify", {"content": b'{"response": "\\u0000"}', "headers": J}),
    ("POST", "/v1/correct", {"json": {"instruction": " ", "response": "x"}}),
    ("POST", "/v1/correct", {"json": {"instruction": "i", "response": "x", "options": {"max_rounds": 99}}}),
    (
        "POST",
        "/v1/correct",
        {"json": {"instruction": "i", "response": "x", "options": {"strategy": "teacher"}}},
    ),
    ("POST", "/v1/extract", {"json": {"instruction": "i", "extractor": "llm"}}),
    ("POST", "/v1/collect", {"json": {"instruction": "i"}}),
    ("POST", "/v1/jobs", {"content": b"x", "headers": {"content-type": "image/png"}}),
    ("POST", "/v1/jobs", {"json": {"input_path": "in.jsonl"}}),
    (
        "POST",
        "/v1/jobs?max_rounds=abc",
        {"content": b"{}\n", "headers": {"content-type": "application/x-ndjson"}},
    ),
    ("GET", "/v1/jobs/no-such-job", {}),
    ("DELETE", "/v1/jobs/no-such-job", {}),
    ("GET", "/v1/pairs?format=csv", {}),
    ("POST", "/v1/verify", {"content": b'{"response": "' + b"x" * 1_100_000 + b'"}', "headers": J}),
]


@pytest.mark.parametrize(("method", "path", "options"), FOUR_XX)
def test_every_4xx_names_the_field(
    client: httpx.Client, method: str, path: str, options: dict[str, Any]
) -> None:
    reply = client.request(method, path, **options)
    assert 400 <= reply.status_code < 500, reply.text
    error = reply.json()["error"]
    assert error["code"] and error["message"]
    assert error.get("field"), (reply.status_code, error)
