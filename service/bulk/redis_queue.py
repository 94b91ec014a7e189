"""The collect queue as a Redis Stream with one consumer group; dead letters in ``<stream>:dead``.

Claims are Redis's own atomic commands (``XREADGROUP`` for new entries, ``XAUTOCLAIM`` for those
whose lease ran out). A claim's token is the consumer that holds the entry and its delivery count;
``ack`` and ``fail`` are Lua scripts that check both in the pending list before they act, so a
worker whose entry was claimed again meanwhile changes nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from service.bulk.queue import (
    DEFAULT_MAX_ATTEMPTS,
    Backlog,
    DeadItem,
    QueueFullError,
    QueueItem,
    QueueUnavailableError,
    shown,
)

# KEYS[1]: stream. ARGV: max length, payload. Length check and append in one atomic step.
_BOUNDED_XADD = """
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then return false end
return redis.call('XADD', KEYS[1], '*', 'payload', ARGV[2])
"""

# ARGV: group, entry id, consumer, delivery count. True when this claim still holds the entry.
_HELD = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] or p[1][4] ~= tonumber(ARGV[4]) then return false end
"""

_ACK = (
    _HELD
    + """
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
"""
)

# KEYS[2]: the dead-letter stream. ARGV[5]: reason, ARGV[6]: failed_at (ISO 8601).
_FAIL = (
    _HELD
    + """
local entry = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
local payload = '{}'
if #entry > 0 then
  local fields = entry[1][2]
  for i = 1, #fields, 2 do if fields[i] == 'payload' then payload = fields[i + 1] end end
end
redis.call('XADD', KEYS[2], '*', 'item_id', ARGV[2], 'payload', payload, 'reason', ARGV[5],
  'attempts', ARGV[4], 'failed_at', ARGV[6])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
"""
)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisStreamQueue:
    """Acked and failed entries are deleted from the stream; failed ones are copied to the dead stream."""

    GROUP = "followfix-collect"
    TIMEOUT_S = 5.0

    def __init__(
        self,
        client: Any,
        stream: str,
        max_pending: int,
        lease_s: float,
        retry_after_s: int,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        import redis.exceptions

        self.client = client
        self.stream = stream
        self.dead_stream = f"{stream}:dead"
        self.max_pending = max_pending
        self.lease_ms = int(lease_s * 1000)
        self.retry_after_s = retry_after_s
        self.max_attempts = max_attempts
        self._errors = (redis.exceptions.RedisError, OSError)
        self._xadd = client.register_script(_BOUNDED_XADD)
        self._ack = client.register_script(_ACK)
        self._fail = client.register_script(_FAIL)
        self._group_ready = False
        self._cursor: dict[str, str] = {}

    @classmethod
    def from_url(
        cls, url: str, stream: str, max_pending: int, lease_s: float, retry_after_s: int, max_attempts: int
    ) -> RedisStreamQueue:
        import redis.asyncio as redis

        client = redis.Redis.from_url(url, socket_timeout=cls.TIMEOUT_S, socket_connect_timeout=cls.TIMEOUT_S)
        return cls(client, stream, max_pending, lease_s, retry_after_s, max_attempts)

    def _unavailable(self, action: str, exc: BaseException) -> QueueUnavailableError:
        return QueueUnavailableError(f"collect queue (Redis): {action} failed: {type(exc).__name__}: {exc}")

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
        try:
            entry = await self._xadd(keys=[self.stream], args=[self.max_pending, json.dumps(payload)])
        except self._errors as exc:
            raise self._unavailable("put", exc) from exc
        if entry is None:
            raise QueueFullError(f"collect stream {self.stream} is full", self.retry_after_s)
        return _text(entry)

    async def claim(self, consumer: str, count: int, block_ms: int = 200) -> list[QueueItem]:
        try:
            await self._ensure_group()
            stale = await self._reclaim(consumer, count)
            if stale:
                return stale
            reply = await self.client.xreadgroup(
                self.GROUP, consumer, {self.stream: ">"}, count=count, block=block_ms
            )
        except self._errors as exc:
            raise self._unavailable("claim", exc) from exc
        entries = [entry for _, batch in reply for entry in batch]
        return [self._item(entry_id, fields, consumer, 1) for entry_id, fields in entries if fields]

    async def _reclaim(self, consumer: str, count: int) -> list[QueueItem]:
        """Entries idle past the lease, taken over with ``XAUTOCLAIM`` (cursor kept per consumer)."""
        start = self._cursor.get(consumer, "0-0")
        reply = await self.client.xautoclaim(
            self.stream, self.GROUP, consumer, min_idle_time=self.lease_ms, start_id=start, count=count
        )
        self._cursor[consumer] = _text(reply[0])
        entries = [(entry_id, fields) for entry_id, fields in reply[1] if fields]
        if not entries:
            return []
        ids = [_text(entry_id) for entry_id, _ in entries]
        pending = await self.client.xpending_range(
            self.stream, self.GROUP, min=ids[0], max=ids[-1], count=len(ids) * 4 + 16, consumername=consumer
        )
        deliveries = {_text(p["message_id"]): int(p["times_delivered"]) for p in pending}
        return [
            self._item(entry_id, fields, consumer, deliveries.get(_text(entry_id), 1))
            for entry_id, fields in entries
        ]

    @staticmethod
    def _item(entry_id: Any, fields: dict[Any, Any], consumer: str, deliveries: int) -> QueueItem:
        raw = fields.get(b"payload", fields.get("payload"))
        payload = json.loads(raw if raw is not None else "{}")
        return QueueItem(_text(entry_id), payload, f"{deliveries}:{consumer}", deliveries)

    @staticmethod
    def _token(item: QueueItem) -> tuple[str, str]:
        deliveries, _, consumer = item.token.partition(":")
        return consumer, deliveries

    async def ack(self, item: QueueItem) -> bool:
        consumer, deliveries = self._token(item)
        try:
            done = await self._ack(keys=[self.stream], args=[self.GROUP, item.id, consumer, deliveries])
        except self._errors as exc:
            raise self._unavailable("ack", exc) from exc
        return bool(done)

    async def fail(self, item: QueueItem, reason: str) -> bool:
        consumer, deliveries = self._token(item)
        args = [self.GROUP, item.id, consumer, deliveries, reason, datetime.now(UTC).isoformat()]
        try:
            done = await self._fail(keys=[self.stream, self.dead_stream], args=args)
        except self._errors as exc:
            raise self._unavailable("dead-lettering", exc) from exc
        return bool(done)

    async def dead(self, limit: int) -> list[DeadItem]:
        try:
            entries = await self.client.xrevrange(self.dead_stream, count=limit)
        except self._errors as exc:
            raise self._unavailable("reading dead letters", exc) from exc
        items = []
        for _, raw in entries:
            fields = {_text(k): _text(v) for k, v in raw.items()}
            items.append(
                DeadItem(
                    fields.get("item_id", ""),
                    shown(json.loads(fields.get("payload", "{}"))),
                    fields.get("reason", ""),
                    int(fields.get("attempts", "0")),
                    datetime.fromisoformat(fields["failed_at"]),
                )
            )
        return items

    async def backlog(self) -> Backlog:
        try:
            await self._ensure_group()
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.xlen(self.stream)
                pipe.xpending(self.stream, self.GROUP)
                pipe.xlen(self.dead_stream)
                total, pending, dead = await pipe.execute()
        except self._errors as exc:
            raise self._unavailable("counting", exc) from exc
        in_flight = int(pending["pending"])
        return Backlog(queued=int(total) - in_flight, in_flight=in_flight, dead=int(dead))

    async def size(self) -> int:
        try:
            return int(await self.client.xlen(self.stream))
        except self._errors as exc:
            raise self._unavailable("counting", exc) from exc

    async def close(self) -> None:
        await self.client.aclose()
