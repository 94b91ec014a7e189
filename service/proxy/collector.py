"""Handing completions to the durable collect queue without making the client wait for it.

The reply leaves first; the put into the queue (``CollectQueue.put``, the same durable queue as
``POST /v1/collect``) runs as its own task, so neither the queue's write nor a client that hangs up
right after the last byte can lose an item that was handed over. The trade-off: an item is lost
if the process dies in the milliseconds between the reply and the put; a full queue, or more puts
in flight than ``max_in_flight``, drops the item (counted, logged) rather than fail a reply the
client already has or let memory grow.
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

    def __init__(self, queue: CollectQueue, max_in_flight: int = 1000) -> None:
        self.queue = queue
        self.max_in_flight = max_in_flight
        self.queued = 0
        self.dropped = 0
        self._pending: set[asyncio.Task[None]] = set()

    def submit(self, payload: dict[str, Any]) -> bool:
        """Start the put; False (dropped, counted) when ``max_in_flight`` puts are already waiting:
        a queue slower than the traffic must not grow this process's memory without bound."""
        if len(self._pending) >= self.max_in_flight:
            self.dropped += 1
            if self.dropped % 100 == 1:
                logger.warning(
                    "front door: %d collect puts in flight, completion not collected", len(self._pending)
                )
            return False
        task = asyncio.get_running_loop().create_task(self._put(payload))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return True

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
