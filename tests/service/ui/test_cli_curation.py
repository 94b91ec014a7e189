"""``followfix export --curation``: decisions steer the TRL file, JSONL and Parquet alike."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pyarrow.parquet as pq

from graph.worddiff import side
from service.cli import main
from service.store import Store
from service.store.curation import decide
from tests.service.store.factories import synthetic


async def fill(url: str) -> list[str]:
    store = await Store.open(url)
    try:
        await store.record_many([synthetic(i) for i in range(4)], source="api")
        hashes = [pair.hash async for pair in store.iter_pairs()]
        await decide(store, hashes[0], "accepted", "ana")
        await decide(store, hashes[1], "rejected", "ana")
        return hashes
    finally:
        await store.close()


def test_export_takes_only_accepted_or_leaves_rejected_out(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path}/store.db"
    hashes = asyncio.run(fill(url))
    assert len(hashes) == 4

    def ids(curation: str, name: str) -> list[str]:
        out = tmp_path / name
        argv = ["export", "--format", "trl", "--store", url, "--output", str(out), "--curation", curation]
        assert main(argv) == 0
        if out.suffix == ".parquet":
            return [row["id"] for row in pq.read_table(out).to_pylist()]
        return [json.loads(line)["id"] for line in out.read_text().splitlines()]

    assert ids("all", "all.jsonl") == hashes
    assert ids("accepted", "accepted.jsonl") == hashes[:1]
    assert ids("not_rejected", "kept.parquet") == [hashes[0], *hashes[2:]]
    row = pq.read_table(tmp_path / "kept.parquet").to_pylist()[0]
    assert side(row["metadata"]["diff"], "after") == row["chosen"][0]["content"]
    assert side(row["metadata"]["diff"], "before") == row["rejected"][0]["content"]
