"""Bearer API keys: 401 without a token, 403 with a wrong one, every configured key accepted."""

from __future__ import annotations

import httpx
import pytest

from tests.service.api.conftest import API_KEYS

VERIFY = {"response": "fine", "constraints": [{"id": "punctuation:no_comma"}]}


@pytest.mark.parametrize("path", ["/v1/constraints"])
def test_missing_token_is_401_with_challenge(auth_url: str, path: str) -> None:
    reply = httpx.get(auth_url + path)
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == "Bearer"
    assert reply.json()["error"] == {
        "code": "unauthenticated",
        "message": "missing bearer token: send 'Authorization: Bearer <api key>'",
        "field": "Authorization",
    }


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong-key", "Bearer test-key-one-and-more", "Bearer test-key-on", "Bearer TEST-KEY-ONE"],
)
def test_wrong_token_is_403(auth_url: str, header: str) -> None:
    reply = httpx.post(auth_url + "/v1/verify", json=VERIFY, headers={"Authorization": header})
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "forbidden"


def test_other_schemes_count_as_missing(auth_url: str) -> None:
    reply = httpx.post(auth_url + "/v1/verify", json=VERIFY, headers={"Authorization": "Basic dTpw"})
    assert reply.status_code == 401


@pytest.mark.parametrize("key", API_KEYS)
def test_every_configured_key_is_accepted(auth_url: str, key: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    for method, path, body in [
        ("POST", "/v1/verify", VERIFY),
        ("POST", "/v1/extract", {"instruction": "Do not use any commas."}),
        ("GET", "/v1/constraints", None),
        ("GET", "/v1/pairs", None),
        (
            "POST",
            "/v1/correct",
            {
                "instruction": "all lowercase",
                "response": "ok",
                "constraints": [{"id": "change_case:english_lowercase"}],
            },
        ),
    ]:
        reply = httpx.request(method, auth_url + path, json=body, headers=headers, timeout=30)
        assert reply.status_code == 200, (path, reply.text)


def test_auth_is_checked_before_the_body(auth_url: str) -> None:
    """An anonymous caller learns nothing about validation: 401 even for a malformed body."""
    reply = httpx.post(auth_url + "/v1/verify", json={"nonsense": True})
    assert reply.status_code == 401


def test_probes_and_metrics_stay_open(auth_url: str) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert httpx.get(auth_url + path).status_code == 200, path


def test_open_server_needs_no_token(open_url: str) -> None:
    assert httpx.post(open_url + "/v1/verify", json=VERIFY).status_code == 200
    assert (
        httpx.get(open_url + "/v1/constraints", headers={"Authorization": "Bearer anything"}).status_code
        == 200
    )
