"""Every class of bad input is a 4xx with a JSON error naming the field; never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

WORDS = {"id": "length_constraints:number_words", "kwargs": {"relation": "at least", "num_words": 3}}


def error_of(reply: httpx.Response, status: int) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = reply.json()["error"]
    assert error["code"] and error["message"]
    return error


@pytest.mark.parametrize(
    ("path", "body", "code", "field"),
    [
        (
            "/v1/verify",
            {"response": "x", "constraints": [WORDS, {"id": "nope:nothing"}]},
            "unknown_constraint",
            "constraints[1].id",
        ),
        (
            "/v1/verify",
            {"response": "x", "constraints": [{"id": WORDS["id"], "kwargs": {"relation": "at least"}}]},
            "invalid_constraint_param",
            "constraints[0].kwargs.num_words",
        ),
        (
            "/v1/verify",
            {
                "response": "x",
                "constraints": [{"id": WORDS["id"], "kwargs": {"relation": "about", "num_words": 3}}],
            },
            "invalid_constraint_param",
            "constraints[0].kwargs.relation",
        ),
        (
            "/v1/verify",
            {"response": "x", "constraints": [{"id": "punctuation:no_comma", "kwargs": {"surprise": 1}}]},
            "invalid_constraint_param",
            "constraints[0].kwargs.surprise",
        ),
        (
            "/v1/verify",
            {"response": "x", "constraints": [{"id": ""}]},
            "validation_error",
            "constraints[0].id",
        ),
        (
            "/v1/verify",
            {"response": "x", "constraints": [{"kwargs": {}}]},
            "validation_error",
            "constraints[0].id",
        ),
        (
            "/v1/verify",
            {"response": "x", "constraints": "punctuation:no_comma"},
            "validation_error",
            "constraints",
        ),
        ("/v1/verify", {"constraints": [WORDS]}, "validation_error", "response"),
        ("/v1/verify", {"response": 12, "constraints": [WORDS]}, "validation_error", "response"),
        (
            "/v1/verify",
            {"response": "x", "constraints": [WORDS], "mode": "lenient"},
            "validation_error",
            "mode",
        ),
        ("/v1/verify", {"response": "x", "constraints": [WORDS], "typo": 1}, "validation_error", "typo"),
        ("/v1/verify", {"response": "x"}, "invalid_request", "constraints"),
        ("/v1/verify", {"response": "x" * 50_001, "constraints": [WORDS]}, "limit_exceeded", "response"),
        ("/v1/verify", {"response": "x", "constraints": [WORDS] * 33}, "limit_exceeded", "constraints"),
        ("/v1/correct", {"instruction": "", "response": "x"}, "validation_error", "instruction"),
        ("/v1/correct", {"instruction": " \n ", "response": "x"}, "validation_error", "instruction"),
        ("/v1/correct", {"response": "x"}, "validation_error", "instruction"),
        (
            "/v1/correct",
            {"instruction": "i", "response": "x", "constraints": [{"id": "nope"}]},
            "unknown_constraint",
            "constraints[0].id",
        ),
        (
            "/v1/correct",
            {"instruction": "i", "response": "x", "options": {"strategy": "magic"}},
            "validation_error",
            "options.strategy",
        ),
        (
            "/v1/correct",
            {"instruction": "i", "response": "x", "options": {"max_rounds": 0}},
            "validation_error",
            "options.max_rounds",
        ),
        (
            "/v1/correct",
            {"instruction": "i", "response": "x", "options": {"max_rounds": 11}},
            "limit_exceeded",
            "options.max_rounds",
        ),
        (
            "/v1/correct",
            {"instruction": "i", "response": "x", "options": {"strategy": "teacher"}},
            "invalid_request",
            "options.strategy",
        ),
        (
            "/v1/correct",
            {"instruction": "i", "response": "x", "options": {"teacher": {"model": "m"}}},
            "invalid_request",
            "options.teacher",
        ),
        (
            "/v1/correct",
            {"instruction": "i", "response": "x", "options": {"extractor": "llm"}},
            "invalid_request",
            "options.extractor",
        ),
        ("/v1/extract", {"instruction": ""}, "validation_error", "instruction"),
        (
            "/v1/extract",
            {"instruction": "Do not use commas.", "extractor": "llm"},
            "invalid_request",
            "extractor",
        ),
        (
            "/v1/extract",
            {"instruction": "Do not use commas.", "extractor": "psychic"},
            "validation_error",
            "extractor",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: httpx.Client, path: str, body: dict[str, Any], code: str, field: str
) -> None:
    error = error_of(client.post(path, json=body), 422)
    assert (error["code"], error["field"]) == (code, field)
    if code == "validation_error":
        assert error["message"].startswith(field)


def test_invalid_json_names_the_body(client: httpx.Client) -> None:
    reply = client.post(
        "/v1/verify", content=b'{"response": "x",', headers={"content-type": "application/json"}
    )
    error = error_of(reply, 422)
    assert error["field"] == "body" and "JSON" in error["message"]


def test_invalid_utf8_is_invalid_json_a_422_not_a_500(client: httpx.Client) -> None:
    reply = client.post(
        "/v1/verify", content=b'{"response": "\xff\xfe"}', headers={"content-type": "application/json"}
    )
    error = error_of(reply, 422)
    assert (error["code"], error["field"]) == ("validation_error", "body")


def test_unpaired_surrogate_is_rejected_by_field(client: httpx.Client) -> None:
    raw = b'{"response": "a\\ud800b", "constraints": [{"id": "punctuation:no_comma"}]}'
    reply = client.post("/v1/verify", content=raw, headers={"content-type": "application/json"})
    error = error_of(reply, 422)
    assert error["field"] == "response" and "surrogate" in error["message"]


def test_body_over_the_limit_is_a_413_before_it_is_read(client: httpx.Client) -> None:
    body = b'{"response": "' + b"x" * (1_048_576 + 10) + b'"}'
    reply = client.post("/v1/verify", content=body, headers={"content-type": "application/json"})
    error = error_of(reply, 413)
    assert error["code"] == "payload_too_large" and error["field"] == "body"


def test_chunked_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"response": "'
        for _ in range(20):
            yield b"x" * 65_536
        yield b'"}'

    reply = client.post("/v1/verify", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in reply.request.headers
    assert error_of(reply, 413)["code"] == "payload_too_large"


def test_unknown_route_and_wrong_method_use_the_error_shape(client: httpx.Client) -> None:
    assert error_of(client.get("/v1/nothing"), 404)["code"] == "not_found"
    assert error_of(client.get("/v1/verify"), 405)["code"] == "method_not_allowed"
