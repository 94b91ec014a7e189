"""Shared pytest fixtures (registered from the root conftest via ``pytest_plugins``).

``teacher_server`` starts real OpenAI-compatible test teachers (see tests.support.openai_server):
``url = teacher_server(mode="competent", latency_s=0.0, fail_times=0)``; ``url`` is the base URL
(``http://127.0.0.1:PORT/v1``) and ``url.server`` the running server (request log, hit count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.openai_server import TeacherServer


class ServerURL(str):
    """A base URL that also carries the server it points at."""

    server: TeacherServer


@pytest.fixture
def teacher_server() -> Iterator[Callable[..., ServerURL]]:
    """Factory of local test-teacher servers, all stopped at the end of the test."""
    started: list[TeacherServer] = []

    def start(
        mode: str = "competent", latency_s: float = 0.0, fail_times: int = 0, **options: Any
    ) -> ServerURL:
        server = TeacherServer(mode, latency_s=latency_s, fail_times=fail_times, **options)
        started.append(server)
        url = ServerURL(server.start())
        url.server = server
        return url

    yield start
    for server in started:
        server.stop()


@pytest.fixture(params=["openai", "litellm", "http"])
def teacher_client(request: pytest.FixtureRequest) -> str:
    """Runs a test once per teacher client: langchain-openai, litellm and the bare aiohttp one."""
    return str(request.param)


def fast_teacher_config(url: str, client: str = "openai", **overrides: Any) -> Any:
    """A TeacherConfig for a local test server with test-speed backoff."""
    from graph.teacher import TeacherConfig

    options: dict[str, Any] = {
        "timeout_s": 10.0,
        "max_retries": 3,
        "backoff_initial_s": 0.01,
        "backoff_max_s": 0.05,
    }
    options.update(overrides)
    return TeacherConfig(model="test-teacher", base_url=url, client=client, **options)  # type: ignore[arg-type]
