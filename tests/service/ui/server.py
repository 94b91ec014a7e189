"""A live followfix server for the review tests: API keys, a test teacher, a SQLite store filled
through ``POST /v1/correct`` (real corrections, never inserted rows)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server
from tests.service.bulk.conftest import needs_teacher
from tests.support.openai_server import TeacherServer

KEY = "ui-test-key"
LOWER = {"id": "change_case:english_lowercase", "kwargs": {}}
NO_COMMA = {"id": "punctuation:no_comma", "kwargs": {}}
MANY_WORDS = {"id": "length_constraints:number_words", "kwargs": {"relation": "at least", "num_words": 60}}


def seed_requests() -> list[dict[str, Any]]:
    """Three kinds: lowercase fixes, comma fixes (both corrected by repairs) and unfixable lengths."""
    rules = {"strategy": "rules"}
    out = []
    for i in range(4):
        out.append(
            {
                "instruction": f"Describe tea number {i}. Your answer must be in lowercase letters only.",
                "response": f"Green Tea number {i} is a Calm drink from Japan.",
                "constraints": [LOWER],
                "options": rules,
            }
        )
        out.append(
            {
                "instruction": f"List fruit {i} without using any commas.",
                "response": f"Apples, pears, and plums number {i}",
                "constraints": [NO_COMMA],
                "options": rules,
            }
        )
    for i in range(2):
        out.append(
            {
                "instruction": f"Write an essay {i} of at least 60 words.",
                "response": f"Too short essay {i}.",
                "constraints": [MANY_WORDS],
                "options": rules,
            }
        )
    return out


@dataclass
class UiServer:
    url: str
    http: httpx.Client
    ids: list[str]

    def job_rows(self, count: int) -> bytes:
        return "".join(json.dumps(needs_teacher(i)) + "\n" for i in range(count)).encode()


@contextmanager
def ui_server(tmp: Path) -> Iterator[UiServer]:
    teacher = TeacherServer("competent", latency_s=0.4)
    teacher.start()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("FOLLOWFIX_JOBS_DIR", str(tmp / "jobs"))
            patch.setenv("FOLLOWFIX_COLLECT_WORKERS", "0")
            settings = make_settings(
                tmp,
                api_keys=[KEY],
                teacher_model="test-teacher",
                teacher_base_url=teacher.base_url,
                teacher_client="http",
            )
            with live_server(settings) as url:
                headers = {"Authorization": f"Bearer {KEY}"}
                with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
                    ids = []
                    for body in seed_requests():
                        reply = http.post("/v1/correct", json=body)
                        assert reply.status_code == 200, reply.text
                        ids.append(reply.json()["id"])
                    yield UiServer(url, http, ids)
    finally:
        teacher.stop()
