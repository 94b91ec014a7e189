"""Reward endpoints on a live server: native /v1/reward, OpenRLHF's protocol, NeMo Gym's /verify."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import requests

from graph.reward import score
from tests.service.api.conftest import API_KEYS

NO_COMMA = {"instruction_id_list": ["punctuation:no_comma", "length_constraints:number_words"],
            "kwargs": [None, {"num_words": 3, "relation": "at least", "end_phrase": None}]}  # fmt: skip
TEMPLATE = "<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n"


def test_native_reward_with_detail(client: httpx.Client) -> None:
    items = [
        {"response": "<think>Hmm, well</think>one two three", "constraints": NO_COMMA},
        {"response": "one, two three", "constraints": json.dumps(NO_COMMA)},
        {"response": "fine", "constraints": [{"id": "no_such:id"}]},
    ]
    reply = client.post("/v1/reward", json={"items": items, "scale": 10})
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["rewards"] == [10.0, 5.0, 0.0]
    first, second, bad = data["results"]
    assert first["passed_all"] and [v["passed"] for v in first["verdicts"]] == [True, True]
    assert second["verdicts"][0] == {"id": "punctuation:no_comma", "passed": False,
                                     "detail": second["verdicts"][0]["detail"]}  # fmt: skip
    assert "comma" in second["verdicts"][0]["detail"]
    assert bad["error"].startswith("unknown constraint id") and bad["verdicts"] == []
    assert data["summary"]["errors"] == 1
    assert data["summary"]["pass_rate"]["punctuation"] == 0.5
    for item, result in zip(items, data["results"], strict=True):
        assert result["reward"] == score(item["response"], item["constraints"], scale=10).reward


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"response": 3, "constraints": []}]}, "items[0].response"),
        ({"items": [{"response": "x", "constraints": []}], "aggregate": "mean"}, "aggregate"),
        ({"items": [{"response": "x", "constraints": []}], "scale": 0}, "scale"),
        ({"items": [{"response": "x" * 50_001, "constraints": []}]}, "items[0].response"),
    ],
)
def test_native_reward_bad_requests_are_422(
    client: httpx.Client, body: dict[str, object], field: str
) -> None:
    reply = client.post("/v1/reward", json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["field"] == field


def _openrlhf_batch(n: int) -> dict[str, list[str]]:
    prompts = [TEMPLATE.format(f"Question {i}. No commas. At least 3 words.") for i in range(n)]
    responses = [("one two three" if i % 2 == 0 else "one, two three") for i in range(n)]
    queries = [p + r + "<|im_end|><|endoftext|>" for p, r in zip(prompts, responses, strict=True)]
    labels = [str([{"instruction_id": NO_COMMA["instruction_id_list"], "kwargs": NO_COMMA["kwargs"]}])] * n
    return {"query": queries, "prompts": prompts, "labels": labels}


def test_openrlhf_remote_protocol(open_url: str) -> None:
    """As OpenRLHF's ``remote_rm_fn`` sends it (requests, JSON body, reads ``rewards``)."""
    data = _openrlhf_batch(4)
    reply = requests.post(f"{open_url}/v1/reward/openrlhf", json=data, timeout=30)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["rewards"] == [1.0, 0.5, 1.0, 0.5]
    assert body["scores"] == [1.0, 0.5, 1.0, 0.5]
    assert body["extra_logs"]["followfix/prompt_pass"] == 0.5
    reply = requests.post(f"{open_url}/v1/reward/openrlhf?aggregate=all&scale=10", json=data, timeout=30)
    assert reply.json()["rewards"] == [10.0, 0.0, 10.0, 0.0]
    assert reply.json()["scores"] == [1.0, 0.5, 1.0, 0.5]


def test_openrlhf_many_ranks_at_once(open_url: str) -> None:
    """Concurrent batches from many trainer ranks each get their own, correct answer."""

    def one(n: int) -> list[float]:
        data = _openrlhf_batch(n)
        with httpx.Client(timeout=60) as http:
            reply = http.post(f"{open_url}/v1/reward/openrlhf", json=data)
        assert reply.status_code == 200, reply.text
        rewards: list[float] = reply.json()["rewards"]
        return rewards

    sizes = [1, 64, 7, 64, 2, 33, 64, 1]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, sizes))
    for n, rewards in zip(sizes, results, strict=True):
        assert rewards == [1.0 if i % 2 == 0 else 0.5 for i in range(n)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": ["a", "b"], "prompts": ["a"], "labels": ["x", "y"]}, "prompts"),
        ({"query": ["a"], "prompts": ["a"]}, "labels"),
        ({"query": "a", "labels": ["x"]}, "query"),
    ],
)
def test_openrlhf_bad_requests_are_422(client: httpx.Client, body: dict[str, object], field: str) -> None:
    reply = client.post("/v1/reward/openrlhf", json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["field"] == field


def _gym_request(text: str, **row: object) -> dict[str, object]:
    return {
        "id": 8654,
        "prompt": "Say hi. No commas. At least 3 words.",
        "responses_create_params": {"input": [{"role": "user", "content": "Say hi."}]},
        "response": {
            "id": "resp_1", "object": "response", "created_at": 0.0, "model": "m", "tools": [],
            "parallel_tool_calls": False, "tool_choice": "auto",
            "output": [
                {"id": "rs_1", "type": "reasoning", "summary": [{"type": "summary_text", "text": "hmm, ok"}]},
                {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
                 "content": [{"type": "output_text", "text": text, "annotations": []}]},
            ],
        },
        **row,
    }  # fmt: skip


def test_nemo_gym_verify(client: httpx.Client) -> None:
    ids, kwargs = NO_COMMA["instruction_id_list"], NO_COMMA["kwargs"]
    body = _gym_request("hello there my friend", instruction_id_list=ids, kwargs=kwargs)
    reply = client.post("/v1/reward/nemo-gym/verify", json=body)
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert (data["reward"], data["follow_all_instructions"], data["follow_instruction_list"]) == (
        1.0,
        True,
        [True, True],
    )
    assert data["id"] == 8654 and data["response"] == body["response"] and data["prompt"] == body["prompt"]
    assert "error" not in data
    failing = _gym_request("hello, you", instruction_id_list=ids, kwargs=kwargs)
    data = client.post("/v1/reward/nemo-gym/verify", json=failing).json()
    assert (data["reward"], data["follow_instruction_list"]) == (0.0, [False, False])
    half = client.post("/v1/reward/nemo-gym/verify", json={**failing, "instruction_id_list": ids[:1],
                                                          "kwargs": kwargs[:1], "grading_mode": "fraction"})  # fmt: skip
    assert half.json()["reward"] == 0.0
    meta = _gym_request(
        "hi, there you", verifier_metadata={"instruction_id_list": ids[1:], "kwargs": kwargs[1:]}
    )
    data = client.post("/v1/reward/nemo-gym/verify", json=meta).json()
    assert (data["reward"], data["follow_instruction_list"]) == (1.0, [True])
    unknown = _gym_request("anything at all", instruction_id_list=["no_such:id"], kwargs=[None])
    data = client.post("/v1/reward/nemo-gym/verify", json=unknown).json()
    assert data["reward"] == 0.0 and data["follow_instruction_list"] == [False] and data["error"]


def test_nemo_gym_verify_needs_a_response(client: httpx.Client) -> None:
    reply = client.post("/v1/reward/nemo-gym/verify", json={"instruction_id_list": [], "kwargs": []})
    assert reply.status_code == 422 and reply.json()["error"]["field"] == "response"


@pytest.mark.parametrize("path", ["/v1/reward", "/v1/reward/openrlhf", "/v1/reward/nemo-gym/verify"])
def test_reward_routes_need_the_api_key(auth_url: str, path: str) -> None:
    with httpx.Client(base_url=auth_url, timeout=30) as http:
        assert http.post(path, json={}).status_code == 401
        assert http.post(path, json={}, headers={"Authorization": "Bearer wrong"}).status_code == 403
        ok = http.post(
            "/v1/reward/openrlhf",
            json={"query": ["one two three"], "labels": [json.dumps(NO_COMMA)]},
            headers={"Authorization": f"Bearer {API_KEYS[0]}"},
        )
        assert ok.status_code == 200 and ok.json()["rewards"] == [1.0]
