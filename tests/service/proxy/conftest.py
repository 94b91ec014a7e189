"""A live followfix front door whose upstream (the served model) is the local OpenAI-protocol
test server in ``scripted`` mode: each test says what the model answers next."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server
from tests.support.openai_server import TeacherServer

CLIENT_KEY = "followfix-client-key"
UPSTREAM_KEY = "upstream-secret"


@dataclass
class Door:
    url: str  # followfix's OpenAI base URL: http://127.0.0.1:PORT/v1
    upstream: TeacherServer
    store_dir: Path

    def answers(self, *texts: str) -> None:
        """What the upstream model answers to the next requests, in order."""
        self.upstream.replies.extend(texts)

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.store_dir / "followfix.db") as db:
            return list(db.execute(query))

    def wait_for(self, query: str, count: int, timeout_s: float = 30.0) -> list[tuple[Any, ...]]:
        deadline = time.monotonic() + timeout_s
        while True:
            rows = self.rows(query)
            if len(rows) >= count or time.monotonic() > deadline:
                return rows
            time.sleep(0.1)


@pytest.fixture
def front_door(tmp_path: Path) -> Iterator[Callable[..., Door]]:
    """Factory: ``front_door(**settings)`` starts an upstream and a followfix server in front of it."""
    opened: list[Any] = []

    def start(upstream_options: dict[str, Any] | None = None, **overrides: Any) -> Door:
        options = {"mode": "scripted", "model": "student-1", **(upstream_options or {})}
        upstream = TeacherServer(**options)
        upstream.start()
        opened.append(upstream)
        store_dir = tmp_path / f"door{len(opened)}"
        store_dir.mkdir()
        values: dict[str, Any] = {
            "upstream_base_url": upstream.base_url,
            "upstream_api_key": UPSTREAM_KEY,
            "upstream_backoff_initial_s": 0.01,
            "upstream_backoff_max_s": 0.05,
            **overrides,
        }
        server = live_server(make_settings(store_dir, **values))
        url = server.__enter__()
        opened.append(server)
        return Door(f"{url}/v1", upstream, store_dir)

    yield start
    for thing in reversed(opened):
        if isinstance(thing, TeacherServer):
            thing.stop()
        else:
            thing.__exit__(None, None, None)
