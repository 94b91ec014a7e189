"""Handing completions to the durable collect queue without making the client wait for it.

The reply leaves first; the put into the queue (``CollectQueue.put``, the same durable queue as
``POST /v1/collect``) runs as its own task, so neither the queue's write nor a client that hangs up
right after the last byte can lose an item that was handed over. The trade-off: an item is lost
if the process dies in the milliseconds between the reply and the put; a full queue drops the item
(counted, logged) rather than fail a reply the client already has.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from graph.errors import FollowfixError
from service.bulk.queue import CollectQueue, QueueFullError

logger = logging.getLogger(__name__)


class Collector:
    """Fire-and-forget puts, each tracked until done; ``drain`` waits for them at shutdown."""

    def __init__(self, queue: CollectQueue) -> None:
        self.queue = queue
        self.queued = 0
        self.dropped = 0
        self._pending: set[asyncio.Task[None]] = set()

    def submit(self, payload: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._put(payload))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _put(self, payload: dict[str, Any]) -> None:
        try:
            item_id = await self.queue.put(payload)
        except QueueFullError as exc:
            self.dropped += 1
            logger.warning("front door: collect queue full, completion not collected: %s", exc)
            return
        except (FollowfixError, OSError) as exc:
            self.dropped += 1
            logger.error("front door: collect queue failed, completion not collected: %s", exc)
            return
        self.queued += 1
        logger.debug("front door: collected as queue item %s", item_id)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Let in-flight puts finish (shutdown): what was handed over is in the queue after this."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout_s)
