"""The Recorder: group commit under concurrency, drain on stop, retries, nothing silently dropped."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from graph.errors import RecorderStoppedError, StoreError
from service.store import Store
from service.store.recorder import Recorder
from tests.service.store.factories import synthetic


async def test_200_concurrent_submits_store_exactly_200_rows(store: Store):
    recorder = Recorder(store)
    recorder.start()
    try:
        await asyncio.gather(*(recorder.submit(synthetic(i), source="api") for i in range(200)))
        # every submit returned, so every row is committed: count before stop() drains anything
        assert await store.count() == 200
    finally:
        await recorder.stop()
    assert await store.count_pairs() == 200
    ids = sorted([s.result.id async for s in store.iter_corrections()])
    assert ids == sorted(synthetic(i).id for i in range(200))
    assert recorder.committed == 200 and recorder.failed == 0
    assert recorder.batches < 200  # concurrent submits shared transactions


async def test_stop_drains_queued_records_then_refuses_new_ones(store: Store):
    recorder = Recorder(store)
    recorder.start()
    tasks = [asyncio.create_task(recorder.submit(synthetic(i), source="api")) for i in range(50)]
    await asyncio.sleep(0)  # let them enqueue
    await recorder.stop()
    await asyncio.gather(*tasks)
    assert await store.count() == 50
    with pytest.raises(RecorderStoppedError):
        await recorder.submit(synthetic(99), source="api")


async def test_not_started_recorder_refuses(store: Store):
    with pytest.raises(RecorderStoppedError):
        await Recorder(store).submit(synthetic(1), source="api")


async def test_cancelled_submitter_still_gets_its_record_written(store: Store):
    recorder = Recorder(store)
    recorder.start()
    task = asyncio.create_task(recorder.submit(synthetic(1), source="api"))
    await asyncio.sleep(0)
    task.cancel()
    await recorder.stop()
    assert await store.count() == 1


class FlakyStore(Store):
    """Fault injection: the first ``failures`` writes raise as a dropped connection would."""

    def __init__(self, inner: Store, failures: int) -> None:
        super().__init__(inner.engine)
        self.failures = failures
        self.calls = 0

    async def record_many(self, results: Any, **kwargs: Any) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise StoreError("injected: connection reset")
        return await super().record_many(results, **kwargs)


async def test_transient_failures_are_retried(store: Store, caplog: pytest.LogCaptureFixture):
    flaky = FlakyStore(store, failures=3)
    recorder = Recorder(flaky, backoff_s=0.001)
    recorder.start()
    with caplog.at_level(logging.WARNING, "service.store.recorder"):
        await asyncio.gather(*(recorder.submit(synthetic(i), source="api") for i in range(10)))
    await recorder.stop()
    assert await store.count() == 10
    assert recorder.failed == 0
    assert "retrying one by one" in caplog.text


async def test_a_write_that_keeps_failing_is_logged_dead_lettered_and_raised(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    async with store.engine.begin() as conn:  # a real failure: a table the write needs is gone
        await conn.execute(text("DROP TABLE pairs"))
    dead = tmp_path / "dead.jsonl"
    recorder = Recorder(store, retries=2, backoff_s=0.001, dead_letter=dead)
    recorder.start()
    with (
        caplog.at_level(logging.ERROR, "service.store.recorder"),
        pytest.raises(StoreError, match="not recorded"),
    ):
        await recorder.submit(synthetic(7), source="api")
    await recorder.stop()
    assert recorder.failed == 1
    assert await store.count() == 0  # each failed transaction rolled back whole: no orphan row
    assert "NOT stored" in caplog.text
    lines = [json.loads(line) for line in dead.read_text().splitlines()]
    assert [(row["source"], row["result"]["id"]) for row in lines] == [("api", synthetic(7).id)]


@pytest.mark.parametrize("store_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
async def test_one_bad_record_does_not_sink_its_batch(store: Store):
    """PostgreSQL enforces the id length; the bad record fails alone, the rest of its batch is stored."""
    recorder = Recorder(store, retries=1, backoff_s=0.001)
    recorder.start()
    bad = synthetic(0).model_copy(update={"id": "x" * 300})
    outcomes = await asyncio.gather(
        recorder.submit(bad, source="api"),
        *(recorder.submit(synthetic(i), source="api") for i in range(1, 20)),
        return_exceptions=True,
    )
    await recorder.stop()
    assert isinstance(outcomes[0], StoreError)
    assert outcomes[1:] == [None] * 19
    assert await store.count() == 19


class StallingStore(Store):
    """Fault injection: the first write hangs (a stuck connection); later ones go through."""

    def __init__(self, inner: Store) -> None:
        super().__init__(inner.engine)
        self.calls = 0

    async def record_many(self, results: Any, **kwargs: Any) -> int:
        self.calls += 1
        if self.calls == 1:
            await asyncio.sleep(3600)
        return await super().record_many(results, **kwargs)


async def test_a_stalled_write_times_out_and_is_retried(store: Store):
    recorder = Recorder(StallingStore(store), write_timeout_s=0.2, backoff_s=0.001)
    recorder.start()
    await asyncio.wait_for(recorder.submit(synthetic(1), source="api"), timeout=10)
    await recorder.stop()
    assert await store.count() == 1
