"""The store on a SQLite file and on PostgreSQL: schema, round trips, idempotency, windows, dedup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from graph.errors import StoreError
from service.store import Store
from service.store.migrate import current_revision, head_revision
from service.store.models import metadata
from tests.service.store.factories import NO_COMMA, make_result, synthetic, two_step

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_open_migrates_to_head_and_reopen_is_a_no_op(store: Store, store_url: str):
    async with store.engine.connect() as conn:
        assert await conn.run_sync(current_revision) == head_revision()
    again = await Store.open(store_url)
    try:
        assert await again.count() == 0
        assert await again.ping()
    finally:
        await again.close()


async def test_migrations_match_the_models(store: Store):
    """Autogenerate finds nothing to do: the Alembic history and the table definitions agree.

    Other packages add their tables to the same metadata (``service.bulk.tables``); importing them
    makes the comparison cover the whole database.
    """
    import service.bulk.tables  # noqa: F401  (registers the bulk tables on the metadata)

    def diff(conn):
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)

    async with store.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []


async def test_record_round_trip(store: Store):
    result = two_step(1)
    await store.record(result, source="api")
    rows = [row async for row in store.iter_corrections()]
    assert len(rows) == 1
    stored = rows[0]
    assert stored.result == result
    assert stored.source == "api"
    assert stored.created_at.tzinfo is not None
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=1)


async def test_recording_is_idempotent_per_id(store: Store):
    first = await store.record_many([synthetic(i) for i in range(5)], source="bulk:a")
    again = await store.record_many([synthetic(i) for i in range(3, 8)], source="bulk:b")
    assert (first, again) == (5, 3)
    assert await store.count() == 8
    assert await store.count(source="bulk:a") == 5
    assert await store.count_pairs() == 8  # the repeated ids added no pairs either


async def test_time_window_and_order(store: Store):
    await store.record_many([synthetic(i) for i in range(3)], source="x", created_at=T0 + timedelta(days=2))
    await store.record_many([synthetic(i) for i in range(3, 6)], source="x", created_at=T0)
    await store.record_many(
        [synthetic(i) for i in range(6, 9)], source="x", created_at=T0 + timedelta(days=1)
    )
    ids = [s.result.id async for s in store.iter_corrections()]
    assert ids == [synthetic(i).id for i in (3, 4, 5, 6, 7, 8, 0, 1, 2)]  # time order, then insertion
    since, until = T0 + timedelta(days=1), T0 + timedelta(days=2)
    window = [s.result.id async for s in store.iter_corrections(since=since, until=until)]
    assert window == [synthetic(i).id for i in (6, 7, 8)]
    assert await store.count(since=since) == 6
    assert await store.count_pairs(since=since, until=until) == 3
    # a naive datetime means UTC
    assert await store.count(since=since.replace(tzinfo=None)) == 6


async def test_iteration_pages_without_loss_or_repeat(store: Store):
    n = 1234  # more than two pages of 500, with every row at the same timestamp
    await store.record_many([synthetic(i) for i in range(n)], source="x", created_at=T0)
    ids = [s.result.id async for s in store.iter_corrections()]
    assert ids == [synthetic(i).id for i in range(n)]
    pairs = [p.correction_id async for p in store.iter_pairs()]
    assert pairs == ids


async def test_pairs_are_deduplicated_across_corrections(store: Store):
    a = two_step(1, instruction="same prompt")
    b = a.model_copy(update={"id": "copy-of-a"})
    await store.record(a, source="api")
    await store.record(b, source="api")
    assert await store.count() == 2
    assert await store.count_pairs("final") == 1
    assert await store.count_pairs("steps") == 2
    assert [p.correction_id async for p in store.iter_pairs("steps")] == [a.id, a.id]


async def test_a_pair_first_seen_as_a_step_becomes_final_when_it_is_one(store: Store):
    a = two_step(1, instruction="p")
    middle = a.trajectory[1].response_before
    # b's original is a's intermediate text: b's final pair equals a's step pair.
    b = make_result(
        "b",
        instruction="p",
        original=middle,
        final=a.final,
        constraints=[c.model_dump() for c in a.constraints],
    )
    await store.record(a, source="api")
    assert [p.kind async for p in store.iter_pairs("steps")] == ["final", "step"]
    await store.record(b, source="api")
    finals = [p.rejected async for p in store.iter_pairs("final")]
    assert finals == [a.original, middle]


async def test_sft_keeps_one_row_per_prompt_and_answer(store: Store):
    a = make_result("a", instruction="p", original="x, y", final="x y", constraints=[NO_COMMA])
    b = make_result("b", instruction="p", original="x, y, z", final="x y", constraints=[NO_COMMA])
    await store.record_many([a, b], source="api")
    assert [p.correction_id async for p in store.iter_pairs("final")] == ["a", "b"]
    assert [(e.correction_id, e.prompt, e.chosen) async for e in store.iter_sft()] == [("a", "p", "x y")]


async def test_rlvr_tasks_are_unique_and_need_valid_constraints(store: Store):
    a = make_result("a", instruction="p", original="x, y", final="x y", constraints=[NO_COMMA])
    b = make_result("b", instruction="p", original="u, v", final="u, v", constraints=[NO_COMMA])
    c = make_result(
        "c",
        instruction="q",
        original="u",
        final="u",
        constraints=[{"id": "no:such", "kwargs": {}}],
        status="failed",
    )
    await store.record_many([a, b, c], source="api")
    assert [(t.correction_id, t.instruction, t.constraints) async for t in store.iter_tasks()] == [
        ("a", "p", [NO_COMMA])
    ]


async def test_failed_and_unchanged_results_are_stored_without_pairs(store: Store):
    unchanged = make_result("u", instruction="p", original="x y", final="x y", constraints=[NO_COMMA])
    failed = make_result("f", instruction="p", original="x, y", final="x, y", constraints=[NO_COMMA])
    assert (unchanged.status, failed.status) == ("unchanged", "failed")
    await store.record_many([unchanged, failed], source="api")
    assert await store.count() == 2
    assert await store.count_pairs("steps") == 0


async def test_a_broken_store_raises_store_error(store: Store):
    async with store.engine.begin() as conn:
        await conn.execute(text("DROP TABLE pairs"))
    with pytest.raises(StoreError, match="writing 1 corrections failed"):
        await store.record(two_step(1), source="api")
    with pytest.raises(StoreError):
        [p async for p in store.iter_pairs()]


async def test_unreachable_postgres_fails_open_and_ping():
    dead = "postgresql+asyncpg://postgres@127.0.0.1:9/test"
    with pytest.raises(StoreError, match="cannot open store"):
        await Store.open(dead)
    lazy = await Store.open(dead, migrate_schema=False)
    try:
        assert await lazy.ping(timeout=2) is False
        with pytest.raises(StoreError, match="writing 1 corrections failed"):  # never a raw OSError
            await lazy.record(synthetic(1), source="api")
        with pytest.raises(StoreError):
            await lazy.count()
    finally:
        await lazy.close()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_sqlite_runs_in_wal_mode_with_full_sync(store: Store, store_url: str):
    async with store.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await conn.execute(text("PRAGMA synchronous"))).scalar_one() == 2  # FULL
