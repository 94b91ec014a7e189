"""Review queries on SQLite and PostgreSQL: filters, keyset pages, one correction, curation, overview."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph.worddiff import side
from service.store import Store
from service.store.curation import ChosenFailsError, decide, edit_chosen
from service.store.export import iter_rows
from service.store.overview import overview
from service.store.review import CorrectionFilter, get_correction, list_corrections
from tests.service.store.factories import LOWER, NO_COMMA, make_result, words

T0 = datetime(2026, 3, 1, tzinfo=UTC)


async def fill(store: Store) -> None:
    """Twelve corrections from four sources, one hour apart; every third fails to be fixed."""
    for i in range(12):
        if i % 3 == 2:
            result = make_result(
                f"r{i}",
                instruction=f"Say hi {i}.",
                original="Hi, there",
                final="Hi, there",
                constraints=[NO_COMMA],
            )
        else:
            result = make_result(
                f"r{i}",
                instruction=f"Write about tea {i} in lowercase.",
                original=f"Tea is Nice number {i}",
                final=f"tea is nice number {i}",
                constraints=[LOWER, words(3)],
            )
        source = ("api", "job:abc", "collect", "bulk:x.jsonl")[i % 4]
        await store.record_many([result], source=source, created_at=T0 + timedelta(hours=i))


async def ids(store: Store, **filters) -> list[str]:
    items, _ = await list_corrections(store, CorrectionFilter(**filters), limit=200)
    return [item["id"] for item in items]


async def test_filters_narrow_the_list_newest_first(store: Store):
    await fill(store)
    assert await ids(store) == [f"r{i}" for i in range(11, -1, -1)]
    assert await ids(store, status=("failed",)) == ["r11", "r8", "r5", "r2"]
    assert await ids(store, status=("failed", "corrected")) == await ids(store)
    assert await ids(store, constraint="punctuation:no_comma") == ["r11", "r8", "r5", "r2"]
    assert await ids(store, constraint="change_case:") == [f"r{i}" for i in range(10, -1, -1) if i % 3 != 2]
    assert await ids(store, constraint="change_case:english") == []  # a full id matches exactly
    assert await ids(store, source="api") == ["r8", "r4", "r0"]
    assert await ids(store, source="job") == ["r11", "r9", "r7", "r5", "r3", "r1"]
    assert await ids(store, source="job:abc") == ["r9", "r5", "r1"]
    assert await ids(store, source="collect") == ["r10", "r6", "r2"]
    assert await ids(store, since=T0 + timedelta(hours=3), until=T0 + timedelta(hours=5)) == ["r4", "r3"]
    assert await ids(store, q="NUMBER 7") == ["r7"]  # case-insensitive, in the responses
    assert await ids(store, q="50%") == []  # LIKE wildcards are literal
    assert await ids(store, q="say hi", source="api") == ["r8"]


async def test_keyset_pages_cover_every_row_once(store: Store):
    await fill(store)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        items, cursor = await list_corrections(store, CorrectionFilter(), cursor=cursor, limit=5)
        seen += [item["id"] for item in items]
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    assert seen == [f"r{i}" for i in range(11, -1, -1)]
    first, _ = await list_corrections(store, CorrectionFilter(), limit=1)
    assert first[0]["constraint_ids"] == ["punctuation:no_comma"]
    assert first[0]["edit_words"] == 0 and first[0]["instruction"] == "Say hi 11."


async def test_one_correction_has_its_diff_verdicts_and_pairs(store: Store):
    await fill(store)
    row = await get_correction(store, "r4")
    assert row is not None
    assert side(row["diff"], "before") == "Tea is Nice number 4"
    assert side(row["diff"], "after") == "tea is nice number 4"
    assert row["edit_words"] == 4
    assert [v["passed"] for v in row["verdicts_before"]] == [False, True]
    assert [v["passed"] for v in row["verdicts_after"]] == [True, True]
    (pair,) = row["pairs"]
    assert pair["kind"] == "final" and pair["decision"] is None and not pair["edited"]
    assert side(pair["diff"], "after") == "tea is nice number 4"
    assert await get_correction(store, "nope") is None


async def trl_chosen(store: Store, curation: str) -> dict[str, str]:
    return {
        row["correction_id"]: row["chosen"][0]["content"]
        async for row in iter_rows(store, "trl", curation=curation)  # type: ignore[arg-type]
    }


async def test_decisions_and_edits_steer_the_export(store: Store):
    await fill(store)
    hashes = {cid: (await get_correction(store, cid))["pairs"][0]["hash"] for cid in ("r0", "r1", "r3")}  # type: ignore[index]
    assert set(await trl_chosen(store, "all")) == {"r0", "r1", "r3", "r4", "r6", "r7", "r9", "r10"}
    rejected = await decide(store, hashes["r0"], "rejected", "ana")
    assert rejected is not None and rejected["decision"] == "rejected" and rejected["decided_by"] == "ana"
    assert rejected["decided_at"] is not None
    await decide(store, hashes["r1"], "accepted", "bo")
    assert set(await trl_chosen(store, "accepted")) == {"r1"}
    assert "r0" not in await trl_chosen(store, "not_rejected")
    assert len(await trl_chosen(store, "not_rejected")) == 7

    with pytest.raises(ChosenFailsError) as refused:
        await edit_chosen(store, hashes["r3"], "Tea With Capitals here", "ana")
    assert [f.id for f in refused.value.failed] == ["change_case:english_lowercase"]
    unchanged = (await get_correction(store, "r3"))["pairs"][0]  # type: ignore[index]
    assert unchanged["chosen"] == "tea is nice number 3" and unchanged["decision"] is None

    edited = await edit_chosen(store, hashes["r3"], "tea is lovely number three", "ana")
    assert edited is not None and edited["edited"] and edited["decision"] == "accepted"
    assert side(edited["diff"], "after") == "tea is lovely number three"
    assert (await trl_chosen(store, "accepted"))["r3"] == "tea is lovely number three"
    rows = [row async for row in iter_rows(store, "trl", curation="accepted")]
    r3 = next(row for row in rows if row["correction_id"] == "r3")
    assert side(r3["metadata"]["diff"], "after") == "tea is lovely number three"
    assert side(r3["metadata"]["diff"], "before") == r3["rejected"][0]["content"]
    assert await decide(store, "0" * 64, "accepted", "x") is None


async def test_overview_counts_what_is_stored(store: Store):
    await fill(store)
    data = await overview(store)
    rates = {entry["id"]: entry for entry in data["pass_rate"]}
    assert rates["change_case:english_lowercase"] == {
        "id": "change_case:english_lowercase",
        "total": 8,
        "before": 0.0,
        "after": 1.0,
    }
    assert rates["punctuation:no_comma"]["before"] == 0.0 and rates["punctuation:no_comma"]["after"] == 0.0
    assert rates["length_constraints:number_words"]["before"] == 1.0
    assert data["statuses"] == {"corrected": 8, "failed": 4}
    assert sum(point["corrections"] for point in data["timeline"]) == 12
    assert [point["bucket"] for point in data["timeline"]] == ["2026-03-01T00:00"]
    hourly = await overview(store, since=T0 + timedelta(hours=10), hourly=True)
    assert [point["bucket"] for point in hourly["timeline"]] == ["2026-03-01T10:00", "2026-03-01T11:00"]
    bins = {b["label"]: b["count"] for b in data["edit_words"]}
    assert bins["0"] == 4 and bins["3-5"] == 8 and sum(bins.values()) == 12


async def test_migration_0007_fills_old_rows_as_the_writer_does(store: Store):
    """The backfill SQL of each backend gives the values ``correction_row`` writes for new rows."""
    import importlib

    from sqlalchemy import text

    backfill = importlib.import_module("service.store.migrations.versions.0007_overview").BACKFILL
    await fill(store)
    await store.record_many(
        [make_result("r-none", instruction="No constraints.", original="x", final="x", constraints=[])],
        source="api",
    )
    columns = "id, teacher_calls, failed_before, failed_after, constraint_ids"
    async with store.engine.begin() as conn:
        written = (await conn.execute(text(f"SELECT {columns} FROM corrections ORDER BY id"))).all()
        await conn.execute(
            text(
                "UPDATE corrections SET teacher_calls = NULL, failed_before = NULL, failed_after = NULL, constraint_ids = NULL"
            )
        )
        await conn.execute(text(backfill[store.engine.dialect.name]))
        filled = (await conn.execute(text(f"SELECT {columns} FROM corrections ORDER BY id"))).all()
    assert [tuple(row) for row in filled] == [tuple(row) for row in written]
    by_id = {row[0]: row for row in written}
    assert by_id["r-none"][2] is None and by_id["r-none"][4] == "  "  # no verdicts, no constraints
    assert by_id["r2"][1:] == (
        0,
        " punctuation:no_comma ",
        " punctuation:no_comma ",
        " punctuation:no_comma ",
    )


async def test_pages_split_rows_recorded_at_the_same_instant(store: Store):
    """A batch shares one created_at: the cursor's seq breaks the tie, nothing is lost or repeated."""
    batch = [
        make_result(f"b{i}", instruction=f"Tie {i}.", original="A, b", final="A b", constraints=[NO_COMMA])
        for i in range(7)
    ]
    await store.record_many(batch, source="job:tie", created_at=T0)
    seen, cursor = [], None
    while True:
        items, cursor = await list_corrections(
            store, CorrectionFilter(source="job:tie"), cursor=cursor, limit=3
        )
        seen += [item["id"] for item in items]
        if cursor is None:
            break
    assert seen == [f"b{i}" for i in range(6, -1, -1)]
