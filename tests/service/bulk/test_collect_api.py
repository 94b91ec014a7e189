"""POST /v1/collect on a live server: 202 at once, 429 + Retry-After when full, nothing dropped.

Run against both queue backends: the store table and Redis Streams on 127.0.0.1:6379.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server


def collected(store_dir: Path) -> int:
    with sqlite3.connect(store_dir / "followfix.db") as db:
        return int(db.execute("SELECT count(*) FROM corrections WHERE source = 'collect'").fetchone()[0])


def queued(store_dir: Path) -> int:
    with sqlite3.connect(store_dir / "followfix.db") as db:
        return int(db.execute("SELECT count(*) FROM collect_queue").fetchone()[0])


@pytest.fixture(params=["table", "redis"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Queue env for the server; the Redis stream name is unique per test and deleted after."""
    monkeypatch.setenv("FOLLOWFIX_COLLECT_MAX_PENDING", "10")
    monkeypatch.setenv("FOLLOWFIX_COLLECT_RETRY_AFTER_S", "7")
    stream = f"followfix-test:{uuid.uuid4().hex}"
    if request.param == "redis":
        monkeypatch.setenv("FOLLOWFIX_QUEUE_URL", "redis://127.0.0.1:6379/0")
        monkeypatch.setenv("FOLLOWFIX_QUEUE_NAME", stream)
    yield request.param
    if request.param == "redis":
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379)
        client.delete(stream)
        client.close()


def item(index: int) -> dict[str, object]:
    return {
        "instruction": f"Answer without commas ({index}).",
        "response": f"Item {index}, with a comma",
        "constraints": [{"id": "punctuation:no_comma"}],
    }


async def burst(url: str, count: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return list(await asyncio.gather(*(http.post("/v1/collect", json=item(i)) for i in range(count))))


def test_backpressure_never_drops_an_accepted_item(
    tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path)
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "0")  # nothing drains: the queue fills up
    with live_server(settings) as url:
        replies = asyncio.run(burst(url, 16))
        accepted = [r for r in replies if r.status_code == 202]
        refused = [r for r in replies if r.status_code == 429]
        assert len(accepted) == 10 and len(refused) == 6
        assert all(r.headers["Retry-After"] == "7" for r in refused)
        assert refused[0].json()["error"]["code"] == "queue_full"
        assert len({r.json()["id"] for r in accepted}) == 10
        bad = httpx.post(
            f"{url}/v1/collect", json={"instruction": "x", "response": "y", "constraints": [{"id": "no"}]}
        )
        assert bad.status_code == 422
    if backend == "table":
        assert queued(tmp_path) == 10
    # A restarted server with workers drains every accepted item into the store, and no more.
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "2")
    with live_server(settings) as url:
        deadline = time.monotonic() + 60
        while collected(tmp_path) < 10:
            assert time.monotonic() < deadline, f"only {collected(tmp_path)} of 10 collected"
            time.sleep(0.1)
        accepted_again = httpx.post(f"{url}/v1/collect", json=item(99))
        assert accepted_again.status_code == 202
        while collected(tmp_path) < 11:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        # Stored comes before acked: wait for the ack too, or a stop in between leaves it queued.
        while (backlog := httpx.get(f"{url}/v1/collect/dead").json())["queued"] + backlog["in_flight"]:
            assert time.monotonic() < deadline, backlog
            time.sleep(0.1)
    assert collected(tmp_path) == 11
    if backend == "table":
        assert queued(tmp_path) == 0
    with sqlite3.connect(tmp_path / "followfix.db") as db:
        finals = [row[0] for row in db.execute("SELECT final FROM corrections WHERE source = 'collect'")]
    assert all("," not in final for final in finals)
