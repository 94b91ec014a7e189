"""SFT examples and RLVR tasks as their own deduplicated tables (exports become plain scans).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _table(name: str, *columns: sa.Column[Any]) -> None:
    op.create_table(
        name,
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("correction_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("seq", name=f"pk_{name}"),
        sa.UniqueConstraint("hash", name=f"uq_{name}_hash"),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["corrections.id"],
            name=f"fk_{name}_correction_id_corrections",
            ondelete="CASCADE",
        ),
    )
    op.create_index(f"ix_{name}_correction_id", name, ["correction_id"])
    op.create_index(f"ix_{name}_created_at_seq", name, ["created_at", "seq"])


def upgrade() -> None:
    _table(
        "sft_examples",
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("chosen", sa.Text(), nullable=False),
    )
    _table(
        "tasks",
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("constraints", JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tasks")
    op.drop_table("sft_examples")
