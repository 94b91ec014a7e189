"""Infeasible rows in a bulk run: counted apart in the summary, stored, and never turned into pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from graph.constraints import verify
from service.bulk.progress import summary_table
from service.bulk.readers import InputSource
from service.bulk.runner import BulkRun
from service.bulk.work import RecordWorker, WorkConfig
from service.store.db import Store
from service.store.pairs import build_pairs
from tests.service.bulk.conftest import read_rows, rule_fixable, write_jsonl


def infeasible(index: int) -> dict[str, Any]:
    """Repeat a prompt that has a comma, and use no comma: no text does both."""
    return {
        "prompt": f"Hi, repeat me ({index}). Use no commas.",
        "response": f"Row {index} answers, with a comma",
        "instruction_id_list": ["combination:repeat_prompt", "punctuation:no_comma"],
        "kwargs": [{"prompt_to_repeat": f"Hi, repeat me ({index})."}, {}],
    }


async def test_infeasible_rows_are_counted_stored_and_never_paired(tmp_path: Path) -> None:
    rows = [infeasible(i) if i % 2 else rule_fixable(i) for i in range(10)]
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", rows))
    output = tmp_path / "out.jsonl"
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    try:
        stats = await BulkRun(RecordWorker(WorkConfig(namespace="inf")), output, store=store).run(
            iter(source)
        )
        assert stats.statuses["infeasible"] == 5 and stats.statuses["corrected"] == 5
        summary = stats.to_dict()
        assert summary["infeasible"] == 5 and summary["not_passed"] == 5 and summary["passed"] == 5
        console = Console(record=True, width=120)
        console.print(summary_table(stats, str(output)))
        assert any(
            line.replace("│", " ").split() == ["infeasible", "5"]
            for line in console.export_text().splitlines()
        )
        assert stats.usage.calls == 0
        stored = [c.result async for c in store.iter_corrections()]
    finally:
        await store.close()
    infeasible_results = [r for r in stored if r.status == "infeasible"]
    assert len(infeasible_results) == 5
    for result in infeasible_results:
        assert result.conflicts and result.conflicts[0].ids == [
            "combination:repeat_prompt",
            "punctuation:no_comma",
        ]
        assert build_pairs(result, "final") == [] and build_pairs(result, "steps") == []
    for result in stored:  # every pair's chosen side passes every constraint
        for pair in build_pairs(result, "steps"):
            assert all(v.passed for v in verify(pair.chosen, [c.model_dump() for c in result.constraints]))
    assert {row["result"]["status"] for row in read_rows(output)} == {"infeasible", "corrected"}
