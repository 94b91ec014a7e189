"""Helpers for the constraint tests: the shared IFEval/paper data loaded once per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def ifeval_sets(
    benchmarks_dir: Path,
) -> dict[str, tuple[list[dict[str, Any]], dict[str, str], list[dict[str, Any]]]]:
    """name -> (prompt rows, responses by prompt, official truth rows)."""
    base = benchmarks_dir / "ifeval"
    sets = {}
    for name, prompts in (("gpt4", "input_data.jsonl"), ("llama31_8b", "input_data_key2785_variant.jsonl")):
        responses = {row["prompt"]: row["response"] for row in read_jsonl(base / f"responses_{name}.jsonl")}
        sets[name] = (read_jsonl(base / prompts), responses, read_jsonl(base / f"truth_{name}.jsonl"))
    return sets


@pytest.fixture(scope="session")
def fci_rows(benchmarks_dir: Path) -> list[dict[str, Any]]:
    return read_jsonl(benchmarks_dir / "fci" / "llama2_checked.jsonl")


def benchmark_response_variants(benchmarks_dir: Path) -> list[str]:
    """Every distinct benchmark response and loose variant (IFEval GPT-4 and Llama, FCI), in order."""
    from graph.constraints.verify import loose_variants

    texts: dict[str, None] = {}
    for name in (
        "ifeval/responses_gpt4.jsonl",
        "ifeval/responses_llama31_8b.jsonl",
        "fci/llama2_checked.jsonl",
    ):
        for row in read_jsonl(benchmarks_dir / name):
            texts.update(dict.fromkeys(loose_variants(row["response"])))
    return list(texts)
