"""The local bulk runner: results land in the store and the output exactly once, across reruns."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graph.teacher import TeacherConfig
from service.bulk.dryrun import dry_run
from service.bulk.ids import content_hash, correction_id
from service.bulk.outcome import Outcome
from service.bulk.readers import InputSource
from service.bulk.records import BulkRecord
from service.bulk.runner import BulkRun, errors_path, select
from service.bulk.work import RecordWorker, WorkConfig
from service.store.db import Store
from tests.service.bulk.conftest import needs_teacher, passing, read_rows, rule_fixable, write_jsonl


class WorkerDied(BaseException):
    """Stands for a process death: not an Exception, so no per-row guard catches it."""


async def stored_ids(store: Store) -> list[str]:
    return [c.result.id async for c in store.iter_corrections()]


@pytest.fixture
async def store(tmp_path: Path) -> Any:
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    yield opened
    await opened.close()


async def test_interrupted_run_resumes_exactly_once(tmp_path: Path, store: Store) -> None:
    rows = [rule_fixable(i) if i % 3 else passing(i) for i in range(60)]
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", rows))
    output = tmp_path / "out.jsonl"
    config = WorkConfig(namespace="run-1")
    worker = RecordWorker(config)
    seen = 0

    async def stop_midway(record: BulkRecord) -> Outcome:
        nonlocal seen
        seen += 1
        if seen == 25:
            raise WorkerDied  # the run dies with records in flight (an Exception would fail one row)
        return await worker(record)

    with pytest.raises(BaseExceptionGroup):
        await BulkRun(stop_midway, output, store=store, concurrency=4).run(iter(source))
    first = read_rows(output)
    assert 0 < len(first) < 60
    stats = await BulkRun(worker, output, store=store, concurrency=4).run(iter(source), total=60)
    assert stats.skipped == len(first) and stats.processed == 60 - len(first)
    rows_out = read_rows(output)
    ids = [r["record_id"] for r in rows_out]
    assert sorted(ids) == sorted(r.id for r in source if isinstance(r, BulkRecord))
    assert len(ids) == len(set(ids)) == 60
    stored = await stored_ids(store)
    assert sorted(stored) == sorted(correction_id("run-1", rid) for rid in ids)
    assert Counter(r["result"]["status"] for r in rows_out) == {"corrected": 40, "unchanged": 20}
    assert all(r["prompt"] and r["result"]["id"] in stored for r in rows_out)
    again = await BulkRun(worker, output, store=store, concurrency=4).run(iter(source))
    assert again.skipped == 60 and again.processed == 0


async def test_teacher_rows_duplicates_errors_and_limit(
    tmp_path: Path, store: Store, teacher_server: Any
) -> None:
    url = teacher_server(mode="competent")
    bad = {"prompt": "p", "response": "r", "instruction_id_list": ["no:such_constraint"], "kwargs": [{}]}
    rows = [
        needs_teacher(0),
        needs_teacher(1),
        needs_teacher(0),
        bad,
        "{broken",
        passing(5),
        needs_teacher(6),
    ]
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", rows))
    config = WorkConfig(
        namespace="t", teacher=TeacherConfig(model="test-teacher", base_url=url, max_retries=0)
    )
    output = tmp_path / "out.jsonl"
    stats = await BulkRun(RecordWorker(config), output, store=store, concurrency=8).run(
        select(source, limit=6, shuffle=False, seed=0)
    )
    assert stats.duplicates == 1 and stats.bad_rows == 1 and stats.errors == 1
    assert stats.statuses == {"corrected": 2, "unchanged": 1}
    assert stats.usage.calls == 2  # one teacher call per keyword row; none for the passing row
    out = read_rows(output)
    five = passing(5)
    assert {r["record_id"] for r in out} == {
        "r00000",
        "r00001",
        content_hash(five["prompt"], five["response"]),
    }
    assert all("banana" in r["result"]["final"] for r in out if r["record_id"].startswith("r"))
    errors = read_rows(errors_path(output))
    assert {
        e.get("error", {}).get("code") if isinstance(e.get("error"), dict) else "row" for e in errors
    } == {
        "UnknownConstraintError",
        "row",
    }
    assert len(await stored_ids(store)) == 3


async def test_shuffle_is_seeded_and_limit_applies_after_it(tmp_path: Path) -> None:
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", [needs_teacher(i) for i in range(20)]))
    first = [r.id for r in select(source, limit=5, shuffle=True, seed=3) if isinstance(r, BulkRecord)]
    again = [r.id for r in select(source, limit=5, shuffle=True, seed=3) if isinstance(r, BulkRecord)]
    plain = [r.id for r in select(source, limit=5, shuffle=False, seed=3) if isinstance(r, BulkRecord)]
    assert first == again and len(first) == 5 and first != plain


def test_dry_run_counts(tmp_path: Path) -> None:
    rows = [needs_teacher(0), needs_teacher(1), rule_fixable(2), passing(3), passing(4)]
    rows.append({"prompt": "p", "response": "r", "instruction_id_list": ["no:such"], "kwargs": [{}]})
    source = InputSource(write_jsonl(tmp_path / "in.jsonl", [*rows, "{bad"]))
    report = dry_run(iter(source), strategy="hybrid")
    assert (report.rows, report.passing, report.failing, report.invalid, report.bad_rows) == (6, 2, 3, 1, 1)
    assert report.failed == {"keywords:existence": 2, "punctuation:no_comma": 1}
    assert report.repairable == {"punctuation:no_comma": 1}
    assert report.estimated_calls == 2 and report.rule_fixable_rows == 1
    assert dry_run(iter(source), strategy="teacher").estimated_calls == 3
    assert dry_run(iter(source), strategy="rules").estimated_calls == 0


@pytest.mark.benchmarks
def test_dry_run_on_the_papers_rows(benchmarks_dir: Path) -> None:
    report = dry_run(iter(InputSource(benchmarks_dir / "fci" / "llama2_checked.jsonl")))
    assert report.rows == 1500 and report.invalid == 0
    assert report.failing == 1419  # the dataset's own README: 1,419 of 1,500 fail at least one
