"""Aggregates for the review page's charts, computed by the database from covering indexes.

Every query reads narrow columns only (status, edit size, teacher calls, cost, tokens, the ids
failing before and after), each served by an index holding them, so a window of 100k corrections
is scanned without touching their texts. The pass rate per constraint groups rows by their
(constraint ids, failing before, failing after) strings, few distinct ones, and counts per id here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select

from service.store.db import Store
from service.store.errors import DB_ERRORS, store_error
from service.store.models import corrections, to_utc

# Upper bounds (inclusive) of the edit-size histogram, in changed words; the last bin is open.
EDIT_BINS = (0, 2, 5, 10, 20, 50, 100)

LOW = datetime(1970, 1, 1, tzinfo=UTC)
HIGH = datetime(9999, 1, 1, tzinfo=UTC)


def _bucket(dialect: str, hourly: bool) -> Any:
    """The start of each row's day (or hour) as text: one chart point per bucket."""
    created = corrections.c.created_at
    if dialect == "postgresql":
        unit = "hour" if hourly else "day"
        return func.to_char(func.date_trunc(unit, created), 'YYYY-MM-DD"T"HH24:00')
    # SQLite keeps SQLAlchemy's "YYYY-MM-DD HH:MM:SS.ffffff" text: a prefix is the bucket, and
    # cutting one is ~3x cheaper than strftime (formatted as PostgreSQL's in _bucket_label).
    return func.substr(created, 1, 13 if hourly else 10)


def _bucket_label(value: str) -> str:
    """``YYYY-MM-DDTHH:00`` whatever the backend gave (a SQLite prefix or PostgreSQL's text)."""
    if len(value) == 10:
        return f"{value}T00:00"
    if len(value) == 13:
        return f"{value[:10]}T{value[11:]}:00"
    return value


async def overview(
    store: Store, since: datetime | None = None, until: datetime | None = None, *, hourly: bool = False
) -> dict[str, Any]:
    """Pass rate per constraint before/after, teacher calls and cost per bucket, edit sizes, statuses."""
    dialect = store.engine.dialect.name
    low = to_utc(since) if since else LOW
    high = to_utc(until) if until else HIGH
    window = (corrections.c.created_at >= low, corrections.c.created_at < high)
    bucket = _bucket(dialect, hourly).label("bucket")
    timeline = (
        select(
            bucket,
            func.count().label("corrections"),
            func.coalesce(func.sum(corrections.c.teacher_calls), 0).label("teacher_calls"),
            func.coalesce(func.sum(corrections.c.cost_usd), 0.0).label("cost_usd"),
            func.coalesce(func.sum(corrections.c.prompt_tokens + corrections.c.completion_tokens), 0).label(
                "tokens"
            ),
        )
        .where(*window)
        .group_by(bucket)
        .order_by(bucket)
    )
    edit_bin = case(
        *((corrections.c.edit_words <= bound, index) for index, bound in enumerate(EDIT_BINS)),
        else_=len(EDIT_BINS),
    ).label("bin")
    edits = (
        select(edit_bin, func.count().label("n"))
        .where(*window, corrections.c.edit_words.is_not(None))
        .group_by(edit_bin)
    )
    statuses = (
        select(corrections.c.status, func.count().label("n")).where(*window).group_by(corrections.c.status)
    )
    c = corrections.c
    verdict_sets = (
        select(c.constraint_ids, c.failed_before, c.failed_after, func.count().label("n"))
        .where(*window, c.failed_before.is_not(None))
        .group_by(c.constraint_ids, c.failed_before, c.failed_after)
    )
    try:
        async with store.engine.connect() as conn:
            sets = (await conn.execute(verdict_sets)).all()
            points = [
                {**row, "bucket": _bucket_label(row["bucket"])}
                for row in (await conn.execute(timeline)).mappings()
            ]
            bins = {int(row.bin): int(row.n) for row in (await conn.execute(edits)).all()}
            status_counts = {row.status: int(row.n) for row in (await conn.execute(statuses)).all()}
    except DB_ERRORS as exc:  # the driver's reason only: no SQL or parameters reach a client
        raise store_error("the overview query", exc) from exc
    return {
        "pass_rate": _pass_rates(sets),
        "timeline": points,
        "edit_words": [
            {"label": _bin_label(index), "count": bins.get(index, 0)} for index in range(len(EDIT_BINS) + 1)
        ],
        "statuses": status_counts,
    }


def _pass_rates(sets: Any) -> list[dict[str, Any]]:
    """Per constraint id: how many checks, and the fraction passing before and after."""
    totals: dict[str, list[int]] = {}  # id -> [checked, passed before, checked after, passed after]
    for ids_text, failed_before, failed_after, count in sets:
        before, after = set(failed_before.split()), set((failed_after or "").split())
        for constraint_id in (ids_text or "").split():
            entry = totals.setdefault(constraint_id, [0, 0, 0, 0])
            entry[0] += count
            entry[1] += count if constraint_id not in before else 0
            if failed_after is not None:
                entry[2] += count
                entry[3] += count if constraint_id not in after else 0
    rows = [
        {
            "id": constraint_id,
            "total": checked,
            "before": round(passed / checked, 4) if checked else None,
            "after": round(passed_after / checked_after, 4) if checked_after else None,
        }
        for constraint_id, (checked, passed, checked_after, passed_after) in totals.items()
    ]
    return sorted(rows, key=lambda e: (-e["total"], e["id"]))


def _bin_label(index: int) -> str:
    if index == 0:
        return "0"
    if index == len(EDIT_BINS):
        return f">{EDIT_BINS[-1]}"
    return f"{EDIT_BINS[index - 1] + 1}-{EDIT_BINS[index]}"
