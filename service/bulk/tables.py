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
)

Index("ix_collect_queue_claimed_until_seq", collect_queue.c.claimed_until, collect_queue.c.seq)
