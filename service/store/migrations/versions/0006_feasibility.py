"""Feasibility on corrections: the conflicting pairs, the refused cycles, teacher calls saved.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("corrections", sa.Column("conflicts", JSON, nullable=True))
    op.add_column("corrections", sa.Column("cycles", JSON, nullable=True))
    op.add_column("corrections", sa.Column("teacher_calls_saved", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("corrections", "teacher_calls_saved")
    op.drop_column("corrections", "cycles")
    op.drop_column("corrections", "conflicts")
