"""The ``bulk_jobs`` table: one row per job, its options, status and last saved counts.

Every database failure comes out as a :class:`~graph.errors.StoreError` (the API answers 503 with
Retry-After) whose message has the driver's reason but no SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from service.bulk.tables import jobs
from service.store.errors import DB_ERRORS, store_error

UNFINISHED = ("queued", "running")
TERMINAL = ("done", "failed", "cancelled")


class JobRepo:
    """Small async CRUD over the jobs table; rows come back as plain dicts."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(self, job_id: str, input_path: str, output_path: str, options: dict[str, Any]) -> None:
        now = datetime.now(UTC)
        row = {
            "id": job_id,
            "created_at": now,
            "updated_at": now,
            "status": "queued",
            "input_path": input_path,
            "output_path": output_path,
            "options": options,
            "stats": {},
            "error": None,
        }
        try:
            async with self.engine.begin() as conn:
                await conn.execute(jobs.insert().values(**row))
        except DB_ERRORS as exc:
            raise store_error("creating a job", exc) from exc

    async def get(self, job_id: str) -> dict[str, Any] | None:
        try:
            async with self.engine.connect() as conn:
                row = (await conn.execute(select(jobs).where(jobs.c.id == job_id))).mappings().first()
        except DB_ERRORS as exc:
            raise store_error("reading a job", exc) from exc
        return dict(row) if row is not None else None

    async def unfinished(self) -> list[dict[str, Any]]:
        query = select(jobs).where(jobs.c.status.in_(UNFINISHED)).order_by(jobs.c.created_at)
        try:
            async with self.engine.connect() as conn:
                return [dict(row) for row in (await conn.execute(query)).mappings()]
        except DB_ERRORS as exc:
            raise store_error("listing unfinished jobs", exc) from exc

    async def update(self, job_id: str, *, only_if_unfinished: bool = False, **values: Any) -> bool:
        """Set fields; with ``only_if_unfinished`` a cancelled or finished job is left alone."""
        query = update(jobs).where(jobs.c.id == job_id)
        if only_if_unfinished:
            query = query.where(jobs.c.status.in_(UNFINISHED))
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(query.values(updated_at=datetime.now(UTC), **values))
        except DB_ERRORS as exc:
            raise store_error("updating a job", exc) from exc
        return bool(result.rowcount)
