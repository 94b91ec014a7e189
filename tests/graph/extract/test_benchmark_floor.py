"""The rules on the real benchmark prompts stay above a floor (the full figures: bench/extract_accuracy.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.constraints import build
from graph.errors import ConstraintError
from graph.extract import extract
from graph.extract.scoring import Score


def _normalised(cid: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """As the catalogue stores them (IFBench's file writes counts as floats); as is if refused."""
    cleaned = {k: v for k, v in kwargs.items() if v is not None}
    try:
        return build(cid, cleaned).kwargs()
    except ConstraintError:
        return cleaned


def _score(path: Path, limit: int) -> Score:
    score = Score()
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        row = json.loads(line)
        truth = [
            (cid, _normalised(cid, kw))
            for cid, kw in zip(row["instruction_id_list"], row["kwargs"], strict=True)
        ]
        score.add(truth, [(c.id, c.kwargs) for c in extract(row["prompt"])])
    return score


def test_ifeval_prompts(benchmarks_dir: Path) -> None:
    score = _score(benchmarks_dir / "ifeval" / "input_data.jsonl", 541)
    assert score.f1 >= 0.95 and score.exact_share >= 0.90, (score.f1, score.exact_share)


def test_paper_prompts(benchmarks_dir: Path) -> None:
    score = _score(benchmarks_dir / "fci" / "llama2_checked.jsonl", 400)
    assert score.f1 >= 0.96 and score.exact_share >= 0.93, (score.f1, score.exact_share)


def test_ifbench_prompts(benchmarks_dir: Path) -> None:
    score = _score(benchmarks_dir / "ifbench" / "IFBench_test.jsonl", 300)
    assert score.f1 >= 0.97 and score.exact_share >= 0.93, (score.f1, score.exact_share)
