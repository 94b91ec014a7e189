"""End to end through the real server (uvicorn in a subprocess) on both stores.

200 parallel ``/v1/correct`` calls leave exactly 200 rows; then the server is killed (SIGKILL)
in the middle of a second load, and every correction it acknowledged with a 200 is in the store.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.store import Store
from tests.support.net import free_port


@pytest.fixture
def server(store: Store, store_url: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real server on the test's (already cleaned) store; killed at the end whatever happened."""
    port = free_port()
    env = {**os.environ, "FOLLOWFIX_STORE_URL": store_url, "FOLLOWFIX_API_KEYS": ""}
    log = (tmp_path / "server.log").open("wb")
    command = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory", "--port", str(port)]
    proc = subprocess.Popen([*command, "--log-level", "warning"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.25)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        log.close()


def body(i: int) -> dict:
    return {
        "instruction": f"Describe item {i} without using any commas.",
        "response": f"Item {i} is red, round, and sweet.",
        "constraints": [{"id": "punctuation:no_comma", "kwargs": {}}],
        "options": {"strategy": "rules"},
    }


async def post(client: httpx.AsyncClient, i: int) -> str | None:
    """The id of an acknowledged (200) correction, or None when the call did not succeed."""
    try:
        reply = await client.post("/v1/correct", json=body(i))
    except httpx.HTTPError:
        return None
    if reply.status_code != 200:
        return None
    data = reply.json()
    assert data["recorded"] is True and data["status"] == "corrected"
    return str(data["id"])


async def test_parallel_calls_then_a_kill_lose_no_acknowledged_record(server, store: Store):
    base, proc = server
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        ids = await asyncio.gather(*(post(client, i) for i in range(200)))
    assert None not in ids and len(set(ids)) == 200
    assert await store.count() == 200
    assert {s.result.id async for s in store.iter_corrections()} == set(ids)
    assert await store.count_pairs() == 200

    acked: list[str] = []
    gate = asyncio.Semaphore(64)

    async def one(client: httpx.AsyncClient, i: int) -> None:
        async with gate:
            rid = await post(client, i)
            if rid is not None:
                acked.append(rid)
                if len(acked) == 150:
                    os.kill(proc.pid, signal.SIGKILL)  # mid-load: dozens of requests in flight

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await asyncio.gather(*(one(client, i) for i in range(1000, 1600)))
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert 150 <= len(acked) < 600  # the kill really interrupted the load
    stored = {s.result.id async for s in store.iter_corrections()}
    missing = set(acked) - stored
    assert not missing, f"{len(missing)} acknowledged corrections lost"
