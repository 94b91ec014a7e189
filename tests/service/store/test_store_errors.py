"""Values the database refuses are permanent input errors (4xx, never retried), isolated to their
row, and no store error message carries SQL or bound parameters (issue 15, item 9).

On the SQLite file and the real PostgreSQL: a lone surrogate fails on both (no encoding holds
it), NUL fails on PostgreSQL only (text and JSONB cannot hold it).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from graph.errors import StoreDataError, StoreError
from graph.result import CorrectionResult
from service.api.errors import status_for
from service.bulk.outcome import Outcome
from service.bulk.records import BulkRecord
from service.bulk.runner import BulkRun, errors_path
from service.store import Store
from service.store.recorder import Recorder
from tests.service.store.factories import synthetic

LEAKS = re.compile(r"INSERT|SELECT|\[SQL|parameters", re.IGNORECASE)


def bad_text(store: Store) -> str:
    """What this backend cannot store: NUL on PostgreSQL, a lone surrogate everywhere."""
    return "bad \x00 text" if store.engine.dialect.name == "postgresql" else "bad \ud800 text"


def poisoned(result: CorrectionResult, text: str) -> CorrectionResult:
    return result.model_copy(update={"final": text})


async def test_a_refused_value_is_a_data_error_without_sql(store: Store) -> None:
    for text in {bad_text(store), "bad \ud800 text"}:
        with pytest.raises(StoreDataError) as caught:
            await store.record_many([synthetic(1), poisoned(synthetic(2), text)], source="api")
        message = str(caught.value)
        assert not LEAKS.search(message) and "bad" not in message, message
        assert status_for(caught.value)[0] == 422  # the caller's input, not an outage (503)
    assert await store.count() == 0  # one transaction: nothing of the failed batch half-written


async def test_an_outage_is_a_store_error_not_a_data_error(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    (tmp_path / "store.db").unlink()
    (tmp_path / "store.db").mkdir()  # the file is gone; what is there cannot be opened as a database
    await store.engine.dispose()
    try:
        with pytest.raises(StoreError) as caught:
            await store.record(synthetic(1), source="api")
        assert not isinstance(caught.value, StoreDataError)
        assert status_for(caught.value)[0] == 503 and not LEAKS.search(str(caught.value))
    finally:
        await store.close()


async def test_the_recorder_fails_only_the_bad_record_and_does_not_retry_it(store: Store) -> None:
    recorder = Recorder(store, backoff_s=0.01)
    recorder.start()
    try:
        good = [recorder.submit(synthetic(i), source="api") for i in range(5)]
        bad = recorder.submit(poisoned(synthetic(99), bad_text(store)), source="api")
        outcomes = await asyncio.gather(*good, bad, return_exceptions=True)
    finally:
        await recorder.stop()
    assert outcomes[:5] == [None] * 5
    assert isinstance(outcomes[5], StoreDataError)
    assert await store.count() == 5 and recorder.failed == 1


async def test_one_bad_row_never_fails_its_commit_batch(store: Store, tmp_path: Path) -> None:
    """The issue's bulk case: a row the database refuses used to fail all (up to 256) rows
    committed with it, and every resubmission again."""
    results = {f"r{i}": synthetic(i) for i in range(40)}
    results["r7"] = poisoned(results["r7"], bad_text(store))
    records = [BulkRecord(rid, "i", "r", None, n + 1, {"key": rid}) for n, rid in enumerate(results)]

    async def process(record: BulkRecord) -> Outcome:
        return Outcome(record.id, result=results[record.id])

    output = tmp_path / "out.jsonl"
    stats = await BulkRun(process, output, store=store, concurrency=8).run(iter(records))
    assert (stats.processed, stats.errors, stats.retryable) == (39, 1, 0)
    assert await store.count() == 39
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(line["record_id"] for line in lines) == sorted(set(results) - {"r7"})
    [error] = [json.loads(line) for line in errors_path(output).read_text().splitlines()]
    assert error["record_id"] == "r7" and error["retryable"] is False
    assert error["error"]["code"] == "StoreDataError" and not LEAKS.search(error["error"]["message"])
    again = await BulkRun(process, output, store=store, concurrency=8).run(iter(records))
    assert (again.skipped, again.processed, again.errors) == (39, 0, 1)  # the rerun goes past it
