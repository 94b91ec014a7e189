"""Read side of the review page: a filtered, keyset-paged list of corrections and one correction.

The list is newest first on ``(created_at, seq)``, the key the exports page on, so a page costs
the same at row 50 and at row 100,000: the cursor names the last row seen, never an offset. Only
the columns a list row shows are read (texts cut to a preview in SQL).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select, tuple_

from graph.errors import InputFormatError
from graph.worddiff import changed_words, word_diff
from service.store.db import Store
from service.store.errors import DB_ERRORS, store_error
from service.store.models import UTCDateTime, corrections, pairs, to_utc

PREVIEW_CHARS = 160
MAX_LIMIT = 200
# Source kinds the page filters on; anything else with a colon ("job:<id>") is matched exactly.
SOURCE_KINDS = ("api", "job", "collect", "proxy")


@dataclass(frozen=True, slots=True)
class CorrectionFilter:
    """What the list may be narrowed to; every field is optional."""

    status: tuple[str, ...] = ()
    constraint: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None


def encode_cursor(created_at: datetime, seq: int) -> str:
    raw = f"{to_utc(created_at).isoformat()}|{seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (created_at, seq) a cursor names; a malformed one is a 4xx naming ``cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, seq = raw.rsplit("|", 1)
        return to_utc(datetime.fromisoformat(stamp)), int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_input("cursor", "not a cursor this server handed out") from None


def bad_input(field: str, message: str) -> InputFormatError:
    """A 422 naming ``field``."""
    return InputFormatError(f"{field}: {message}", field=field)


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _starts(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, tested row by row while walking the time index.

    Deliberately not an index range: job rows are most of a store, and a range over the source
    index would gather all of them and sort them by time before the first page (~250 ms at 100k);
    walking the time index stops after one page of matches.
    """
    return func.substr(column, 1, len(prefix)) == prefix


def source_clause(source: str) -> ColumnElement[bool]:
    """api | job (bulk jobs and the bulk CLI) | collect | proxy, or one exact source such as job:<id>.

    Exact sources use the (source, created_at, seq) index: already in page order.
    """
    col = corrections.c.source
    if source in ("api", "collect", "proxy"):
        return col == source
    if source == "job":
        return or_(_starts(col, "job:"), _starts(col, "bulk:"))
    if ":" in source:
        return col == source
    kinds = ", ".join(SOURCE_KINDS)
    raise bad_input("source", f"one of {kinds}, or an exact source such as job:<id>")


def where_clauses(flt: CorrectionFilter, dialect: str = "sqlite") -> list[ColumnElement[bool]]:
    c = corrections.c
    where: list[ColumnElement[bool]] = []
    if flt.status:
        where.append(c.status == flt.status[0] if len(flt.status) == 1 else c.status.in_(flt.status))
    if flt.constraint:
        # "family:" matches every constraint of a family, a full id exactly that constraint.
        tail = "%" if flt.constraint.endswith(":") else " %"
        where.append(c.constraint_ids.like(f"% {_like(flt.constraint)}{tail}", escape="\\"))
    if flt.source:
        where.append(source_clause(flt.source))
    if flt.since is not None:
        where.append(c.created_at >= to_utc(flt.since))
    if flt.until is not None:
        where.append(c.created_at < to_utc(flt.until))
    if flt.q:
        pattern = f"%{_like(flt.q)}%"
        # SQLite's LIKE already ignores (ASCII) case, as its lower() does; ILIKE would lower() three
        # long texts per row first, ~3x the cost of a scan that finds few matches.
        columns = (c.id, c.instruction, c.original, c.final)
        if dialect == "sqlite":
            where.append(or_(*(col.like(pattern, escape="\\") for col in columns)))
        else:
            where.append(or_(*(col.ilike(pattern, escape="\\") for col in columns)))
    return where


LIST_COLUMNS = (
    corrections.c.seq,
    corrections.c.id,
    corrections.c.created_at,
    corrections.c.source,
    corrections.c.status,
    corrections.c.rounds,
    corrections.c.constraint_ids,
    corrections.c.edit_words,
    corrections.c.teacher_model,
    corrections.c.cost_usd,
    corrections.c.prompt_tokens,
    corrections.c.completion_tokens,
    func.substr(corrections.c.instruction, 1, PREVIEW_CHARS).label("instruction"),
)


async def list_corrections(
    store: Store, flt: CorrectionFilter, *, cursor: str | None = None, limit: int = 50
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of list rows, newest first, and the cursor of the next page (None at the end)."""
    limit = max(1, min(limit, MAX_LIMIT))
    where = where_clauses(flt, store.engine.dialect.name)
    if cursor:
        created_at, seq = decode_cursor(cursor)
        key = tuple_(corrections.c.created_at, corrections.c.seq)
        where.append(key < tuple_(literal(created_at, UTCDateTime()), literal(seq)))
    query = (
        select(*LIST_COLUMNS)
        .where(*where)
        .order_by(corrections.c.created_at.desc(), corrections.c.seq.desc())
        .limit(limit + 1)
    )
    rows = await _fetch(store, query)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_list_item(row) for row in rows]
    last = rows[-1] if rows else None
    return items, encode_cursor(last["created_at"], last["seq"]) if more and last else None


def _list_item(row: dict[str, Any]) -> dict[str, Any]:
    ids = (row.pop("constraint_ids") or "").split()
    return {**row, "constraint_ids": ids}


async def get_correction(store: Store, correction_id: str) -> dict[str, Any] | None:
    """Every stored column of one correction, its diff, and the pairs it produced (with decisions)."""
    row_query = select(corrections).where(corrections.c.id == correction_id)
    pair_query = select(pairs).where(pairs.c.correction_id == correction_id).order_by(pairs.c.seq)
    found = await _fetch(store, row_query)
    if not found:
        return None
    row = found[0]
    if row["diff"] is None:  # recorded before diffs were stored
        diff = word_diff(row["original"], row["final"])
        row["diff"], row["edit_words"] = diff, changed_words(diff)
    row["constraint_ids"] = (row["constraint_ids"] or "").split()
    row["pairs"] = [pair_view(pair) for pair in await _fetch(store, pair_query)]
    return row


def pair_view(row: dict[str, Any]) -> dict[str, Any]:
    """A pair as the API shows it: the chosen text in force, the original one, the decision."""
    edited = row["chosen_edited"]
    chosen = edited if edited is not None else row["chosen"]
    return {
        "seq": row["seq"],
        "hash": row["hash"],
        "correction_id": row["correction_id"],
        "kind": row["kind"],
        "step_index": row["step_index"],
        "created_at": row["created_at"],
        "chosen": chosen,
        "chosen_original": row["chosen"],
        "edited": edited is not None,
        "rejected": row["rejected"],
        "diff": row["diff"] if row["diff"] is not None else word_diff(row["rejected"], chosen),
        "decision": row["decision"],
        "decided_by": row["decided_by"],
        "decided_at": row["decided_at"],
    }


async def _fetch(store: Store, query: Any) -> list[dict[str, Any]]:
    try:
        async with store.engine.connect() as conn:
            return [dict(row) for row in (await conn.execute(query)).mappings()]
    except DB_ERRORS as exc:  # the driver's reason only: no SQL or parameters reach a client
        raise store_error("a review query", exc) from exc
