"""Exports: the three row shapes, JSONL and Parquet agree, batched writing, atomic files, the route."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import httpx
import pyarrow.parquet as pq
import pytest
from pydantic import SecretStr
from sqlalchemy import text

from graph.errors import StoreError
from service.store import Store
from service.store.export import export, iter_jsonl
from service.store.rlvr import ifeval_reward, ifeval_reward_all
from tests.service.store.factories import NO_COMMA, make_result, synthetic, two_step, words

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def test_trl_rows_are_conversational_pairs(store: Store, tmp_path: Path):
    result = two_step(1)
    await store.record(result, source="api")
    n = await export(store, "trl", output_path=tmp_path / "trl.jsonl")
    rows = read_jsonl(tmp_path / "trl.jsonl")
    assert n == len(rows) == 1
    assert rows[0]["prompt"] == [{"role": "user", "content": result.instruction}]
    assert rows[0]["chosen"] == [{"role": "assistant", "content": result.final}]
    assert rows[0]["rejected"] == [{"role": "assistant", "content": result.original}]
    assert rows[0]["correction_id"] == result.id
    steps = await export(store, "trl", output_path=tmp_path / "steps.jsonl", mode="steps")
    assert steps == 2
    assert (
        read_jsonl(tmp_path / "steps.jsonl")[1]["rejected"][0]["content"]
        == result.trajectory[1].response_before
    )


async def test_sft_and_rlvr_rows(store: Store, tmp_path: Path):
    cons = [NO_COMMA, words(3)]
    result = make_result(
        "a", instruction="Say it plainly.", original="yes, no", final="yes and no", constraints=cons
    )
    await store.record(result, source="api")
    await export(store, "sft", output_path=tmp_path / "sft.jsonl")
    await export(store, "rlvr", output_path=tmp_path / "rlvr.jsonl")
    assert read_jsonl(tmp_path / "sft.jsonl")[0]["messages"] == [
        {"role": "user", "content": "Say it plainly."},
        {"role": "assistant", "content": "yes and no"},
    ]
    rlvr = read_jsonl(tmp_path / "rlvr.jsonl")[0]
    assert rlvr["prompt"] == [{"role": "user", "content": "Say it plainly."}]
    assert rlvr["ground_truth"] == {
        "instruction_id_list": ["punctuation:no_comma", "length_constraints:number_words"],
        "kwargs": [{}, {"relation": "at least", "num_words": 3}],
    }


@pytest.mark.parametrize("fmt", ["trl", "sft", "rlvr"])
async def test_parquet_holds_the_same_rows_as_jsonl(store: Store, tmp_path: Path, fmt: str):
    await store.record_many([synthetic(i) for i in range(30)] + [two_step(i) for i in range(5)], source="x")
    n_jsonl = await export(store, fmt, output_path=tmp_path / "out.jsonl")  # type: ignore[arg-type]
    n_parquet = await export(store, fmt, output_path=tmp_path / "out.parquet", batch_size=7)  # type: ignore[arg-type]
    from_jsonl = read_jsonl(tmp_path / "out.jsonl")
    parquet = pq.ParquetFile(tmp_path / "out.parquet")
    from_parquet = parquet.read().to_pylist()
    if fmt == "rlvr":  # Parquet spells the ground truth as a JSON string (one schema per file)
        for row in from_parquet:
            row["ground_truth"] = json.loads(row["ground_truth"])
    assert n_jsonl == n_parquet == 35
    assert from_parquet == from_jsonl
    assert parquet.metadata.num_row_groups == 5  # written 7 rows at a time, never all at once


async def test_since_selects_recent_rows(store: Store, tmp_path: Path):
    await store.record_many([synthetic(i) for i in range(4)], source="x", created_at=T0)
    await store.record_many(
        [synthetic(i) for i in range(4, 6)], source="x", created_at=T0 + timedelta(hours=1)
    )
    n = await export(store, "trl", since=T0 + timedelta(minutes=30), output_path=tmp_path / "new.jsonl")
    assert n == 2
    assert [r["correction_id"] for r in read_jsonl(tmp_path / "new.jsonl")] == [
        synthetic(4).id,
        synthetic(5).id,
    ]


async def test_empty_export_writes_valid_empty_files(store: Store, tmp_path: Path):
    assert await export(store, "trl", output_path=tmp_path / "e.jsonl") == 0
    assert await export(store, "trl", output_path=tmp_path / "e.parquet") == 0
    assert (tmp_path / "e.jsonl").read_text() == ""
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0


async def test_a_failed_export_leaves_no_file(store: Store, tmp_path: Path):
    await store.record(synthetic(1), source="x")
    target = tmp_path / "out.jsonl"
    target.write_text("previous export\n")
    async with store.engine.begin() as conn:
        await conn.execute(text("DROP TABLE pairs"))
    with pytest.raises(StoreError):
        await export(store, "trl", output_path=target)
    assert target.read_text() == "previous export\n"  # untouched, not truncated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary left behind
    with pytest.raises(StoreError, match="file format"):
        await export(store, "trl", output_path=tmp_path / "out.csv")


async def test_rlvr_reward_scores_the_export(store: Store, tmp_path: Path):
    """The reward function reads ``ground_truth`` as JSONL-via-datasets and as Parquet hand it over."""
    from datasets import load_dataset

    cons = [NO_COMMA, words(3)]
    a = make_result("a", instruction="Say it.", original="yes, no", final="yes and no", constraints=cons)
    b = make_result(
        "b", instruction="Be brief.", original="ok, fine", final="ok fine", constraints=[NO_COMMA]
    )
    await store.record_many([a, b], source="x")
    await export(store, "rlvr", output_path=tmp_path / "r.jsonl")
    await export(store, "rlvr", output_path=tmp_path / "r.parquet")
    ds = load_dataset(
        "json", data_files=str(tmp_path / "r.jsonl"), split="train", cache_dir=str(tmp_path / "hf")
    )
    # datasets 5 keeps each kwargs dict as it was written (a Json feature), differing keys and all
    assert ds[0]["ground_truth"]["kwargs"] == [{}, {"relation": "at least", "num_words": 3}]
    assert ds[1]["ground_truth"]["kwargs"] == [{}]
    truths = ds["ground_truth"]
    completions = [
        [{"role": "assistant", "content": "yes and no"}],
        [{"role": "assistant", "content": "ok, fine"}],
    ]
    assert ifeval_reward(completions=completions, ground_truth=truths) == [1.0, 0.0]
    assert ifeval_reward(completions=["yes, no, maybe"], ground_truth=truths[:1]) == [0.5]
    assert ifeval_reward_all(completions=["yes, no, maybe"], ground_truth=truths[:1]) == [0.0]
    # older datasets versions merge kwargs into one struct padded with None: those keys are ignored
    padded = {
        "instruction_id_list": ["punctuation:no_comma"],
        "kwargs": [{"relation": None, "num_words": None}],
    }
    assert ifeval_reward(completions=["ok fine"], ground_truth=[padded]) == [1.0]
    parquet_truths = pq.read_table(tmp_path / "r.parquet").column("ground_truth").to_pylist()
    assert ifeval_reward(completions=["yes and no", "ok fine"], ground_truth=parquet_truths) == [1.0, 1.0]


async def test_iter_jsonl_lines(store: Store):
    await store.record_many([synthetic(i) for i in range(3)], source="x")
    lines = [line async for line in iter_jsonl(store, "sft")]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert [json.loads(line)["correction_id"] for line in lines] == [synthetic(i).id for i in range(3)]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_pairs_route_streams_jsonl_behind_the_api_key(store: Store):
    from service.app import create_app
    from service.settings import Settings

    await store.record_many([synthetic(i) for i in range(3)], source="x", created_at=T0)
    await store.record_many([synthetic(3)], source="x", created_at=T0 + timedelta(days=1))
    app = create_app(Settings(api_keys=[SecretStr("k1")], store_url="sqlite+aiosqlite://"))
    app.state.resources = SimpleNamespace(store=store)  # what the lifespan would have opened
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/v1/pairs")).status_code == 401
        assert (await client.get("/v1/pairs", headers={"Authorization": "Bearer nope"})).status_code == 403
        auth = {"Authorization": "Bearer k1"}
        reply = await client.get("/v1/pairs", params={"format": "trl"}, headers=auth)
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("application/x-ndjson")
        rows = [json.loads(line) for line in reply.text.splitlines()]
        assert [r["correction_id"] for r in rows] == [synthetic(i).id for i in range(4)]
        since = (T0 + timedelta(hours=12)).isoformat()
        recent = await client.get("/v1/pairs", params={"format": "rlvr", "since": since}, headers=auth)
        assert [json.loads(line)["correction_id"] for line in recent.text.splitlines()] == [synthetic(3).id]
        bad = await client.get("/v1/pairs", params={"format": "csv"}, headers=auth)
        assert bad.status_code == 422
        async with store.engine.begin() as conn:
            await conn.execute(text("DROP TABLE pairs"))
        broken = await client.get("/v1/pairs", headers=auth)
        assert broken.status_code == 503  # the first page is read before the 200 is sent
        assert broken.json()["error"]["code"] == "store_unavailable"
