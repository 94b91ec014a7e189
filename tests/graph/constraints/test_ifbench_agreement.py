"""Our verdicts equal the official IFBench checker's on its sample, per instruction, strict and loose.

``truth_sample_output.jsonl`` was made by running allenai/IFBench's ``evaluation_lib`` on
``sample_output.jsonl``; rows without a response are the official "no response" outputs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from graph.constraints import catalogue, verify
from graph.constraints.ifbench.ids import OFFICIAL_IDS
from graph.constraints.scoring import headline, score_row
from graph.constraints.verify import Mode
from service.commands.verify import find_response, load_responses
from tests.graph.constraints.conftest import read_jsonl

pytestmark = pytest.mark.benchmarks

Instance = tuple[str, str, dict[str, Any], bool, bool]  # key, response, kwargs, strict, loose


@pytest.fixture(scope="module")
def sample(benchmarks_dir: Path) -> tuple[list[dict[str, Any]], dict[str, str], list[dict[str, Any]]]:
    base = benchmarks_dir / "ifbench"
    return (
        read_jsonl(base / "IFBench_test.jsonl"),
        load_responses(base / "sample_output.jsonl"),
        read_jsonl(base / "truth_sample_output.jsonl"),
    )


@pytest.fixture(scope="module")
def instances(sample: Any) -> dict[str, list[Instance]]:
    """Every (response, kwargs, official verdicts) of each instruction id, rows with a response only."""
    prompts, responses, truth = sample
    by_key = {row["key"]: row for row in prompts}
    found: dict[str, list[Instance]] = defaultdict(list)
    for expected in truth:
        if not expected["has_response"]:
            continue
        row = by_key[expected["key"]]
        response = find_response(responses, row["prompt"])
        assert response is not None, expected["key"]
        for index, (cid, kwargs) in enumerate(zip(row["instruction_id_list"], row["kwargs"], strict=True)):
            strict = expected["follow_instruction_list_strict"][index]
            loose = expected["follow_instruction_list_loose"][index]
            found[cid].append((expected["key"], response, kwargs, strict, loose))
    return found


def test_the_sample_uses_exactly_the_official_ids(sample: Any, instances: dict[str, list[Instance]]) -> None:
    prompts = sample[0]
    assert {cid for row in prompts for cid in row["instruction_id_list"]} == set(OFFICIAL_IDS)
    assert len(OFFICIAL_IDS) == len(set(OFFICIAL_IDS)) == 58
    # Two ids occur only in rows the sample has no response for.
    assert set(OFFICIAL_IDS) - set(instances) == {"custom:character_reverse", "custom:csv_city"}


@pytest.mark.parametrize("mode", ["strict", "loose"])
@pytest.mark.parametrize("constraint_id", OFFICIAL_IDS)
def test_every_verdict_matches_the_official_checker(
    instances: dict[str, list[Instance]], constraint_id: str, mode: Mode
) -> None:
    assert constraint_id in catalogue(), f"{constraint_id} is not registered"
    cases = instances.get(constraint_id, [])
    mismatches = []
    for key, response, kwargs, strict, loose in cases:
        ours = verify(response, [{"id": constraint_id, "kwargs": kwargs}], mode=mode)[0]
        official = strict if mode == "strict" else loose
        if ours.passed != official:
            mismatches.append((key, ours.passed, official, ours.detail))
    assert mismatches == []


def test_headline_figures_equal_the_official_ones(sample: Any) -> None:
    prompts, responses, truth = sample
    verdicts = []
    for row in prompts:
        response = find_response(responses, row["prompt"]) or ""
        verdicts.append(score_row(response, row["instruction_id_list"], row["kwargs"]))
    ours = headline(verdicts)
    n = len(truth)
    instructions = sum(len(t["follow_instruction_list_strict"]) for t in truth)

    def pct(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 2)

    official = (
        pct(sum(t["follow_all_strict"] for t in truth), n),
        pct(sum(sum(t["follow_instruction_list_strict"]) for t in truth), instructions),
        pct(sum(t["follow_all_loose"] for t in truth), n),
        pct(sum(sum(t["follow_instruction_list_loose"]) for t in truth), instructions),
    )
    assert (
        ours.prompt_strict,
        ours.instruction_strict,
        ours.prompt_loose,
        ours.instruction_loose,
    ) == official
    assert (ours.prompts, ours.instructions) == (n, instructions) == (300, 344)
