"""The front door with LiteLLM as its upstream client (any provider LiteLLM knows), here pointed
at the local OpenAI-protocol test server: whole and streamed completions, and upstream errors."""

from __future__ import annotations

import openai
import pytest

from tests.service.proxy.test_chat import NO_COMMAS, ask, client


def test_litellm_upstream_whole_and_streamed(front_door) -> None:
    door = front_door(upstream_client="litellm")
    door.answers("Tea, coffee and water.", "no commas here")
    sdk = client(door.url)
    reply = sdk.chat.completions.create(
        model="student-1", messages=ask(NO_COMMAS), extra_body={"followfix": {"mode": "verify"}}
    )
    assert reply.choices[0].message.content == "Tea, coffee and water."
    assert reply.model_extra["followfix"]["passed"] is False
    chunks = list(
        sdk.chat.completions.create(
            model="student-1",
            messages=ask(NO_COMMAS),
            stream=True,
            extra_body={"followfix": {"mode": "verify"}},
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "no commas here"
    assert chunks[-1].model_extra["followfix"]["passed"] is True
    sent = door.upstream.chat_requests()
    assert len(sent) == 2 and sent[1]["stream"] is True and "followfix" not in sent[0]
    assert door.upstream.request_headers[0]["authorization"] == "Bearer upstream-secret"


def test_litellm_upstream_errors_keep_their_status(front_door) -> None:
    door = front_door(upstream_options={"mode": "bad_request"}, upstream_client="litellm")
    with pytest.raises(openai.BadRequestError) as caught:
        client(door.url).chat.completions.create(model="student-1", messages=ask("hi"))
    assert "test teacher says 400" in caught.value.body["message"]  # type: ignore[index]
    assert door.upstream.hits == 1
    flaky = front_door(upstream_options={"fail_after": 0}, upstream_client="litellm", upstream_max_retries=2)
    with pytest.raises(openai.InternalServerError):
        client(flaky.url).chat.completions.create(model="student-1", messages=ask("hi"))
    assert flaky.upstream.hits == 3
