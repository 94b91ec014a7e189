"""Helpers for the bulk tests: synthetic datasets with known verdicts, and one Ray per session."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.bulk.readers import InputSource
from service.bulk.runner import BulkRun, Process, select
from service.store.db import Store


def needs_teacher(index: int) -> dict[str, Any]:
    """A row failing ``keywords:existence`` (no mechanical repair): one teacher call fixes it."""
    return {
        "key": f"r{index:05d}",
        "prompt": f"Write a note number {index}. Include the keyword banana.",
        "response": f"This is note number {index}.\nIt talks about fruit in general.",
        "instruction_id_list": ["keywords:existence"],
        "kwargs": [{"keywords": ["banana"]}],
    }


def passing(index: int) -> dict[str, Any]:
    """A row that already passes: no teacher call, status unchanged."""
    return {
        "prompt": f"Say something without commas ({index}).",
        "response": f"Row {index} has no commas at all",
        "instruction_id_list": ["punctuation:no_comma"],
        "kwargs": [{}],
    }


def rule_fixable(index: int) -> dict[str, Any]:
    """A row failing ``punctuation:no_comma``: the mechanical repair fixes it without a teacher."""
    return {
        "prompt": f"Answer without commas ({index}).",
        "response": f"Row {index}, with a comma, or two",
        "instruction_id_list": ["punctuation:no_comma"],
        "kwargs": [{}],
    }


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def ray_local() -> Iterator[str]:
    """One local Ray instance for the whole session (2 CPUs, no dashboard); yields its address."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, namespace="followfix", log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


async def run_then_resume(
    process: Process, source: InputSource, output: Path, store: Store, *, first: int, total: int
) -> list[str]:
    """Run the first ``first`` records, then the whole source again: the second run must skip
    exactly those and process the rest. Returns the record ids the store then holds."""
    started = await BulkRun(process, output, store=store, concurrency=8).run(
        select(source, limit=first, shuffle=False, seed=0)
    )
    assert started.processed == first
    resumed = await BulkRun(process, output, store=store, concurrency=8).run(iter(source))
    assert resumed.skipped == first and resumed.processed == total - first
    return [c.result.id async for c in store.iter_corrections()]
