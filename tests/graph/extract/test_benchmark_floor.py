"""The rules on the real benchmark prompts stay above a floor (the full figures: bench/extract_accuracy.py)."""

from __future__ import annotations

import json
from pathlib import Path

from graph.extract import extract
from graph.extract.scoring import Score


def _score(path: Path, limit: int) -> Score:
    score = Score()
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        row = json.loads(line)
        truth = list(zip(row["instruction_id_list"], row["kwargs"], strict=True))
        score.add(truth, [(c.id, c.kwargs) for c in extract(row["prompt"])])
    return score


def test_ifeval_prompts(benchmarks_dir: Path) -> None:
    score = _score(benchmarks_dir / "ifeval" / "input_data.jsonl", 541)
    assert score.f1 >= 0.95 and score.exact_share >= 0.90, (score.f1, score.exact_share)


def test_paper_prompts(benchmarks_dir: Path) -> None:
    score = _score(benchmarks_dir / "fci" / "llama2_checked.jsonl", 400)
    assert score.f1 >= 0.96 and score.exact_share >= 0.93, (score.f1, score.exact_share)
