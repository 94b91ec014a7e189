"""Teacher clients against the real local test server: usage, retries, timeouts, errors."""

import asyncio
import socket
import time

import pytest

from graph.errors import TeacherError, TeacherUnavailableError
from graph.teacher import TeacherConfig, check_teacher, make_teacher
from tests.support.fixtures import fast_teacher_config

HELLO = [{"role": "user", "content": "say hi please"}]


async def test_reply_and_usage_come_back(teacher_server, teacher_client) -> None:
    url = teacher_server("competent")
    reply = await make_teacher(fast_teacher_config(url, teacher_client)).complete(HELLO)
    assert reply.text == "ready"
    assert reply.usage.calls == 1 and reply.usage.attempts == 1
    assert reply.usage.prompt_tokens == 3 and reply.usage.completion_tokens == 1
    assert reply.latency_s > 0
    assert url.server.chat_requests()[0]["messages"] == HELLO


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_transient_failures_are_retried_and_every_attempt_counted(
    teacher_server, teacher_client, status
) -> None:
    url = teacher_server("flaky", fail_times=2, fail_status=status)
    reply = await make_teacher(fast_teacher_config(url, teacher_client)).complete(HELLO)
    assert reply.text == "ready"
    assert reply.usage.attempts == 3 and reply.usage.calls == 1
    assert url.server.hits == 3


async def test_retry_after_is_honoured(teacher_server, teacher_client) -> None:
    url = teacher_server("flaky", fail_times=1, fail_status=429, retry_after="1")
    started = time.perf_counter()
    reply = await make_teacher(fast_teacher_config(url, teacher_client)).complete(HELLO)
    assert reply.usage.attempts == 2
    assert time.perf_counter() - started >= 1.0  # the backoff alone would wait about 0.02 s


async def test_no_retry_on_400(teacher_server, teacher_client) -> None:
    url = teacher_server("bad_request")
    with pytest.raises(TeacherError) as caught:
        await make_teacher(fast_teacher_config(url, teacher_client)).complete(HELLO)
    assert not isinstance(caught.value, TeacherUnavailableError)
    assert caught.value.status_code == 400 and caught.value.attempts == 1
    assert url.server.hits == 1


async def test_exhausted_retries_raise_unavailable(teacher_server, teacher_client) -> None:
    url = teacher_server("flaky", fail_times=100, fail_status=500)
    teacher = make_teacher(fast_teacher_config(url, teacher_client, max_retries=2))
    with pytest.raises(TeacherUnavailableError) as caught:
        await teacher.complete(HELLO)
    assert caught.value.attempts == 3 and url.server.hits == 3
    assert await check_teacher(teacher) is False


async def test_per_call_timeout_then_retry(teacher_server, teacher_client) -> None:
    url = teacher_server("slow", latency_s=0.6)
    teacher = make_teacher(fast_teacher_config(url, teacher_client, timeout_s=0.2, max_retries=1))
    started = time.perf_counter()
    with pytest.raises(TeacherUnavailableError) as caught:
        await teacher.complete(HELLO)
    assert caught.value.attempts == 2
    assert time.perf_counter() - started < 1.2


async def test_connection_refused_is_unavailable(teacher_client) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    teacher = make_teacher(fast_teacher_config(f"http://127.0.0.1:{port}/v1", teacher_client, max_retries=1))
    with pytest.raises(TeacherUnavailableError) as caught:
        await teacher.complete(HELLO)
    assert caught.value.attempts == 2


async def test_cost_from_configured_prices(teacher_server, teacher_client) -> None:
    url = teacher_server("competent")
    config = fast_teacher_config(url, teacher_client, input_cost_per_token=0.001, output_cost_per_token=0.01)
    reply = await make_teacher(config).complete(HELLO)
    assert reply.usage.cost_usd == pytest.approx(3 * 0.001 + 1 * 0.01)


async def test_concurrent_calls_share_one_client(teacher_server, teacher_client) -> None:
    url = teacher_server("slow", latency_s=0.2)
    teacher = make_teacher(fast_teacher_config(url, teacher_client))
    started = time.perf_counter()
    replies = await asyncio.gather(*(teacher.complete(HELLO) for _ in range(5)))
    assert [r.text for r in replies] == ["ready"] * 5
    assert time.perf_counter() - started < 0.9


def test_unknown_client_is_an_error() -> None:
    with pytest.raises(TeacherError):
        make_teacher(TeacherConfig(model="m", client="nope"))  # type: ignore[arg-type]


def test_importing_the_engine_does_not_import_litellm() -> None:
    import subprocess
    import sys

    code = "import sys, graph.run, graph.teacher; print('litellm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_one_teacher_serves_several_event_loops(teacher_server, teacher_client) -> None:
    """``correct_sync`` runs a new loop per call: a reused teacher must not carry a dead pool."""
    teacher = make_teacher(fast_teacher_config(teacher_server("competent"), teacher_client))
    for _ in range(2):
        reply = asyncio.run(teacher.complete(HELLO))
        assert reply.text == "ready"


async def test_http_client_rejects_a_reply_that_is_not_a_chat_completion() -> None:
    """A proxy's HTML error page with status 200 is a TeacherError, not a crash or an empty text."""
    from aiohttp import web

    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>upstream timed out</html>", content_type="text/html")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", html)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    teacher = make_teacher(fast_teacher_config(f"http://127.0.0.1:{port}/v1", "http"))
    try:
        with pytest.raises(TeacherError, match="not a chat completion") as caught:
            await teacher.complete(HELLO)
        assert not isinstance(caught.value, TeacherUnavailableError)
    finally:
        await teacher.aclose()
        await runner.cleanup()
