"""Server-sent events both ways: an ASGI response that notices a client leaving at once, and an
accumulator that rebuilds the completion from the chunks that passed through.

Why a response of our own: Starlette's streaming response (ASGI 2.4 servers) notices a client that
hung up only at its next write, so while the upstream is slow to send the next chunk its request
would stay open. Here a listener task waits for ``http.disconnect`` and, when it comes, cancels the
pump and closes the body generator, whose ``finally`` closes the upstream request.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

logger = logging.getLogger(__name__)

DONE = b"data: [DONE]\n\n"


def event(payload: Mapping[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


def is_done(chunk: bytes) -> bool:
    """The protocol's end marker (cheap: looked for before the event is forwarded)."""
    return b"[DONE]" in chunk and any(line.strip() == b"data: [DONE]" for line in chunk.splitlines())


class EventStreamResponse(Response):
    """``text/event-stream`` from an async generator of bytes, closed as soon as the client leaves."""

    def __init__(self, body: AsyncGenerator[bytes, None], headers: Mapping[str, str] | None = None) -> None:
        self.events = body
        self.status_code = 200
        self.background = None
        self.event_headers = {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            "x-accel-buffering": "no",
            **{k.lower(): v for k, v in (headers or {}).items()},
        }
        self.disconnected = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.event_headers.items()]
        pump = asyncio.ensure_future(self._pump(send, raw))
        listener = asyncio.ensure_future(self._listen(receive))
        try:
            await asyncio.wait({pump, listener}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pump, listener):
                task.cancel()
            await asyncio.gather(pump, listener, return_exceptions=True)
            await self.events.aclose()  # runs the generator's finally: the upstream request closes
        if pump.done() and not pump.cancelled() and pump.exception() is not None:
            error = pump.exception()
            if not isinstance(error, OSError):
                raise error  # type: ignore[misc]
        if self.background is not None:
            await self.background()

    async def _pump(self, send: Send, raw: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        async for chunk in self.events:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _listen(self, receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return


class StreamAccumulator:
    """The text of each choice, the finish reasons and usage, from the chunks seen so far."""

    def __init__(self) -> None:
        self.texts: dict[int, list[str]] = {}
        self.finish: dict[int, str] = {}
        self.usage: dict[str, Any] | None = None
        self.id: str | None = None
        self.model: str | None = None
        self.created: int | None = None
        self.done = False

    def feed(self, chunk: bytes) -> None:
        for line in chunk.splitlines():
            if not line.startswith(b"data:"):
                continue
            data = line[5:].strip()
            if data == b"[DONE]":
                self.done = True
                continue
            try:
                payload = json.loads(data)
            except ValueError:
                continue
            if isinstance(payload, dict):
                self._take(payload)

    def _take(self, payload: dict[str, Any]) -> None:
        self.id = self.id or payload.get("id")
        self.model = self.model or payload.get("model")
        self.created = self.created or payload.get("created")
        if isinstance(payload.get("usage"), dict):
            self.usage = payload["usage"]
        for choice in payload.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            index = int(choice.get("index") or 0)
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            parts = self.texts.setdefault(index, [])
            if isinstance(content, str):
                parts.append(content)
            if choice.get("finish_reason"):
                self.finish[index] = str(choice["finish_reason"])

    @property
    def finished(self) -> bool:
        """The upstream ended the completion (``[DONE]``, or every choice has a finish reason)."""
        return self.done or (bool(self.texts) and set(self.finish) >= set(self.texts))

    def choice_texts(self) -> list[str | None]:
        if not self.texts:
            return []
        return ["".join(self.texts.get(i, [])) for i in range(max(self.texts) + 1)]
