"""A store or queue outage is a 503 with Retry-After on every route, never a 500, and no error body
carries SQL or bound parameters (issue 15, items 9 and 10).

The outage is real: the server's own PostgreSQL database stops taking connections and its open
ones are terminated; the Redis queue points at a port nothing listens on. Then the database comes
back and the same routes work again.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.service.api.conftest import make_settings
from tests.service.api.live import live_server
from tests.service.bulk.conftest import passing, write_jsonl
from tests.service.store.conftest import _admin, pg_admin_url
from tests.support.net import free_port

NDJSON = {"content-type": "application/x-ndjson"}
LEAKS = re.compile(r"SELECT|INSERT|UPDATE|DELETE|\[SQL|parameters|sqlalche\.me", re.IGNORECASE)


@pytest.fixture
def outage_db() -> Iterator[tuple[str, str]]:
    """A database of its own (its connections get cut); yields (name, URL)."""
    admin = pg_admin_url()
    name = f"followfix_outage_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    except (OSError, TimeoutError, ImportError) as exc:
        pytest.skip(f"POSTGRESQL NOT REACHABLE at {admin} ({exc!r}): outage tests NOT run")
    yield name, make_url(admin).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def cut(name: str) -> None:
    admin = pg_admin_url()
    asyncio.run(_admin(admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
    asyncio.run(
        _admin(admin, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    )


def restore(name: str) -> None:
    asyncio.run(_admin(pg_admin_url(), f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))


def unavailable(reply: httpx.Response) -> None:
    assert reply.status_code == 503, (reply.request.url, reply.status_code, reply.text)
    assert int(reply.headers["Retry-After"]) > 0
    assert not LEAKS.search(reply.text), reply.text
    assert reply.json()["error"]["code"] in ("store_unavailable", "unavailable"), reply.text


def item(index: int) -> dict[str, object]:
    return {"instruction": f"No commas ({index}).", "response": f"a, b {index}"}


@pytest.mark.postgres
def test_every_route_answers_503_while_the_store_is_down(
    outage_db: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, url_ = outage_db
    monkeypatch.setenv("FOLLOWFIX_JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setenv("FOLLOWFIX_JOB_INPUT_ROOTS", str(tmp_path / "data"))
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "1")
    (tmp_path / "data").mkdir()
    data = write_jsonl(tmp_path / "data" / "in.jsonl", [passing(i) for i in range(3)])
    rows = (json.dumps(passing(9)) + "\n").encode()
    with (
        live_server(make_settings(tmp_path, store_url=url_)) as url,
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        job = http.post("/v1/jobs", json={"input_path": str(data)})
        assert job.status_code == 201, job.text
        job_id = job.json()["id"]
        assert http.post("/v1/collect", json=item(0)).status_code == 202
        cut(name)
        unavailable(http.post("/v1/collect", json=item(1)))
        unavailable(http.post("/v1/jobs", json={"input_path": str(data)}))
        unavailable(http.post("/v1/jobs", content=rows, headers=NDJSON))
        unavailable(http.get(f"/v1/jobs/{job_id}"))
        unavailable(http.get(f"/v1/jobs/{job_id}/results"))
        unavailable(http.delete(f"/v1/jobs/{job_id}"))
        unavailable(http.get("/v1/collect/dead"))
        correct = {
            **item(2),
            "constraints": [{"id": "punctuation:no_comma"}],
            "options": {"strategy": "rules"},
        }
        unavailable(http.post("/v1/correct", json=correct))
        reads = ("/v1/pairs", "/v1/pairs?format=sft", "/v1/corrections", "/v1/corrections/x", "/v1/overview")
        for path in (*reads, "/v1/jobs"):
            unavailable(http.get(path))
        ready = http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["store"].startswith("failed")
        assert http.get("/healthz").status_code == 200
        restore(name)
        assert http.post("/v1/collect", json=item(3)).status_code == 202
        assert http.get(f"/v1/jobs/{job_id}").status_code == 200
        assert http.get("/v1/collect/dead").status_code == 200
        assert http.get("/readyz").status_code == 200


def test_a_redis_queue_that_does_not_answer_gives_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWFIX_QUEUE_URL", f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    monkeypatch.setenv("FOLLOWFIX_COLLECT_WORKERS", "1")
    with live_server(make_settings(tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as http:
        unavailable(http.post("/v1/collect", json=item(1)))
        unavailable(http.get("/v1/collect/dead"))
        assert http.get("/readyz").json()["checks"]["collectors"].startswith("ok")  # polling, not dead
