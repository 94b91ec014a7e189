"""open-instruct and verl exports from the store: shapes, Parquet schema, read back and scored."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from graph.constraints import catalogue
from graph.reward import score
from graph.reward.verl import compute_score
from service.store import Store
from service.store.export import export
from tests.service.store.factories import NO_COMMA, make_result, words

IFBENCH = {"id": "count:numbers", "kwargs": {"N": 3}}


async def _record(store: Store) -> None:
    a = make_result(
        "a", instruction="Say it.", original="yes, no", final="yes and no", constraints=[NO_COMMA, words(3)]
    )
    b = make_result(
        "b", instruction="Be brief.", original="ok, fine", final="ok fine", constraints=[NO_COMMA]
    )
    results = [a, b]
    if IFBENCH["id"] in catalogue():
        results.append(
            make_result("c", instruction="Numbers.", original="1 2", final="1 2 3", constraints=[IFBENCH])
        )
    await store.record_many(results, source="x")


async def test_open_instruct_export(store: Store, tmp_path: Path) -> None:
    await _record(store)
    count = await export(store, "open-instruct", output_path=tmp_path / "oi.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "oi.jsonl").open()]
    assert count == len(rows) == 2  # the IFBench task (when registered) is left out: open-instruct lacks it
    assert [r["messages"][0]["content"] for r in rows] == ["Say it.", "Be brief."]
    assert all(r["dataset"] == "ifeval" for r in rows)
    element = ast.literal_eval(rows[0]["ground_truth"])[0]
    assert element == {"instruction_id": ["punctuation:no_comma", "length_constraints:number_words"],
                       "kwargs": [{}, {"num_words": 3, "relation": "at least"}]}  # fmt: skip
    assert score("yes and no", rows[0]["ground_truth"]).reward == 1.0
    await export(store, "open-instruct", output_path=tmp_path / "oi.parquet")
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "oi.parquet").column("ground_truth").to_pylist() == [
        r["ground_truth"] for r in rows
    ]


async def test_verl_export(store: Store, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    await _record(store)
    count = await export(store, "verl", output_path=tmp_path / "verl.parquet")
    rows = pq.read_table(tmp_path / "verl.parquet").to_pylist()
    assert count == len(rows) == (3 if IFBENCH["id"] in catalogue() else 2)
    assert [r["extra_info"]["index"] for r in rows] == list(range(count))
    for row in rows:
        assert row["ability"] == "instruction_following" and row["reward_model"]["style"] == "rule"
        assert row["extra_info"]["key"] == row["id"]
    truth = rows[0]["reward_model"]["ground_truth"]
    assert json.loads(truth)["instruction_id_list"] == [
        "punctuation:no_comma",
        "length_constraints:number_words",
    ]
    assert compute_score(rows[0]["data_source"], "yes and no", truth, rows[0]["extra_info"])["score"] == 1.0
    assert compute_score(rows[0]["data_source"], "yes, no", truth, rows[0]["extra_info"])["score"] == 0.0
