"""Bulk jobs and the collect queue as store tables (migration ``0002_bulk`` creates them).

They live on the store's ``metadata`` so one Alembic history covers the whole database.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from service.store.models import JsonType, SeqType, UTCDateTime, metadata

jobs = Table(
    "bulk_jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # queued | running | done | failed | cancelled
    Column("status", String(16), nullable=False, index=True),
    Column("input_path", Text, nullable=False),
    Column("output_path", Text, nullable=False),
    Column("options", JsonType, nullable=False),
    Column("stats", JsonType, nullable=False),
    Column("error", Text, nullable=True),
)

# AUTOINCREMENT on SQLite (migration 0004): a plain INTEGER PRIMARY KEY reuses the largest seq
# after a delete, so a late ack could delete a newer item; PostgreSQL's identity never reuses one.
collect_queue = Table(
    "collect_queue",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("payload", JsonType, nullable=False),
    # A claim is a lease: past ``claimed_until`` the item is visible again (its worker died).
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    # A fresh random token per claim: an ack or a fail only touches the claim it came from.
    Column("token", String(32), nullable=True),
    sqlite_autoincrement=True,
)

# Items a worker could not finish (an exception, a permanent error, too many claims): kept with
# the reason, listed by ``GET /v1/collect/dead``, never retried on their own.
collect_dead = Table(
    "collect_dead",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("item_id", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("failed_at", UTCDateTime(), nullable=False),
    Column("payload", JsonType, nullable=False),
    Column("reason", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    sqlite_autoincrement=True,
)

Index("ix_collect_queue_claimed_until_seq", collect_queue.c.claimed_until, collect_queue.c.seq)
Index("ix_collect_dead_failed_at", collect_dead.c.failed_at)
