"""``followfix verify`` as a user runs it: a real subprocess over real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

CLI = [sys.executable, "-m", "service.cli"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False
    )


def test_verifies_the_example_file(tmp_path: Path) -> None:
    out = tmp_path / "verdicts.jsonl"
    done = run_cli("verify", "--input", "examples/requests.jsonl", "--output", str(out))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["key"] for r in rows] == ["ex-1", "ex-2", "ex-3", "ex-4", "ex-5", "ex-6"]
    first = rows[0]
    assert first["follow_instruction_list_strict"] == [True, False]
    assert first["follow_all_strict"] is False
    assert first["details"][1].startswith("2 commas")
    assert rows[2]["follow_instruction_list_loose"][0] is True  # the preamble line goes in loose mode
    assert "prompt-level" in done.stdout and "verdicts per constraint" in done.stdout
    assert "[placeholders]" in done.stdout  # details are printed as text, not as rich markup


@pytest.mark.benchmarks
def test_ifeval_responses_file_gives_the_official_headline(benchmarks_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "gpt4.jsonl"
    done = run_cli(
        "verify",
        "--input", str(benchmarks_dir / "ifeval" / "input_data.jsonl"),
        "--responses", str(benchmarks_dir / "ifeval" / "responses_gpt4.jsonl"),
        "--output", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for figure in ("77.08", "83.69", "79.67", "85.61"):
        assert figure in done.stdout
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 541 and rows[0]["key"] == 1000


@pytest.mark.benchmarks
def test_ifbench_files_give_the_official_headline_and_report(benchmarks_dir: Path, tmp_path: Path) -> None:
    ifbench = benchmarks_dir / "ifbench"
    out = tmp_path / "ifbench.jsonl"
    done = run_cli(
        "verify",
        "--input", str(ifbench / "IFBench_test.jsonl"),
        "--responses", str(ifbench / "sample_output.jsonl"),
        "--output", str(out),
        "--breakdown",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    truth = {
        row["key"]: row
        for row in map(json.loads, (ifbench / "truth_sample_output.jsonl").read_text().splitlines())
    }
    n = sum(len(t["follow_instruction_list_strict"]) for t in truth.values())
    strict_prompt = 100 * sum(t["follow_all_strict"] for t in truth.values()) / len(truth)
    loose_instruction = 100 * sum(sum(t["follow_instruction_list_loose"]) for t in truth.values()) / n
    assert f"{strict_prompt:.2f}" in done.stdout and f"{loose_instruction:.2f}" in done.stdout
    assert "accuracy per family" in done.stdout and "count:numbers" in done.stdout
    assert "7 rows had no response" in done.stderr
    for row in map(json.loads, out.read_text().splitlines()):
        official = truth[row["key"]]
        assert row["follow_instruction_list_strict"] == official["follow_instruction_list_strict"], row["key"]
        assert row["follow_instruction_list_loose"] == official["follow_instruction_list_loose"], row["key"]


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"instruction_id_list": ["punctuation:no_coma"], "kwargs": [{}], "response": "x"}\n')
    done = run_cli("verify", "--input", str(bad))
    assert done.returncode == 2
    assert "bad.jsonl:1" in done.stderr and "punctuation:no_coma" in done.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n")
    done = run_cli("verify", "--input", str(broken))
    assert done.returncode == 2 and "broken.jsonl:1: invalid JSON" in done.stderr
