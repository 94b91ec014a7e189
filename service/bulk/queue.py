"""The durable collect queue: a store table, or a Redis Stream when ``FOLLOWFIX_QUEUE_URL`` is set.

Both keep the same promise: ``put`` either stores the item durably or refuses it with
:class:`QueueFullError` (the API answers 429), and an item leaves the queue only when ``ack`` is
called after its correction is in the store. A worker that dies leaves its items claimed; past
the lease they are claimed again (table: ``claimed_until``; Redis: ``XAUTOCLAIM``), and the
correction id derived from the item id keeps the redelivery from being stored twice.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from graph.errors import FollowfixError
from service.bulk.tables import collect_queue


class QueueFullError(FollowfixError):
    """The queue holds its maximum; the caller should retry after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: str
    payload: dict[str, Any]


class CollectQueue(Protocol):
    async def put(self, payload: dict[str, Any]) -> str: ...

    async def claim(self, consumer: str, count: int) -> list[QueueItem]: ...

    async def ack(self, ids: list[str]) -> None: ...

    async def size(self) -> int: ...

    async def close(self) -> None: ...


class TableQueue:
    """The queue as the ``collect_queue`` table of the store (no extra infrastructure)."""

    def __init__(self, engine: AsyncEngine, max_pending: int, lease_s: float, retry_after_s: int) -> None:
        self.engine = engine
        self.max_pending = max_pending
        self.lease = timedelta(seconds=lease_s)
        self.retry_after_s = retry_after_s
        self._put_lock = asyncio.Lock()

    async def put(self, payload: dict[str, Any]) -> str:
        """Count and insert under a lock: exact in one process, and across processes on PostgreSQL
        (advisory lock); several processes on one SQLite file may overshoot by a few items."""
        async with self._put_lock, self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Serialise puts so two requests cannot both take the last free slot.
                await conn.execute(select(func.pg_advisory_xact_lock(0x636F6C6C656374)))
            pending = (await conn.execute(select(func.count()).select_from(collect_queue))).scalar_one()
            if pending >= self.max_pending:
                raise QueueFullError(f"collect queue is full ({pending} items)", self.retry_after_s)
            row = {"created_at": datetime.now(UTC), "payload": payload, "attempts": 0}
            seq = (
                await conn.execute(collect_queue.insert().values(**row).returning(collect_queue.c.seq))
            ).scalar_one()
        return str(seq)

    async def claim(self, consumer: str, count: int) -> list[QueueItem]:
        now = datetime.now(UTC)
        visible = or_(collect_queue.c.claimed_until.is_(None), collect_queue.c.claimed_until < now)
        query = (
            select(collect_queue.c.seq, collect_queue.c.payload).where(visible).order_by(collect_queue.c.seq)
        )
        async with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await conn.execute(query.limit(count))).all()
            if not rows:
                return []
            seqs = [row.seq for row in rows]
            await conn.execute(
                update(collect_queue)
                .where(collect_queue.c.seq.in_(seqs))
                .values(
                    claimed_by=consumer,
                    claimed_until=now + self.lease,
                    attempts=collect_queue.c.attempts + 1,
                )
            )
        return [QueueItem(str(row.seq), dict(row.payload)) for row in rows]

    async def ack(self, ids: list[str]) -> None:
        if ids:
            async with self.engine.begin() as conn:
                await conn.execute(
                    delete(collect_queue).where(collect_queue.c.seq.in_([int(i) for i in ids]))
                )

    async def size(self) -> int:
        async with self.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(collect_queue))).scalar_one())

    async def close(self) -> None:
        return None


# KEYS[1]: stream. ARGV: max length, payload. Length check and append in one atomic step.
_BOUNDED_XADD = """
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then return false end
return redis.call('XADD', KEYS[1], '*', 'payload', ARGV[2])
"""


class RedisStreamQueue:
    """The queue as a Redis Stream with one consumer group; acked entries are deleted."""

    GROUP = "followfix-collect"

    def __init__(
        self, client: Any, stream: str, max_pending: int, lease_s: float, retry_after_s: int
    ) -> None:
        self.client = client
        self.stream = stream
        self.max_pending = max_pending
        self.lease_ms = int(lease_s * 1000)
        self.retry_after_s = retry_after_s
        self._xadd = client.register_script(_BOUNDED_XADD)
        self._group_ready = False

    @classmethod
    def from_url(
        cls, url: str, stream: str, max_pending: int, lease_s: float, retry_after_s: int
    ) -> RedisStreamQueue:
        import redis.asyncio as redis

        return cls(redis.Redis.from_url(url), stream, max_pending, lease_s, retry_after_s)

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        import redis.exceptions

        try:
            await self.client.xgroup_create(self.stream, self.GROUP, id="0", mkstream=True)
        except redis.exceptions.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def put(self, payload: dict[str, Any]) -> str:
        entry = await self._xadd(keys=[self.stream], args=[self.max_pending, json.dumps(payload)])
        if entry is None:
            raise QueueFullError(f"collect stream {self.stream} is full", self.retry_after_s)
        return entry.decode() if isinstance(entry, bytes) else str(entry)

    async def claim(self, consumer: str, count: int, block_ms: int = 200) -> list[QueueItem]:
        await self._ensure_group()
        _, stale, _ = await self.client.xautoclaim(
            self.stream, self.GROUP, consumer, min_idle_time=self.lease_ms, start_id="0-0", count=count
        )
        entries = list(stale)
        if not entries:
            reply = await self.client.xreadgroup(
                self.GROUP, consumer, {self.stream: ">"}, count=count, block=block_ms
            )
            entries = [entry for _, batch in reply for entry in batch]
        return [self._item(entry_id, fields) for entry_id, fields in entries if fields]

    @staticmethod
    def _item(entry_id: Any, fields: dict[Any, Any]) -> QueueItem:
        raw = fields.get(b"payload", fields.get("payload"))
        key = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        return QueueItem(key, json.loads(raw if raw is not None else "{}"))

    async def ack(self, ids: list[str]) -> None:
        if ids:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.xack(self.stream, self.GROUP, *ids)
                pipe.xdel(self.stream, *ids)
                await pipe.execute()

    async def size(self) -> int:
        return int(await self.client.xlen(self.stream))

    async def close(self) -> None:
        await self.client.aclose()
