"""Collect queue: ids never reused (SQLite AUTOINCREMENT), a claim token, and the dead-letter table.

On SQLite the queue table is rebuilt (AUTOINCREMENT cannot be added in place); queued items are
copied with their seq, so ids already handed out stay valid and the sequence starts above them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
COLUMNS = "seq, created_at, payload, claimed_by, claimed_until, attempts"


def _queue_columns() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_collect_queue"),
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.rename_table("collect_queue", "collect_queue_old")
        op.drop_index("ix_collect_queue_claimed_until_seq", table_name="collect_queue_old")
        op.create_table("collect_queue", *_queue_columns(), sqlite_autoincrement=True)
        op.execute(f"INSERT INTO collect_queue ({COLUMNS}) SELECT {COLUMNS} FROM collect_queue_old")
        op.drop_table("collect_queue_old")
        op.create_index("ix_collect_queue_claimed_until_seq", "collect_queue", ["claimed_until", "seq"])
    else:
        op.add_column("collect_queue", sa.Column("token", sa.String(32), nullable=True))
    op.create_table(
        "collect_dead",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_collect_dead"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_collect_dead_failed_at", "collect_dead", ["failed_at"])


def downgrade() -> None:
    op.drop_table("collect_dead")
    op.drop_column("collect_queue", "token")
