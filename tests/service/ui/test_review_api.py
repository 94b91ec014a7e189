"""The review endpoints on a live server with API keys, over corrections made by /v1/correct."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from graph.worddiff import side
from tests.service.ui.server import UiServer, ui_server


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    with ui_server(tmp_path_factory.mktemp("review-api")) as server:
        yield server


def trl(ui: UiServer, **params: str) -> dict[str, dict]:
    reply = ui.http.get("/v1/pairs", params={"format": "trl", **params})
    assert reply.status_code == 200
    return {row["correction_id"]: row for row in map(json.loads, reply.text.splitlines())}


def test_correct_returns_the_word_diff_it_stores(ui: UiServer):
    body = {
        "instruction": "Say it in lowercase.",
        "response": "Hello World",
        "constraints": [{"id": "change_case:english_lowercase"}],
        "options": {"strategy": "rules", "record": False},
    }
    reply = ui.http.post("/v1/correct", json=body).json()
    assert reply["diff"] == [
        {"op": "delete", "text": "Hello World"},
        {"op": "insert", "text": "hello world"},
    ]
    stored = ui.http.get(f"/v1/corrections/{ui.ids[0]}").json()
    assert side(stored["diff"], "before") == stored["original"]
    assert (
        side(stored["diff"], "after") == stored["final"] == "green tea number 0 is a calm drink from japan."
    )
    assert stored["edit_words"] == 8  # "Green Tea", "Calm", "Japan." out, their lowercase forms in


def test_list_filters_and_pages(ui: UiServer):
    everything = ui.http.get("/v1/corrections").json()
    assert [item["id"] for item in everything["items"]] == ui.ids[::-1]
    failed = ui.http.get("/v1/corrections", params={"status": "failed"}).json()["items"]
    assert {item["id"] for item in failed} == set(ui.ids[8:])
    commas = ui.http.get("/v1/corrections", params={"constraint": "punctuation:no_comma"}).json()["items"]
    assert [item["id"] for item in commas] == [ui.ids[7], ui.ids[5], ui.ids[3], ui.ids[1]]
    assert ui.http.get("/v1/corrections", params={"source": "api"}).json()["items"] != []
    assert ui.http.get("/v1/corrections", params={"source": "collect"}).json()["items"] == []
    found = ui.http.get("/v1/corrections", params={"q": "essay 1"}).json()["items"]
    assert [item["id"] for item in found] == [ui.ids[9]]
    first = ui.http.get("/v1/corrections", params={"limit": 4}).json()
    second = ui.http.get("/v1/corrections", params={"limit": 4, "cursor": first["next_cursor"]}).json()
    third = ui.http.get("/v1/corrections", params={"limit": 4, "cursor": second["next_cursor"]}).json()
    assert [i["id"] for page in (first, second, third) for i in page["items"]] == ui.ids[::-1]
    assert third["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"source": "nowhere"}, "source"),
        ({"status": "great"}, "status"),
        ({"limit": "0"}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"q": "nul\x00here"}, "q"),
    ],
)
def test_bad_queries_are_422_naming_the_field(ui: UiServer, params: dict[str, str], field: str):
    reply = ui.http.get("/v1/corrections", params=params)
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["field"].split("[")[0].endswith(field)


def test_auth_guards_the_data_not_the_page(ui: UiServer):
    assert httpx.get(f"{ui.url}/v1/corrections").status_code == 401
    assert httpx.get(f"{ui.url}/v1/overview", headers={"Authorization": "Bearer wrong"}).status_code == 403
    page = httpx.get(f"{ui.url}/ui")
    assert page.status_code == 200 and "/ui/assets/app.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace("http-equiv", "")  # nothing loaded from another origin
    script = httpx.get(f"{ui.url}/ui/assets/app.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert httpx.get(f"{ui.url}/ui/assets/secret.py").status_code == 404
    assert ui.http.get("/v1/corrections/nope").status_code == 404
    assert ui.http.get("/v1/corrections/nul%00id").status_code == 404


def test_curation_is_stored_with_who_and_when_and_steers_exports(ui: UiServer):
    pair = ui.http.get(f"/v1/corrections/{ui.ids[2]}").json()["pairs"][0]
    assert ui.ids[2] in trl(ui)
    decided = ui.http.post(f"/v1/pairs/{pair['hash']}/decision", json={"decision": "rejected"}).json()
    assert decided["decision"] == "rejected" and decided["decided_by"].startswith("key:")
    assert decided["decided_at"] is not None
    assert ui.ids[2] not in trl(ui, curation="not_rejected")
    assert ui.ids[2] in trl(ui)  # "all" still takes it

    other = ui.http.get(f"/v1/corrections/{ui.ids[4]}").json()["pairs"][0]
    refused = ui.http.put(
        f"/v1/pairs/{other['hash']}/chosen", json={"chosen": "Now With Capitals", "reviewer": "ana"}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "chosen_fails_constraints" and error["field"] == "chosen"
    assert [f["id"] for f in error["failed"]] == ["change_case:english_lowercase"]
    assert ui.http.get(f"/v1/corrections/{ui.ids[4]}").json()["pairs"][0]["chosen"] == other["chosen"]

    saved = ui.http.put(
        f"/v1/pairs/{other['hash']}/chosen",
        json={
            "chosen": "this green tea is a calm and gentle drink that many people in japan enjoy every day.",
            "reviewer": "ana",
        },
    )
    assert saved.status_code == 200, saved.text
    assert (saved.json()["decided_by"], saved.json()["decision"]) == ("ana", "accepted")
    accepted = trl(ui, curation="accepted")
    assert set(accepted) == {ui.ids[4]}
    assert (
        accepted[ui.ids[4]]["chosen"][0]["content"]
        == "this green tea is a calm and gentle drink that many people in japan enjoy every day."
    )
    assert (
        side(accepted[ui.ids[4]]["metadata"]["diff"], "after")
        == "this green tea is a calm and gentle drink that many people in japan enjoy every day."
    )
    blank = ui.http.put(f"/v1/pairs/{other['hash']}/chosen", json={"chosen": "  "})
    assert blank.status_code == 422 and blank.json()["error"]["field"] == "chosen"
    assert ui.http.post(f"/v1/pairs/{'0' * 64}/decision", json={"decision": None}).status_code == 404


def test_overview_and_jobs(ui: UiServer):
    data = ui.http.get("/v1/overview").json()
    rates = {entry["id"]: entry for entry in data["pass_rate"]}
    assert rates["punctuation:no_comma"] == {
        "id": "punctuation:no_comma",
        "total": 4,
        "before": 0.0,
        "after": 1.0,
    }
    assert rates["length_constraints:number_words"]["after"] == 0.0
    assert data["statuses"]["failed"] == 2
    created = ui.http.post(
        "/v1/jobs?concurrency=2", content=ui.job_rows(3), headers={"content-type": "application/x-ndjson"}
    )
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]
    deadline = time.monotonic() + 60
    while (job := ui.http.get("/v1/jobs").json()["items"][0])["status"] != "done":
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert job["id"] == job_id and job["done"] == job["total"] == 3
    mine = ui.http.get("/v1/corrections", params={"source": f"job:{job_id}"}).json()["items"]
    assert len(mine) == 3 and all(item["teacher_model"] == "test-teacher" for item in mine)
    after = ui.http.get("/v1/overview").json()
    assert sum(p["teacher_calls"] for p in after["timeline"]) >= 3
