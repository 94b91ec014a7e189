"""The collect queue as the ``collect_queue`` table of the store (no extra infrastructure).

A claim is ONE statement, ``UPDATE ... WHERE seq IN (SELECT ... LIMIT n) RETURNING``: on SQLite a
write statement that opens its transaction takes the write lock before it reads, so two claimers
never see the same free row; on PostgreSQL the inner select is ``FOR UPDATE SKIP LOCKED``. Ids
come from AUTOINCREMENT / an identity and are never reused, and acks match the claim token.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from graph.errors import StoreDataError
from service.bulk.queue import (
    DEFAULT_MAX_ATTEMPTS,
    Backlog,
    DeadItem,
    QueueFullError,
    QueueItem,
    QueueUnavailableError,
    shown,
)
from service.bulk.tables import collect_dead, collect_queue
from service.store.errors import DB_ERRORS, is_data_error, reason

# Arbitrary constant key for the advisory lock that serialises puts ("collect" in ASCII).
PUT_LOCK_KEY = 0x636F6C6C656374


def _unavailable(action: str, exc: BaseException) -> QueueUnavailableError:
    return QueueUnavailableError(f"collect queue: {action} failed: {reason(exc)}")


class TableQueue:
    """Items are rows; a claim sets ``claimed_by``, ``claimed_until`` and a fresh ``token``."""

    def __init__(
        self,
        engine: AsyncEngine,
        max_pending: int,
        lease_s: float,
        retry_after_s: int,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        self.engine = engine
        self.max_pending = max_pending
        self.lease = timedelta(seconds=lease_s)
        self.retry_after_s = retry_after_s
        self.max_attempts = max_attempts
        self._put_lock = asyncio.Lock()

    async def put(self, payload: dict[str, Any]) -> str:
        """Count and insert under a lock: exact in one process, and across processes on PostgreSQL
        (advisory lock); several processes on one SQLite file may overshoot by a few items."""
        try:
            async with self._put_lock, self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    await conn.execute(select(func.pg_advisory_xact_lock(PUT_LOCK_KEY)))
                pending = (await conn.execute(select(func.count()).select_from(collect_queue))).scalar_one()
                if pending >= self.max_pending:
                    raise QueueFullError(f"collect queue is full ({pending} items)", self.retry_after_s)
                row = {"created_at": datetime.now(UTC), "payload": payload, "attempts": 0}
                insert = collect_queue.insert().values(**row).returning(collect_queue.c.seq)
                seq = (await conn.execute(insert)).scalar_one()
        except DB_ERRORS as exc:
            if is_data_error(exc):  # the database refuses this payload itself: the caller's 4xx
                raise StoreDataError(f"collect queue: the item cannot be stored: {reason(exc)}") from exc
            raise _unavailable("put", exc) from exc
        return str(seq)

    async def claim(self, consumer: str, count: int) -> list[QueueItem]:
        now = datetime.now(UTC)
        token = uuid.uuid4().hex
        visible = or_(collect_queue.c.claimed_until.is_(None), collect_queue.c.claimed_until < now)
        free = select(collect_queue.c.seq).where(visible).order_by(collect_queue.c.seq).limit(count)
        if self.engine.dialect.name == "postgresql":
            free = free.with_for_update(skip_locked=True)
        claim = (
            update(collect_queue)
            .where(collect_queue.c.seq.in_(free.scalar_subquery()))
            .values(
                claimed_by=consumer[:64],
                claimed_until=now + self.lease,
                attempts=collect_queue.c.attempts + 1,
                token=token,
            )
            .returning(collect_queue.c.seq, collect_queue.c.payload, collect_queue.c.attempts)
        )
        try:
            async with self.engine.begin() as conn:
                rows = list((await conn.execute(claim)).all())
        except DB_ERRORS as exc:
            raise _unavailable("claim", exc) from exc
        rows.sort(key=lambda row: row.seq)
        return [QueueItem(str(row.seq), dict(row.payload), token, int(row.attempts)) for row in rows]

    def _claimed(self, item: QueueItem) -> Any:
        return (collect_queue.c.seq == int(item.id)) & (collect_queue.c.token == item.token)

    async def ack(self, item: QueueItem) -> bool:
        """Delete the item if this claim still holds it; False when another claim took it over."""
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(delete(collect_queue).where(self._claimed(item)))
        except DB_ERRORS as exc:
            raise _unavailable("ack", exc) from exc
        return bool(result.rowcount)

    async def fail(self, item: QueueItem, reason_text: str) -> bool:
        """Move the item to the dead letters with ``reason_text``, in one transaction."""
        take = (
            delete(collect_queue)
            .where(self._claimed(item))
            .returning(collect_queue.c.created_at, collect_queue.c.payload, collect_queue.c.attempts)
        )
        try:
            async with self.engine.begin() as conn:
                row = (await conn.execute(take)).first()
                if row is None:
                    return False
                dead = {
                    "item_id": item.id,
                    "created_at": row.created_at,
                    "failed_at": datetime.now(UTC),
                    "payload": shown(row.payload),
                    "reason": reason_text,
                    "attempts": row.attempts,
                }
                await conn.execute(collect_dead.insert().values(**dead))
        except DB_ERRORS as exc:
            raise _unavailable("dead-lettering", exc) from exc
        return True

    async def dead(self, limit: int) -> list[DeadItem]:
        query = select(collect_dead).order_by(collect_dead.c.seq.desc()).limit(limit)
        try:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        except DB_ERRORS as exc:
            raise _unavailable("reading dead letters", exc) from exc
        return [
            DeadItem(r["item_id"], shown(dict(r["payload"])), r["reason"], r["attempts"], r["failed_at"])
            for r in rows
        ]

    async def backlog(self) -> Backlog:
        now = datetime.now(UTC)
        held = (collect_queue.c.claimed_until.is_not(None)) & (collect_queue.c.claimed_until >= now)
        counts = select(
            select(func.count()).select_from(collect_queue).scalar_subquery(),
            select(func.count()).select_from(collect_queue).where(held).scalar_subquery(),
            select(func.count()).select_from(collect_dead).scalar_subquery(),
        )
        try:
            async with self.engine.connect() as conn:
                total, in_flight, dead = (await conn.execute(counts)).one()
        except DB_ERRORS as exc:
            raise _unavailable("counting", exc) from exc
        return Backlog(queued=int(total) - int(in_flight), in_flight=int(in_flight), dead=int(dead))

    async def size(self) -> int:
        backlog = await self.backlog()
        return backlog.queued + backlog.in_flight

    async def close(self) -> None:
        return None
