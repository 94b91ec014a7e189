"""The front door with the official OpenAI SDK as the client (sync, async, streaming) against a
live followfix server whose upstream is the local OpenAI-protocol test server."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from tests.service.proxy.conftest import CLIENT_KEY, UPSTREAM_KEY

NO_COMMAS = "Answer without commas."
HAS_BANANA = [{"id": "keywords:existence", "kwargs": {"keywords": ["banana"]}}]


def client(url: str, key: str = "unused", **options: object) -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=30, **options)  # type: ignore[arg-type]


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_verify_returns_the_upstream_answer_with_verdicts_in_body_and_headers(front_door) -> None:
    door = front_door()
    door.answers("Tea, coffee and water.")
    raw = client(door.url).chat.completions.with_raw_response.create(
        model="student-1", messages=ask(NO_COMMAS), extra_body={"followfix": {"mode": "verify"}}
    )
    reply = raw.parse()
    assert reply.choices[0].message.content == "Tea, coffee and water."
    assert reply.model == "student-1" and reply.usage is not None and reply.usage.completion_tokens == 4
    info = reply.model_extra["followfix"]
    assert info["mode"] == "verify" and info["passed"] is False
    assert info["constraints_source"] == "extracted"
    assert info["verdicts"][0]["id"] == "punctuation:no_comma" and "1 commas" in info["verdicts"][0]["detail"]
    assert raw.headers["x-followfix-passed"] == "false"
    assert raw.headers["x-followfix-failed"] == "punctuation:no_comma"
    assert "collect" not in info
    assert door.rows("SELECT count(*) FROM collect_queue") == [(0,)]


def test_constraints_come_from_the_last_user_message(front_door) -> None:
    door = front_door()
    door.answers("plain words, no caps")
    messages = [
        {"role": "user", "content": "Write in ALL CAPITAL LETTERS."},
        {"role": "assistant", "content": "OK."},
        {"role": "user", "content": [{"type": "text", "text": NO_COMMAS}]},
    ]
    reply = client(door.url).chat.completions.create(
        model="student-1", messages=messages, extra_body={"followfix": {"mode": "verify"}}
    )
    assert [c["id"] for c in reply.model_extra["followfix"]["constraints"]] == ["punctuation:no_comma"]


def test_extra_body_constraints_win_and_never_reach_the_upstream(front_door) -> None:
    door = front_door()
    door.answers("I like banana bread")
    reply = client(door.url).chat.completions.create(
        model="student-1",
        messages=ask(NO_COMMAS),
        temperature=0.3,
        extra_body={"followfix": {"mode": "verify", "constraints": HAS_BANANA}},
    )
    info = reply.model_extra["followfix"]
    assert info["constraints_source"] == "request" and info["passed"] is True
    sent = door.upstream.chat_requests()[0]
    assert "followfix" not in sent and sent["temperature"] == 0.3 and sent["messages"] == ask(NO_COMMAS)


def test_bad_options_are_a_400_naming_the_field_before_any_upstream_call(front_door) -> None:
    door = front_door()
    sdk = client(door.url)
    cases = [
        ({"mode": "fix-it"}, "followfix.mode"),
        ({"constraints": [{"id": "no:such"}]}, "followfix.constraints[0].id"),
        (
            {"constraints": [{"id": "keywords:existence", "kwargs": {"keywords": 3}}]},
            "followfix.constraints[0]",
        ),
        ({"surprise": 1}, "followfix.surprise"),
        ({"extractor": "llm"}, "followfix.extractor"),
    ]
    for options, param in cases:
        with pytest.raises(openai.BadRequestError) as caught:
            sdk.chat.completions.create(
                model="student-1", messages=ask("hi"), extra_body={"followfix": options}
            )
        error = caught.value.body
        assert isinstance(error, dict) and error["param"].startswith(param), (options, error)
        assert error["type"] == "invalid_request_error" and error["message"]
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.chat.completions.create(model="student-1", messages=[])
    assert caught.value.body["param"] == "messages"  # type: ignore[index]
    plain = httpx.post(f"{door.url}/chat/completions", content=b"{not json", timeout=10)
    assert plain.status_code == 400 and plain.json()["error"]["param"] == "body"
    assert door.upstream.hits == 0


def test_upstream_errors_keep_their_status_and_openai_shape(front_door) -> None:
    door = front_door(upstream_options={"mode": "bad_request"})
    with pytest.raises(openai.BadRequestError) as caught:
        client(door.url).chat.completions.create(model="student-1", messages=ask("hi"))
    assert caught.value.status_code == 400
    assert caught.value.body["message"] == "test teacher says 400"  # type: ignore[index]
    assert door.upstream.hits == 1  # a 400 is not retried


def test_upstream_429_and_5xx_are_retried_then_reported(front_door) -> None:
    door = front_door(upstream_options={"fail_after": 0, "fail_status": 500}, upstream_max_retries=2)
    with pytest.raises(openai.InternalServerError) as caught:
        client(door.url).chat.completions.create(model="student-1", messages=ask("hi"))
    assert caught.value.status_code == 500 and door.upstream.hits == 3
    flaky = front_door(upstream_options={"fail_after": None}, upstream_max_retries=2)
    flaky.upstream.mode, flaky.upstream.fail_times, flaky.upstream.fail_status = "flaky", 2, 429
    flaky.upstream.replies.append("fine")
    # flaky mode answers like 'competent' once it stops failing: a plain prompt gets "ready"
    reply = client(flaky.url).chat.completions.create(model="student-1", messages=ask("hi"))
    assert reply.choices[0].message.content == "ready" and flaky.upstream.hits == 3


def test_upstream_down_or_slow(front_door) -> None:
    slow = front_door(upstream_options={"latency_s": 2.0}, upstream_timeout_s=0.3, upstream_max_retries=1)
    with pytest.raises(openai.APIStatusError) as caught:
        client(slow.url).chat.completions.create(model="student-1", messages=ask("hi"))
    assert caught.value.status_code == 504 and caught.value.body["code"] == "upstream_timeout"  # type: ignore[index]
    down = front_door(upstream_max_retries=1)
    down.upstream.stop()
    with pytest.raises(openai.APIStatusError) as caught:
        client(down.url).chat.completions.create(model="student-1", messages=ask("hi"))
    assert caught.value.status_code == 502 and caught.value.body["code"] == "upstream_unavailable"  # type: ignore[index]


def test_models_are_the_upstreams(front_door) -> None:
    door = front_door()
    assert [m.id for m in client(door.url).models.list()] == ["student-1"]


def test_auth_uses_followfix_keys_and_never_forwards_them(front_door) -> None:
    door = front_door(api_keys=[CLIENT_KEY])
    bare = httpx.post(f"{door.url}/chat/completions", json={"model": "m", "messages": ask("hi")}, timeout=10)
    assert bare.status_code == 401 and bare.json()["error"]["message"]  # the SDK cannot send no key
    with pytest.raises(openai.PermissionDeniedError):
        client(door.url, "wrong-key").chat.completions.create(model="student-1", messages=ask("hi"))
    with pytest.raises(openai.PermissionDeniedError):
        client(door.url, "wrong-key").models.list()
    assert door.upstream.hits == 0
    door.answers("hello")
    reply = client(door.url, CLIENT_KEY).chat.completions.create(model="student-1", messages=ask("hi"))
    assert reply.choices[0].message.content == "hello"
    seen = door.upstream.request_headers[-1]
    assert seen["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert CLIENT_KEY not in json.dumps(door.upstream.request_headers)


def test_collect_queues_the_completion_and_it_becomes_a_correction_and_a_pair(front_door) -> None:
    door = front_door()
    door.answers("Tea, coffee and water.")
    raw = client(door.url).chat.completions.with_raw_response.create(
        model="student-1", messages=ask(NO_COMMAS)
    )
    reply = raw.parse()
    assert reply.choices[0].message.content == "Tea, coffee and water."  # unchanged for the client
    assert reply.model_extra["followfix"]["collect"] == {"status": "queued", "items": 1}
    assert raw.headers["x-followfix-collect"] == "queued"
    rows = door.wait_for("SELECT original, final, status FROM corrections WHERE source = 'collect'", 1)
    assert rows == [("Tea, coffee and water.", "Tea coffee and water.", "corrected")]
    pairs = httpx.get(f"{door.url}/pairs", params={"format": "trl"}, timeout=10)
    pair = json.loads(pairs.text.splitlines()[0])
    assert pair["prompt"][0]["content"] == NO_COMMAS
    assert pair["chosen"][0]["content"] == "Tea coffee and water."
    assert pair["rejected"][0]["content"] == "Tea, coffee and water."


def test_nothing_to_check_is_forwarded_and_not_collected(front_door) -> None:
    door = front_door()
    door.answers("Hello!")
    reply = client(door.url).chat.completions.create(model="student-1", messages=ask("Say hello."))
    info = reply.model_extra["followfix"]
    assert reply.choices[0].message.content == "Hello!"
    assert info["passed"] is None and info["collect"]["status"] == "skipped"


def test_an_extractor_llm_that_is_down_costs_the_verdicts_not_the_reply(front_door) -> None:
    door = front_door(
        extractor_model="extractor-llm",
        extractor_base_url="http://127.0.0.1:9/v1",
        teacher_max_retries=0,
        teacher_timeout_s=2.0,
    )
    door.answers("Tea, coffee and water.", "Tea, again.")
    sdk = client(door.url)
    for mode in ("verify", "correct"):
        reply = sdk.chat.completions.create(
            model="student-1",
            messages=ask(NO_COMMAS),
            extra_body={"followfix": {"mode": mode, "extractor": "llm"}},
        )
        info = reply.model_extra["followfix"]
        assert reply.choices[0].message.content in ("Tea, coffee and water.", "Tea, again.")
        assert info["passed"] is None and info["note"].startswith("extraction failed")


def test_the_llm_extractor_is_its_own_model_apart_from_upstream_and_teacher(
    front_door, teacher_server
) -> None:
    found = {
        "constraints": [{"id": "keywords:existence", "kwargs": {"keywords": ["tea"]}, "evidence": "tea"}]
    }
    extractor = teacher_server("scripted", replies=[json.dumps(found)])
    teacher = teacher_server("competent")
    door = front_door(
        extractor_model="extractor-llm",
        extractor_base_url=str(extractor),
        teacher_model="test-teacher",
        teacher_base_url=str(teacher),
        teacher_client="http",
    )
    door.answers("I drink coffee")
    reply = client(door.url).chat.completions.create(
        model="student-1",
        messages=ask("Say what you drink, and mention tea."),
        extra_body={"followfix": {"mode": "verify", "extractor": "llm"}},
    )
    info = reply.model_extra["followfix"]
    assert [c["id"] for c in info["constraints"]] == ["keywords:existence"] and info["passed"] is False
    assert extractor.server.hits == 1 and teacher.server.hits == 0 and door.upstream.hits == 1
    assert extractor.server.chat_requests()[0]["model"] == "extractor-llm"
