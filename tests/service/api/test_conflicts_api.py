"""Conflicts over HTTP: /v1/verify and /v1/extract name infeasible pairs; /v1/correct stops on them."""

from __future__ import annotations

import httpx

REPEAT = {"id": "combination:repeat_prompt", "kwargs": {"prompt_to_repeat": "Hi, tell me about tea."}}
NO_COMMA = {"id": "punctuation:no_comma", "kwargs": {}}
TEXT = "Tea is a drink brewed from leaves."


def test_verify_names_the_conflicting_pair(client: httpx.Client) -> None:
    reply = client.post("/v1/verify", json={"response": TEXT, "constraints": [NO_COMMA, REPEAT]})
    assert reply.status_code == 200, reply.text
    [conflict] = reply.json()["conflicts"]
    assert conflict["ids"] == ["punctuation:no_comma", "combination:repeat_prompt"]
    assert conflict["indices"] == [0, 1] and "comma" in conflict["reason"]


def test_verify_of_a_feasible_set_has_no_conflicts(client: httpx.Client) -> None:
    reply = client.post("/v1/verify", json={"response": TEXT, "constraints": [NO_COMMA]})
    assert reply.status_code == 200 and reply.json()["conflicts"] == []


def test_extract_reports_conflicts_of_what_it_found(client: httpx.Client) -> None:
    instruction = (
        "Your entire response should be in English, and in all capital letters. "
        "Your entire response should be in English, and in all lowercase letters. No capital letters are allowed."
    )
    reply = client.post("/v1/extract", json={"instruction": instruction, "extractor": "rules"})
    assert reply.status_code == 200, reply.text
    data = reply.json()
    ids = [c["id"] for c in data["constraints"]]
    assert {"change_case:english_lowercase", "change_case:english_capital"} <= set(ids)
    assert [set(c["ids"]) for c in data["conflicts"]] == [
        {"change_case:english_lowercase", "change_case:english_capital"}
    ]


def test_correct_stops_with_status_infeasible(client: httpx.Client) -> None:
    body = {"instruction": "Repeat, then answer.", "response": TEXT, "constraints": [REPEAT, NO_COMMA]}
    reply = client.post("/v1/correct", json=body)
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["status"] == "infeasible" and data["final"] == TEXT
    assert data["usage"]["calls"] == 0 and data["trajectory"] == []
    assert data["conflicts"][0]["ids"] == ["combination:repeat_prompt", "punctuation:no_comma"]
    assert data["stop_reason"].startswith("infeasible:")


def test_correct_can_still_fix_the_feasible_rest(client: httpx.Client) -> None:
    placeholder = {"id": "detectable_content:number_placeholders", "kwargs": {"num_placeholders": 1}}
    body = {
        "instruction": "Repeat, then answer.",
        "response": TEXT,
        "constraints": [REPEAT, placeholder, NO_COMMA],
        "options": {"strategy": "rules", "fix_feasible_rest": True},
    }
    reply = client.post("/v1/correct", json=body)
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["status"] == "infeasible" and "[placeholder 1]" in data["final"]
    assert [v["passed"] for v in data["verdicts_after"]] == [False, True, True]
