"""Issue 15's collect reproductions on live servers, on each queue backend (SQLite file, PostgreSQL,
Redis): poison items, concurrent producers and collectors across two servers, dead workers.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.errors import StoreDataError
from service.app import create_app
from tests.service.api.live import live_server, serve_app
from tests.service.bulk.queue_backends import QUEUE_BACKENDS
from tests.service.bulk.servers import Backend, collected, use_backend, wait_until
from tests.service.store.conftest import postgres_url  # noqa: F401  (the session's database)

J = {"content-type": "application/json"}
SURROGATE_BODY = (
    b'{"instruction":"i","response":"x","constraints":'
    b'[{"id":"keywords:existence","kwargs":{"keywords":["\\ud800"]}}]}'
)
NUL_BODY = b'{"instruction":"i","response":"x\\u0000y","constraints":[{"id":"punctuation:no_comma"}]}'


@pytest.fixture(params=QUEUE_BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "2")
    monkeypatch.setenv("FOLLOWFIX_COLLECT_MAX_PENDING", "100000")
    yield from use_backend(request.param, tmp_path, request, monkeypatch)


def item(index: int) -> dict[str, object]:
    return {
        "instruction": f"Answer without commas ({index}).",
        "response": f"Item {index}, with a comma",
        "constraints": [{"id": "punctuation:no_comma"}],
    }


POISON = [
    # A lone surrogate in kwargs (the item 4): no store can encode it.
    {
        "instruction": "i",
        "response": "x",
        "constraints": [{"id": "keywords:existence", "kwargs": {"keywords": ["\ud800"]}}],
    },
    {"instruction": "no response field"},  # malformed: raises KeyError in the worker
    {"instruction": "i", "response": "x", "constraints": [{"id": "no:such_constraint"}]},  # permanent error
]


async def put_poison(backend: Backend) -> dict[int, str]:
    """Poison that got into the queue some other way than this API (an older server, a script);
    PostgreSQL refuses the lone surrogate itself (a data error, never an outage)."""
    queue, store = await backend.queue()
    ids: dict[int, str] = {}
    try:
        for index, payload in enumerate(POISON):
            try:
                ids[index] = await queue.put(payload)
            except StoreDataError:
                assert backend.name == "postgres" and index == 0
        return ids
    finally:
        await queue.close()
        if store is not None:
            await store.close()


def metric(text: str, name: str, labels: str = "") -> float:
    found = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    assert found, f"{name}{labels} not in /metrics"
    return float(found.group(1))


def test_poison_items_are_dead_lettered_and_never_stop_the_workers(backend: Backend, tmp_path: Path) -> None:
    with live_server(backend.settings(tmp_path)) as url, httpx.Client(base_url=url, timeout=30) as http:
        refused = http.post("/v1/collect", content=SURROGATE_BODY, headers=J)  # the curl
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"].startswith("constraints")
        nul = http.post("/v1/collect", content=NUL_BODY, headers=J)
        assert nul.status_code == 422 and nul.json()["error"]["field"] == "response", nul.text
        poison = asyncio.run(put_poison(backend))
        assert len(poison) == (2 if backend.name == "postgres" else 3)
        accepted = [http.post("/v1/collect", json=item(i)) for i in range(20)]
        assert all(r.status_code == 202 for r in accepted)
        wait_until(lambda: sum(collected(backend.store_url).values()) >= 20, 60, "20 good items stored")
        wait_until(lambda: http.get("/v1/collect/dead").json()["dead"] == len(poison), 30, "dead letters")
        dead = http.get("/v1/collect/dead").json()
        assert sorted(d["id"] for d in dead["items"]) == sorted(poison.values())
        reasons = {d["id"]: d["reason"] for d in dead["items"]}
        expected = {0: "lone surrogate", 1: "KeyError", 2: "no:such_constraint"}
        assert all(expected[index] in reasons[item_id] for index, item_id in poison.items())
        assert (dead["queued"], dead["in_flight"]) == (0, 0)
        metrics = http.get("/metrics").text
        assert metric(metrics, "followfix_collect_items", '{state="dead"}') == len(poison)
        assert metric(metrics, "followfix_collect_items", '{state="queued"}') == 0
        assert metric(metrics, "followfix_collect_outcomes_total", '{outcome="stored"}') == 20
        assert metric(metrics, "followfix_collect_workers_running") == 2
        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["collectors"].startswith("ok")
        after = http.post("/v1/collect", json=item(99))  # still collecting
        assert after.status_code == 202
        wait_until(lambda: sum(collected(backend.store_url).values()) == 21, 30, "the item after the poison")
    assert set(collected(backend.store_url).values()) == {1}


# Through HTTP and the whole correction path; the queue alone takes thousands in test_queue_claims.
ITEMS = 600
CLIENTS = 8


async def produce(urls: list[str]) -> list[int]:
    """CLIENTS concurrent clients post ITEMS items spread over ``urls``; the indexes accepted."""
    accepted: list[int] = []
    numbers = iter(range(ITEMS))

    async def client(index: int) -> None:
        async with httpx.AsyncClient(base_url=urls[index % len(urls)], timeout=60) as http:
            for number in numbers:
                reply = await http.post("/v1/collect", json=item(number))
                assert reply.status_code == 202, reply.text
                accepted.append(number)

    await asyncio.gather(*(client(i) for i in range(CLIENTS)))
    return accepted


def test_two_servers_store_every_accepted_item_exactly_once(backend: Backend, tmp_path: Path) -> None:
    """The issue's item 3 at scale: producers and collectors race on one queue from two servers."""
    settings = backend.settings(tmp_path)
    with live_server(settings) as first, live_server(settings) as second:
        accepted = asyncio.run(produce([first, second]))
        assert len(accepted) == ITEMS
        wait_until(lambda: sum(collected(backend.store_url).values()) >= ITEMS, 120, f"{ITEMS} stored")
        dead = httpx.get(f"{first}/v1/collect/dead").json()
    stored = collected(backend.store_url)
    expected = {f"Answer without commas ({n})." for n in accepted}
    assert set(stored) == expected  # nothing lost, nothing invented
    assert [text for text, times in stored.items() if times != 1] == []  # each stored exactly once
    assert (dead["queued"], dead["in_flight"], dead["dead"]) == (0, 0, 0)


def test_readyz_fails_when_the_collectors_are_not_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "2")
    app = create_app(Backend("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'followfix.db'}").settings(tmp_path))
    with serve_app(app) as url:
        assert httpx.get(f"{url}/readyz").status_code == 200
        task = app.state.bulk.collectors._tasks[0]
        task.get_loop().call_soon_threadsafe(task.cancel)  # a worker gone, whatever the cause
        wait_until(task.done, 10, "the worker to stop")
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 503 and "Retry-After" in ready.headers
        assert ready.json()["checks"]["collectors"] == "failed: 1 of 2 collect workers stopped"
        assert "followfix_collect_workers_running 1.0" in httpx.get(f"{url}/metrics").text
