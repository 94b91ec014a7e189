"""open-instruct and verl files from prompt files: read back as those frameworks read them."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from graph.constraints import catalogue
from graph.reward import score
from graph.reward.verl import KEYS, compute_score
from service.cli import main as cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
IFBENCH_ID = "count:numbers"  # an IFBench id: followfix knows it, open-instruct does not


def _prompts(tmp_path: Path) -> Path:
    rows = [json.loads(line) for line in (FIXTURES / "grpo_prompts.jsonl").open()]
    rows.append({"key": "nothing", "prompt": "No constraints.", "instruction_id_list": [], "kwargs": []})
    if IFBENCH_ID in catalogue():
        rows.append({"key": "ifb", "prompt": "Use 3 numbers.", "instruction_id_list": [IFBENCH_ID],
                     "kwargs": [{"N": 3}]})  # fmt: skip
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_open_instruct_rows_parse_as_its_verifier_parses_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "oi.jsonl"
    assert (
        cli(
            [
                "export",
                "--format",
                "open-instruct",
                "--prompts",
                str(_prompts(tmp_path)),
                "--output",
                str(out),
            ]
        )
        == 0
    )
    rows = [json.loads(line) for line in out.open()]
    assert [r["id"] for r in rows] == ["g1", "g2"]
    for row in rows:
        assert row["dataset"] == "ifeval" and row["messages"][0]["role"] == "user"
        element = ast.literal_eval(row["ground_truth"])[0]  # open-instruct's IFEvalVerifier, step one
        assert set(element) == {"instruction_id", "kwargs"} and len(element["instruction_id"]) == 2
    truth = rows[0]["ground_truth"]
    assert score("it does contain no commas", truth).reward == 1.0
    assert score("it does contain, commas", truth).reward == 0.5
    if IFBENCH_ID in catalogue():
        assert f"left out row ifb: open-instruct lacks {IFBENCH_ID}" in capsys.readouterr().err


def test_verl_parquet_rows_score_with_compute_score(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "verl.parquet"
    assert (
        cli(["export", "--format", "verl", "--prompts", str(_prompts(tmp_path)), "--output", str(out)]) == 0
    )
    table = pq.read_table(out)
    assert {"data_source", "prompt", "ability", "reward_model", "extra_info"} <= set(table.column_names)
    rows = table.to_pylist()
    assert [r["extra_info"]["index"] for r in rows] == list(range(len(rows)))
    assert all(r["reward_model"]["style"] == "rule" for r in rows)
    first = rows[0]
    result = compute_score(first["data_source"], "it does contain no commas", first["reward_model"]["ground_truth"],
                           first["extra_info"])  # fmt: skip
    assert set(result) == set(KEYS) and result["score"] == 1.0


def test_prompt_export_needs_an_rl_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "export",
        "--format",
        "trl",
        "--prompts",
        str(_prompts(tmp_path)),
        "--output",
        str(tmp_path / "x.jsonl"),
    ]
    assert cli(argv) != 0
    assert "--prompts works with --format open-instruct or verl" in capsys.readouterr().err
