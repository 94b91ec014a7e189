"""Aggregates for the review page's charts, computed by the database (one pass each, no rows in Python).

Verdicts live in JSON columns, so the pass rate per constraint unnests them with the backend's own
JSON functions (SQLite ``json_each``, PostgreSQL ``jsonb_array_elements``); everything else is a
plain ``GROUP BY`` over the corrections table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from graph.errors import StoreError
from service.store.db import Store
from service.store.models import UTCDateTime, corrections, to_utc

# Upper bounds (inclusive) of the edit-size histogram, in changed words; the last bin is open.
EDIT_BINS = (0, 2, 5, 10, 20, 50, 100)

_VERDICTS = {
    "sqlite": """
        SELECT json_extract(v.value, '$.id') AS id,
               count(*) AS total,
               sum(CASE WHEN json_extract(v.value, '$.passed') THEN 1 ELSE 0 END) AS passed
        FROM corrections AS c, json_each(c.{column}) AS v
        WHERE c.created_at >= :since AND c.created_at < :until
        GROUP BY 1""",
    "postgresql": """
        SELECT v.value ->> 'id' AS id,
               count(*) AS total,
               sum(CASE WHEN (v.value ->> 'passed')::boolean THEN 1 ELSE 0 END) AS passed
        FROM corrections AS c, jsonb_array_elements(c.{column}) AS v(value)
        WHERE c.created_at >= :since AND c.created_at < :until
        GROUP BY 1""",
}

LOW = datetime(1970, 1, 1, tzinfo=UTC)
HIGH = datetime(9999, 1, 1, tzinfo=UTC)


def _bucket(dialect: str, hourly: bool) -> Any:
    """The start of each row's day (or hour) as text: one chart point per bucket."""
    created = corrections.c.created_at
    if dialect == "postgresql":
        unit = "hour" if hourly else "day"
        return func.to_char(func.date_trunc(unit, created), 'YYYY-MM-DD"T"HH24:00')
    return func.strftime("%Y-%m-%dT%H:00" if hourly else "%Y-%m-%dT00:00", created)


def _calls(dialect: str) -> Any:
    if dialect == "postgresql":
        return corrections.c.usage["calls"].as_integer()
    return func.json_extract(corrections.c.usage, "$.calls")


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
            func.coalesce(func.sum(_calls(dialect)), 0).label("teacher_calls"),
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
    params = {"since": low, "until": high}
    window_params = (bindparam("since", type_=UTCDateTime()), bindparam("until", type_=UTCDateTime()))
    try:
        async with store.engine.connect() as conn:
            verdicts = [
                text(_VERDICTS[dialect].format(column=column)).bindparams(*window_params)
                for column in ("verdicts_before", "verdicts_after")
            ]
            before = (await conn.execute(verdicts[0], params)).all()
            after = (await conn.execute(verdicts[1], params)).all()
            points = [dict(row) for row in (await conn.execute(timeline)).mappings()]
            bins = {int(row.bin): int(row.n) for row in (await conn.execute(edits)).all()}
            status_counts = {row.status: int(row.n) for row in (await conn.execute(statuses)).all()}
    except (SQLAlchemyError, OSError, KeyError) as exc:
        raise StoreError(f"overview query failed: {exc}") from exc
    return {
        "pass_rate": _pass_rates(before, after),
        "timeline": points,
        "edit_words": [
            {"label": _bin_label(index), "count": bins.get(index, 0)} for index in range(len(EDIT_BINS) + 1)
        ],
        "statuses": status_counts,
    }


def _pass_rates(before: Any, after: Any) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for label, rows in (("before", before), ("after", after)):
        for constraint_id, total, passed in rows:
            entry = table.setdefault(str(constraint_id), {"id": str(constraint_id), "total": int(total)})
            entry[label] = round(int(passed or 0) / int(total), 4) if total else None
    return sorted(table.values(), key=lambda e: (-e["total"], e["id"]))


def _bin_label(index: int) -> str:
    if index == 0:
        return "0"
    if index == len(EDIT_BINS):
        return f">{EDIT_BINS[-1]}"
    return f"{EDIT_BINS[index - 1] + 1}-{EDIT_BINS[index]}"
