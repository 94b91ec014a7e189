"""Review page: word diffs on corrections and pairs, curation decisions, list indexes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("corrections", sa.Column("diff", JSON, nullable=True))
    op.add_column("corrections", sa.Column("edit_words", sa.Integer(), nullable=True))
    op.add_column("corrections", sa.Column("constraint_ids", sa.Text(), nullable=True))
    op.add_column("pairs", sa.Column("diff", JSON, nullable=True))
    op.add_column("pairs", sa.Column("decision", sa.String(8), nullable=True))
    op.add_column("pairs", sa.Column("decided_by", sa.String(200), nullable=True))
    op.add_column("pairs", sa.Column("decided_at", sa.DateTime(), nullable=True))
    op.add_column("pairs", sa.Column("chosen_edited", sa.Text(), nullable=True))
    op.create_index("ix_corrections_status_created_at_seq", "corrections", ["status", "created_at", "seq"])
    op.create_index("ix_corrections_source_created_at_seq", "corrections", ["source", "created_at", "seq"])


def downgrade() -> None:
    op.drop_index("ix_corrections_source_created_at_seq", "corrections")
    op.drop_index("ix_corrections_status_created_at_seq", "corrections")
    for column in ("chosen_edited", "decided_at", "decided_by", "decision", "diff"):
        op.drop_column("pairs", column)
    for column in ("constraint_ids", "edit_words", "diff"):
        op.drop_column("corrections", column)
