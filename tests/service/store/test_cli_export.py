"""``followfix export`` end to end on a SQLite store file."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from service.cli import main
from service.store import Store
from tests.service.store.factories import synthetic

T0 = datetime(2026, 5, 1, tzinfo=UTC)


async def fill(url: str) -> None:
    store = await Store.open(url)
    await store.record_many([synthetic(i) for i in range(3)], source="x", created_at=T0)
    await store.record_many(
        [synthetic(i) for i in range(3, 5)], source="x", created_at=T0 + timedelta(days=1)
    )
    await store.close()


def test_export_command_writes_jsonl_and_parquet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite+aiosqlite:///{tmp_path}/store.db"
    asyncio.run(fill(url))
    out = tmp_path / "trl.jsonl"
    assert main(["export", "--format", "trl", "--store", url, "--output", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 5
    # the store URL can come from the environment; --since takes ISO 8601 with a Z
    monkeypatch.setenv("FOLLOWFIX_STORE_URL", url)
    recent = tmp_path / "recent.parquet"
    assert (
        main(["export", "--format", "sft", "--since", "2026-05-01T12:00:00Z", "--output", str(recent)]) == 0
    )
    rows = pq.read_table(recent).to_pylist()
    assert [r["correction_id"] for r in rows] == [synthetic(3).id, synthetic(4).id]
    rlvr = tmp_path / "rlvr.jsonl"
    assert main(["export", "--format", "rlvr", "--until", "2026-05-01T12:00:00", "--output", str(rlvr)]) == 0
    assert [json.loads(x)["correction_id"] for x in rlvr.read_text().splitlines()] == [
        synthetic(i).id for i in range(3)
    ]


def test_export_command_reports_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    url = f"sqlite+aiosqlite:///{tmp_path}/store.db"
    assert (
        main(["export", "--format", "trl", "--store", url, "--since", "yesterday", "--output", "x.jsonl"])
        == 2
    )
    assert "--since: not an ISO 8601 time" in capsys.readouterr().err
    assert main(["export", "--format", "trl", "--store", url, "--output", str(tmp_path / "x.csv")]) == 2
    assert "file format" in capsys.readouterr().err
