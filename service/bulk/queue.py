"""The durable collect queue's contract; a store table (``table_queue``) or a Redis Stream
(``redis_queue``, when ``FOLLOWFIX_QUEUE_URL`` is set) keeps it.

``put`` either stores the item durably or refuses it (:class:`QueueFullError`: the API answers
429; :class:`QueueUnavailableError`: 503). ``claim`` is atomic: one item goes to one claimer, under
a fresh token. An item leaves the queue only through ``ack`` (its correction is stored) or ``fail``
(it goes to the dead-letter list with the reason), and both act only when the token is still the
item's current claim: a worker whose lease ran out cannot delete what another worker holds now.
A worker that dies leaves its items claimed; past the lease they are claimed again, and an item
claimed ``max_attempts`` times without finishing is dead-lettered instead of looping forever.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from graph.errors import FollowfixError, StoreError
from graph.storable import find_unstorable

DEFAULT_MAX_ATTEMPTS = 5


class QueueFullError(FollowfixError):
    """The queue holds its maximum; the caller should retry after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class QueueUnavailableError(StoreError):
    """The queue's backend (the store or Redis) did not answer: transient, the API answers 503."""


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One claimed item: ``token`` identifies this claim, ``attempts`` counts claims so far."""

    id: str
    payload: dict[str, Any]
    token: str = ""
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class DeadItem:
    """An item no worker could finish, with the reason (``GET /v1/collect/dead``)."""

    id: str
    payload: dict[str, Any]
    reason: str
    attempts: int
    failed_at: datetime


def shown(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload every store and JSON encoder can hold: one with a lone surrogate or NUL is kept as
    its ASCII-escaped JSON text under ``unstorable`` (a dead letter must be storable and readable)."""
    if find_unstorable(payload) is None:
        return payload
    return {"unstorable": json.dumps(payload)}


@dataclass(frozen=True, slots=True)
class Backlog:
    """What the queue holds now: waiting, claimed by a worker, dead-lettered."""

    queued: int
    in_flight: int
    dead: int


class CollectQueue(Protocol):
    max_attempts: int

    async def put(self, payload: dict[str, Any]) -> str: ...

    async def claim(self, consumer: str, count: int) -> list[QueueItem]: ...

    async def ack(self, item: QueueItem) -> bool: ...

    async def fail(self, item: QueueItem, reason: str) -> bool: ...

    async def dead(self, limit: int) -> list[DeadItem]: ...

    async def backlog(self) -> Backlog: ...

    async def size(self) -> int: ...

    async def close(self) -> None: ...
