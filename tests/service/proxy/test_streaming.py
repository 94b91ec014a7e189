"""Streaming through the front door (SDK streams, sync and async), correct mode, and clients that
hang up mid-stream."""

from __future__ import annotations

import time

import httpx
import openai

from tests.service.proxy.test_chat import HAS_BANANA, NO_COMMAS, ask, client

LONG = " ".join(f"word{i}," for i in range(40))


def test_stream_passes_chunks_through_and_verdicts_come_before_done(front_door) -> None:
    door = front_door()
    door.answers("Tea, coffee and water.")
    stream = client(door.url).chat.completions.create(
        model="student-1",
        messages=ask(NO_COMMAS),
        stream=True,
        stream_options={"include_usage": True},
        extra_body={"followfix": {"mode": "verify"}},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Tea, coffee and water."
    content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(content_chunks) == 4  # the upstream's word chunks, not re-chunked
    usage = [c.usage for c in chunks if c.usage is not None]
    assert len(usage) == 1 and usage[0].completion_tokens == 4  # the upstream's usage chunk passes
    last = chunks[-1]
    assert last.choices == [] and last.model_extra["followfix"]["passed"] is False
    assert last.model_extra["followfix"]["verdicts"][0]["id"] == "punctuation:no_comma"
    assert door.upstream.chat_requests()[0]["stream"] is True


async def test_async_stream_collects_at_the_end(front_door) -> None:
    door = front_door()
    door.answers("Tea, coffee and water.")
    sdk = openai.AsyncOpenAI(base_url=door.url, api_key="x", max_retries=0)
    stream = await sdk.chat.completions.create(model="student-1", messages=ask(NO_COMMAS), stream=True)
    chunks = [chunk async for chunk in stream]
    await sdk.close()
    assert chunks[-1].model_extra["followfix"]["collect"] == {"status": "queued", "items": 1}
    rows = door.wait_for("SELECT original, status FROM corrections WHERE source = 'collect'", 1)
    assert rows == [("Tea, coffee and water.", "corrected")]


async def test_async_client_verifies_too(front_door) -> None:
    door = front_door()
    door.answers("no commas here")
    async with openai.AsyncOpenAI(base_url=door.url, api_key="x", max_retries=0) as sdk:
        reply = await sdk.chat.completions.create(
            model="student-1", messages=ask(NO_COMMAS), extra_body={"followfix": {"mode": "verify"}}
        )
    assert reply.model_extra["followfix"]["passed"] is True


def test_correct_mode_returns_the_corrected_text_original_and_summed_usage(
    front_door, teacher_server
) -> None:
    teacher = teacher_server("competent")
    door = front_door(teacher_model="test-teacher", teacher_base_url=str(teacher), teacher_client="http")
    door.answers("I like bread a lot")
    reply = client(door.url).chat.completions.create(
        model="student-1",
        messages=ask("Tell me what you like."),
        extra_body={"followfix": {"mode": "correct", "constraints": HAS_BANANA}},
    )
    info = reply.model_extra["followfix"]
    text = reply.choices[0].message.content
    assert text is not None and "banana" in text
    assert info["original"] == "I like bread a lot" and info["passed"] is True
    assert info["verdicts_before"][0]["passed"] is False and info["verdicts"][0]["passed"] is True
    teacher_usage = info["correction"]["teacher_usage"]
    assert teacher_usage["calls"] >= 1 and teacher_usage["completion_tokens"] > 0
    assert reply.usage is not None
    assert (
        reply.usage.completion_tokens
        == info["upstream_usage"]["completion_tokens"] + teacher_usage["completion_tokens"]
    )
    assert teacher.server.hits >= 1 and door.upstream.hits == 1  # the student is not the teacher
    rows = door.wait_for("SELECT original, status FROM corrections WHERE source = 'proxy'", 1)
    assert rows == [("I like bread a lot", "corrected")]


def test_correct_mode_streams_the_corrected_text(front_door) -> None:
    door = front_door()  # no teacher: the rules strategy repairs commas
    door.answers("Tea, coffee and water.")
    stream = client(door.url).chat.completions.create(
        model="student-1",
        messages=ask(NO_COMMAS),
        stream=True,
        extra_body={"followfix": {"mode": "correct"}},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Tea coffee and water."
    assert chunks[-1].model_extra["followfix"]["original"] == "Tea, coffee and water."
    assert "stream" not in door.upstream.chat_requests()[0]  # buffered: one whole completion upstream


def test_correct_mode_refuses_several_choices(front_door) -> None:
    door = front_door()
    try:
        client(door.url).chat.completions.create(
            model="student-1", messages=ask("hi"), n=2, extra_body={"followfix": {"mode": "correct"}}
        )
    except openai.BadRequestError as exc:
        assert exc.body["param"] == "n"  # type: ignore[index]
    else:  # pragma: no cover
        raise AssertionError("n=2 in correct mode must be refused")


def test_client_hanging_up_mid_stream_closes_the_upstream_and_keeps_what_was_collected(front_door) -> None:
    door = front_door(upstream_options={"stream_delay_s": 0.1})
    door.answers("Tea, coffee and water.")  # collected before the hang-up
    first = client(door.url).chat.completions.create(model="student-1", messages=ask(NO_COMMAS), stream=True)
    assert list(first)[-1].model_extra["followfix"]["collect"]["status"] == "queued"
    door.answers(LONG)  # 40 chunks, 0.1 s apart: 4 s if read to the end
    started = time.monotonic()
    body = {"model": "student-1", "messages": ask(NO_COMMAS), "stream": True}
    with httpx.stream("POST", f"{door.url}/chat/completions", json=body, timeout=10) as reply:
        lines = reply.iter_lines()
        received = [line for line, _ in zip(lines, range(4), strict=False) if line]
    assert received and received[0].startswith("data: ")
    deadline = time.monotonic() + 3.0
    while (door.upstream.streams_aborted < 1 or door.upstream.streams_open) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert door.upstream.streams_aborted == 1 and door.upstream.streams_open == 0
    assert time.monotonic() - started < 3.5  # the upstream stopped long before its 4 s of chunks
    rows = door.wait_for("SELECT original FROM corrections WHERE source = 'collect'", 1)
    assert rows == [("Tea, coffee and water.",)]  # the earlier item was not lost
    time.sleep(0.5)
    assert door.rows("SELECT count(*) FROM collect_queue") == [(0,)]  # the partial one was not queued
    assert door.rows("SELECT count(*) FROM corrections") == [(1,)]


def test_upstream_stalling_mid_stream_ends_the_stream_with_an_error_event(front_door) -> None:
    door = front_door(upstream_options={"stream_delay_s": 1.5}, upstream_stream_idle_s=0.3)
    door.answers("one two three")
    stream = client(door.url).chat.completions.create(model="student-1", messages=ask(NO_COMMAS), stream=True)
    started = time.monotonic()
    try:
        for _ in stream:
            pass
    except openai.APIError as exc:
        assert exc.body["code"] == "upstream_timeout"  # type: ignore[index]
    else:  # pragma: no cover
        raise AssertionError("a stalled upstream must end the stream with an error")
    assert time.monotonic() - started < 1.5
    deadline = time.monotonic() + 5
    while door.upstream.streams_open and time.monotonic() < deadline:
        time.sleep(0.05)
    assert door.upstream.streams_open == 0 and door.rows("SELECT count(*) FROM collect_queue") == [(0,)]
