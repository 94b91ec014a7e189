"""The store's schema: one row per correction, plus the training rows derived from it.

Pairs, SFT examples and RLVR tasks are materialised at write time (same transaction as the
correction), each under a unique hash, so every export is a plain keyset scan of one table:
global dedup, constant memory and constant cost per page, whatever the planner thinks. Timestamps are naive UTC in the database
(SQLite has no time zones) and aware UTC in Python; the Alembic migrations must match this module
(a test compares them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
SeqType = BigInteger().with_variant(Integer(), "sqlite")
JsonType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: one ordering and one meaning on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else to_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def to_utc(value: datetime) -> datetime:
    """Aware UTC; a naive datetime is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


corrections = Table(
    "corrections",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("id", String(128), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("source", String(200), nullable=False),
    Column("instruction", Text, nullable=False),
    Column("constraints", JsonType, nullable=False),
    Column("original", Text, nullable=False),
    Column("final", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("strategy", String(16), nullable=False),
    Column("strategy_note", Text, nullable=False),
    Column("mode", String(8), nullable=False),
    Column("rounds", Integer, nullable=False),
    Column("stop_reason", Text, nullable=False),
    Column("trajectory", JsonType, nullable=False),
    Column("verdicts_before", JsonType, nullable=False),
    Column("verdicts_after", JsonType, nullable=False),
    Column("teacher_model", String(200), nullable=True),
    Column("usage", JsonType, nullable=False),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("cost_usd", Float, nullable=True),
    Column("elapsed_s", Float, nullable=False),
    Column("teacher_s", Float, nullable=False),
    # Hash of (instruction, constraints) when the constraints are valid and non-empty: RLVR dedup.
    Column("task_hash", String(64), nullable=True, index=True),
    # Review page (migration 0005): word diff original -> final, its size in changed words, and
    # the constraint ids as " id1 id2 " so a filter is one LIKE on the row. Null on older rows.
    Column("diff", JsonType, nullable=True),
    Column("edit_words", Integer, nullable=True),
    Column("constraint_ids", Text, nullable=True),
    # Feasibility (migration 0006): the conflicting pairs of an infeasible set, the fixes refused as
    # cycles, and the teacher calls the conflict check saved. Null on older rows (read as empty).
    Column("conflicts", JsonType, nullable=True),
    Column("cycles", JsonType, nullable=True),
    Column("teacher_calls_saved", Integer, nullable=True),
    # Overview (migration 0007): teacher calls, and the ids failing before / after as " id1 id2 "
    # (null: no verdicts). Narrow copies of JSON fields, so the charts read covering indexes only.
    Column("teacher_calls", Integer, nullable=True),
    Column("failed_before", Text, nullable=True),
    Column("failed_after", Text, nullable=True),
)

pairs = Table(
    "pairs",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column(
        "correction_id",
        String(128),
        ForeignKey("corrections.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("step_index", Integer, nullable=True),
    Column("prompt", Text, nullable=False),
    Column("chosen", Text, nullable=False),
    Column("rejected", Text, nullable=False),
    Column("constraints", JsonType, nullable=False),
    # Hash of (prompt, chosen): SFT rows are deduplicated on it.
    Column("sft_hash", String(64), nullable=False, index=True),
    # Curation (migration 0005): word diff rejected -> chosen, a reviewer's decision (accepted |
    # rejected), who took it and when, and a reviewed replacement of ``chosen`` (verified to pass).
    Column("diff", JsonType, nullable=True),
    Column("decision", String(8), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("chosen_edited", Text, nullable=True),
)

sft_examples = Table(
    "sft_examples",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    # Hash of (prompt, chosen): one example per answer, from the first correction that gave it.
    Column("hash", String(64), nullable=False, unique=True),
    Column(
        "correction_id",
        String(128),
        ForeignKey("corrections.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("prompt", Text, nullable=False),
    Column("chosen", Text, nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    # Hash of (instruction, constraints): one RLVR task per distinct prompt and constraint set.
    Column("hash", String(64), nullable=False, unique=True),
    Column(
        "correction_id",
        String(128),
        ForeignKey("corrections.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("instruction", Text, nullable=False),
    Column("constraints", JsonType, nullable=False),
)

# Exports walk rows in (created_at, seq) order with keyset pagination; these indexes serve it.
Index("ix_corrections_created_at_seq", corrections.c.created_at, corrections.c.seq)
Index("ix_pairs_created_at_seq", pairs.c.created_at, pairs.c.seq)
Index("ix_sft_examples_created_at_seq", sft_examples.c.created_at, sft_examples.c.seq)
Index("ix_tasks_created_at_seq", tasks.c.created_at, tasks.c.seq)
# The review page lists newest first within a status or a source (keyset on the same key).
Index(
    "ix_corrections_status_created_at_seq", corrections.c.status, corrections.c.created_at, corrections.c.seq
)
Index(
    "ix_corrections_source_created_at_seq", corrections.c.source, corrections.c.created_at, corrections.c.seq
)
# The overview's aggregates over a time window, read from the index alone (no table rows).
Index(
    "ix_corrections_overview",
    corrections.c.created_at,
    corrections.c.status,
    corrections.c.edit_words,
    corrections.c.teacher_calls,
    corrections.c.cost_usd,
    corrections.c.prompt_tokens,
    corrections.c.completion_tokens,
)
Index(
    "ix_corrections_verdict_sets",
    corrections.c.created_at,
    corrections.c.constraint_ids,
    corrections.c.failed_before,
    corrections.c.failed_after,
)
