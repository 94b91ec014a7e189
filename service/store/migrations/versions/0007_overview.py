"""Overview columns: teacher calls and failing ids as narrow columns, two covering indexes.

Existing rows are filled from their JSON (usage, verdicts, constraints) by the database itself, so
the charts and the constraint filter cover them too.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

SQLITE_FAILED = """CASE WHEN json_array_length({col}) = 0 THEN NULL ELSE ' ' || coalesce((
    SELECT group_concat(json_extract(v.value, '$.id'), ' ') FROM json_each({col}) AS v
    WHERE NOT json_extract(v.value, '$.passed')), '') || ' ' END"""
POSTGRES_FAILED = """CASE WHEN jsonb_array_length({col}) = 0 THEN NULL ELSE ' ' || coalesce((
    SELECT string_agg(v ->> 'id', ' ') FROM jsonb_array_elements({col}) AS v
    WHERE NOT (v ->> 'passed')::boolean), '') || ' ' END"""
BACKFILL = {
    "sqlite": (
        "UPDATE corrections SET teacher_calls = coalesce(json_extract(usage, '$.calls'), 0), "
        f"failed_before = {SQLITE_FAILED.format(col='verdicts_before')}, "
        f"failed_after = {SQLITE_FAILED.format(col='verdicts_after')}, "
        "constraint_ids = coalesce(constraint_ids, ' ' || coalesce((SELECT group_concat("
        "json_extract(c.value, '$.id'), ' ') FROM json_each(constraints) AS c), '') || ' ')"
    ),
    "postgresql": (
        "UPDATE corrections SET teacher_calls = coalesce((usage ->> 'calls')::int, 0), "
        f"failed_before = {POSTGRES_FAILED.format(col='verdicts_before')}, "
        f"failed_after = {POSTGRES_FAILED.format(col='verdicts_after')}, "
        "constraint_ids = coalesce(constraint_ids, ' ' || coalesce((SELECT string_agg("
        "c ->> 'id', ' ') FROM jsonb_array_elements(constraints) AS c), '') || ' ')"
    ),
}


def upgrade() -> None:
    op.add_column("corrections", sa.Column("teacher_calls", sa.Integer(), nullable=True))
    op.add_column("corrections", sa.Column("failed_before", sa.Text(), nullable=True))
    op.add_column("corrections", sa.Column("failed_after", sa.Text(), nullable=True))
    statement = BACKFILL.get(op.get_bind().dialect.name)
    if statement is not None:
        op.execute(statement)
    op.create_index(
        "ix_corrections_overview",
        "corrections",
        [
            "created_at",
            "status",
            "edit_words",
            "teacher_calls",
            "cost_usd",
            "prompt_tokens",
            "completion_tokens",
        ],
    )
    op.create_index(
        "ix_corrections_verdict_sets",
        "corrections",
        ["created_at", "constraint_ids", "failed_before", "failed_after"],
    )


def downgrade() -> None:
    op.drop_index("ix_corrections_verdict_sets", "corrections")
    op.drop_index("ix_corrections_overview", "corrections")
    for column in ("failed_after", "failed_before", "teacher_calls"):
        op.drop_column("corrections", column)
