"""Corrections and their preference pairs.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("constraints", JSON, nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("final", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("strategy", sa.String(16), nullable=False),
        sa.Column("strategy_note", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("stop_reason", sa.Text(), nullable=False),
        sa.Column("trajectory", JSON, nullable=False),
        sa.Column("verdicts_before", JSON, nullable=False),
        sa.Column("verdicts_after", JSON, nullable=False),
        sa.Column("teacher_model", sa.String(200), nullable=True),
        sa.Column("usage", JSON, nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("elapsed_s", sa.Float(), nullable=False),
        sa.Column("teacher_s", sa.Float(), nullable=False),
        sa.Column("task_hash", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_corrections"),
        sa.UniqueConstraint("id", name="uq_corrections_id"),
    )
    op.create_index("ix_corrections_task_hash", "corrections", ["task_hash"])
    op.create_index("ix_corrections_created_at_seq", "corrections", ["created_at", "seq"])
    op.create_table(
        "pairs",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("correction_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("chosen", sa.Text(), nullable=False),
        sa.Column("rejected", sa.Text(), nullable=False),
        sa.Column("constraints", JSON, nullable=False),
        sa.Column("sft_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_pairs"),
        sa.UniqueConstraint("hash", name="uq_pairs_hash"),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["corrections.id"],
            name="fk_pairs_correction_id_corrections",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_pairs_correction_id", "pairs", ["correction_id"])
    op.create_index("ix_pairs_sft_hash", "pairs", ["sft_hash"])
    op.create_index("ix_pairs_created_at_seq", "pairs", ["created_at", "seq"])


def downgrade() -> None:
    op.drop_table("pairs")
    op.drop_table("corrections")
