"""Catalogue, probes, metrics and the OpenAPI docs (whose examples must work as they are)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph.constraints import catalogue
from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server


def test_catalogue_lists_every_constraint_with_schema_and_description(client: httpx.Client) -> None:
    reply = client.get("/v1/constraints")
    assert reply.status_code == 200
    items = {item["id"]: item for item in reply.json()}
    assert set(items) == set(catalogue())
    words = items["length_constraints:number_words"]
    assert words["description"] == "Answer with at least 100 words."
    assert set(words["kwargs_schema"]["required"]) == {"num_words", "relation"}
    assert words["has_repair"] is False
    assert items["punctuation:no_comma"]["has_repair"] is True
    for item in items.values():  # each advertised example is accepted by /v1/verify as is
        body = {"response": "x", "constraints": [{"id": item["id"], "kwargs": item["example_kwargs"]}]}
        assert client.post("/v1/verify", json=body).status_code == 200, item["id"]


def test_healthz_and_readyz(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {
            "store": "ok",
            "teacher": "none configured (rules strategy)",
            "collectors": "ok (4 workers)",
        },
    }


def test_readyz_is_503_when_the_teacher_is_unreachable(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = make_settings(
        tmp_path_factory.mktemp("deadteacher"), teacher_model="m", teacher_base_url="http://127.0.0.1:9/v1"
    )
    with live_server(settings) as url:
        reply = httpx.get(url + "/readyz")
    assert reply.status_code == 503
    assert reply.headers["retry-after"]
    body = reply.json()
    assert body["status"] == "not_ready" and body["checks"]["store"] == "ok"
    assert body["checks"]["teacher"].startswith("failed")


def _sample(text: str, name: str, labels: str = "") -> float:
    prefix = f"{name}{{{labels}}} " if labels else f"{name} "
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(prefix)]
    return values[0] if values else 0.0


def test_metrics_count_requests_statuses_and_latency(client: httpx.Client) -> None:
    ok = 'method="POST",route="/v1/verify",status="200"'
    bad = 'method="POST",route="/v1/verify",status="422"'
    before = client.get("/metrics").text
    client.post("/v1/verify", json={"response": "x", "constraints": [{"id": "punctuation:no_comma"}]})
    client.post("/v1/verify", json={"response": "x", "constraints": [{"id": "nope"}]})
    after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text
    assert (
        _sample(text, "followfix_http_requests_total", ok)
        == _sample(before, "followfix_http_requests_total", ok) + 1
    )
    assert (
        _sample(text, "followfix_http_requests_total", bad)
        == _sample(before, "followfix_http_requests_total", bad) + 1
    )
    count = 'method="POST",route="/v1/verify"'
    assert _sample(text, "followfix_http_request_duration_seconds_count", count) >= 2
    assert "followfix_teacher_tokens_total" in text or "followfix_teacher_tokens" in text


def test_docs_are_served(client: httpx.Client) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def _examples(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not content:
                continue
            schema_ = content["schema"]
            body = components[schema_["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema_ else schema_
            for example in body.get("examples", []):
                found.append((path, example))
    return found


def test_openapi_examples_work_as_they_are(client: httpx.Client) -> None:
    examples = _examples(client.get("/openapi.json").json())
    assert {path for path, _ in examples} >= {"/v1/correct", "/v1/verify", "/v1/extract"}
    for path, example in examples:
        reply = client.post(path, json=example)
        assert reply.status_code == 200, (path, reply.text)
    corrected = client.post("/v1/correct", json=dict(_examples_by_path(client)["/v1/correct"]))
    assert corrected.json()["status"] == "corrected"


def _examples_by_path(client: httpx.Client) -> dict[str, dict[str, Any]]:
    return dict(_examples(client.get("/openapi.json").json()))
