"""The LiteLLM integration with the real litellm package: LiteLLM's Router calls the local
OpenAI-protocol test server as the model, and LiteLLM's own logging machinery fires the callback
that sends each completion to a live followfix server."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server
from tests.service.proxy.test_chat import NO_COMMAS, ask
from tests.support.openai_server import TeacherServer

hook = pytest.importorskip("service.proxy.litellm_hook")


@pytest.fixture
def followfix(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with live_server(make_settings(tmp_path)) as url:
        yield url, tmp_path


@pytest.fixture
def model() -> Iterator[TeacherServer]:
    server = TeacherServer("scripted", model="student-1")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def callbacks() -> AsyncIterator[list[object]]:
    """litellm.callbacks for one test: LiteLLM keeps them (and the lists it copies them into on the
    first call) globally, so every list is emptied before and after. Its logging worker is global
    too: success events of earlier tests' completions (other event loops) are carried over and would
    fire this test's callback, so they are run out first, with no callback registered, and this
    test's own events are run out before the callbacks go."""
    import litellm
    from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

    litellm.logging_callback_manager._reset_all_callbacks()
    await asyncio.wait_for(GLOBAL_LOGGING_WORKER.flush(), timeout=30)
    yield litellm.callbacks
    await asyncio.wait_for(GLOBAL_LOGGING_WORKER.flush(), timeout=30)
    litellm.logging_callback_manager._reset_all_callbacks()


def router(model: TeacherServer) -> object:
    from litellm import Router

    entry = {
        "model_name": "student",
        "litellm_params": {"model": "openai/student-1", "api_base": model.base_url, "api_key": "k"},
    }
    return Router(model_list=[entry], num_retries=0)


async def until(check: object, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        await asyncio.sleep(0.05)


def corrections(store_dir: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(store_dir / "followfix.db") as db:
        return list(db.execute("SELECT original, final, status FROM corrections WHERE source = 'collect'"))


async def test_router_completion_is_collected_through_the_callback(followfix, model, callbacks) -> None:
    url, store_dir = followfix
    callback = hook.FollowfixCallback(api_base=url)
    callbacks.append(callback)
    model.replies.append("Tea, coffee and water.")
    reply = await router(model).acompletion(model="student", messages=ask(NO_COMMAS))  # type: ignore[attr-defined]
    assert reply.choices[0].message.content == "Tea, coffee and water."  # the completion is untouched
    await until(lambda: callback.sender.sent == 1)
    assert callback.last_answer is not None and callback.last_answer["status"] == "queued"
    await until(lambda: corrections(store_dir))
    assert corrections(store_dir) == [("Tea, coffee and water.", "Tea coffee and water.", "corrected")]


async def test_verify_mode_and_constraints_from_metadata(followfix, model, callbacks) -> None:
    url, _ = followfix
    callback = hook.FollowfixCallback(api_base=url, mode="verify")
    callbacks.append(callback)
    model.replies.append("no banana here")
    constraints = [{"id": "keywords:forbidden_words", "kwargs": {"forbidden_words": ["banana"]}}]
    await router(model).acompletion(  # type: ignore[attr-defined]
        model="student", messages=ask("Say anything."), metadata={"followfix_constraints": constraints}
    )
    await until(lambda: callback.last_answer is not None)
    answer = callback.last_answer
    assert answer is not None and answer["passed"] is False
    assert answer["verdicts"][0]["id"] == "keywords:forbidden_words"


async def test_followfix_down_never_fails_the_completion(model, callbacks) -> None:
    callback = hook.FollowfixCallback(api_base="http://127.0.0.1:9/v1")
    callback.sender.policy = hook.RetryPolicy(
        timeout_s=1.0, max_retries=1, backoff_initial_s=0.01, backoff_max_s=0.02
    )
    callbacks.append(callback)
    model.replies.append("fine")
    reply = await router(model).acompletion(model="student", messages=ask(NO_COMMAS))  # type: ignore[attr-defined]
    assert reply.choices[0].message.content == "fine"
    await until(lambda: callback.sender.failed == 1)
    assert callback.sender.failed == 1 and callback.sender.sent == 0


async def test_guardrail_post_call_attaches_verdicts(followfix, model) -> None:
    from litellm.types.guardrails import GuardrailEventHooks

    url, _ = followfix
    guard = hook.FollowfixGuardrail(
        api_base=url,
        followfix_mode="verify",
        guardrail_name="followfix",
        event_hook="post_call",
        default_on=True,
    )
    data = {"messages": ask(NO_COMMAS), "metadata": {}}
    assert guard.should_run_guardrail(data=data, event_type=GuardrailEventHooks.post_call) is True
    assert guard.should_run_guardrail(data=data, event_type=GuardrailEventHooks.pre_call) is False
    model.replies.append("Tea, coffee and water.")
    response = await router(model).acompletion(model="student", messages=ask(NO_COMMAS))  # type: ignore[attr-defined]
    # The proxy awaits this hook before answering; here it is awaited with LiteLLM's real response.
    returned = await guard.async_post_call_success_hook(data=data, user_api_key_dict=None, response=response)
    assert returned is response
    assert response._hidden_params["followfix"]["passed"] is False
    assert response._hidden_params["additional_headers"]["x-followfix-failed"] == "punctuation:no_comma"
