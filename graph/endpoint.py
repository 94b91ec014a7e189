"""The one HTTP layer for OpenAI-compatible endpoints: the bare ``http`` teacher client and the
front door's upstream client both talk through :class:`Endpoint`.

Why one layer: connection pooling, the loop-bound session lifetime, error mapping (the two endpoint
errors of :mod:`graph.retrying`, so one retry classifier covers every client) and the Authorization
header are the same problem for a teacher and for an upstream model; solving it twice is how the
two drift apart. Retries are not done here: callers wrap attempts in :class:`graph.retrying.Retrier`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from graph.retrying import EndpointConnectionError, EndpointStatusError

MAX_ERROR_CHARS = 2000


class Endpoint:
    """One base URL and key; one aiohttp session per event loop, closed with that loop or ``aclose``."""

    def __init__(self, base_url: str, api_key: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key or 'not-needed'}"}
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._keeper: AsyncIterator[None] | None = None

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    async def session(self) -> aiohttp.ClientSession:
        """The session of the running loop, opened on first use.

        A session belongs to the loop that opened it. Its closing is tied to that loop through an
        async generator: ``asyncio.run`` finalises open async generators before it closes the
        loop, so a client reused across ``asyncio.run`` calls (``correct_sync``) leaves no
        unclosed connections behind, while a long-lived loop keeps its keep-alive pool.
        """
        loop = asyncio.get_running_loop()
        if self._session is None or self._session_loop is not loop or self._session.closed:
            # No connection limit of its own: the caller's concurrency bounds the requests.
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=None),
                headers=self._headers,
            )
            self._session, self._session_loop = session, loop
            self._keeper = _close_with_loop(session)
            await anext(self._keeper)
        return self._session

    async def aclose(self) -> None:
        keeper, self._keeper, self._session = self._keeper, None, None
        if keeper is not None and self._session_loop is asyncio.get_running_loop():
            await keeper.aclose()  # type: ignore[attr-defined]

    async def get(self, path: str) -> bytes:
        """GET ``path``; the body, or EndpointStatusError / EndpointConnectionError."""
        session = await self.session()
        try:
            async with session.get(self.url(path)) as reply:
                payload = await reply.read()
                _raise_for_status(reply, payload)
        except aiohttp.ClientError as exc:
            raise EndpointConnectionError(f"{type(exc).__name__}: {exc}") from exc
        return payload

    async def post_json(self, path: str, body: Mapping[str, Any]) -> bytes:
        """POST ``body`` as JSON; the reply body, or EndpointStatusError / EndpointConnectionError."""
        session = await self.session()
        try:
            async with session.post(self.url(path), data=json.dumps(body), headers=_JSON) as reply:
                payload = await reply.read()
                _raise_for_status(reply, payload)
        except aiohttp.ClientError as exc:
            raise EndpointConnectionError(f"{type(exc).__name__}: {exc}") from exc
        return payload

    @asynccontextmanager
    async def stream(
        self, path: str, body: Mapping[str, Any], *, idle_timeout_s: float | None = None
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """POST and hold the reply open for reading as it arrives; leaving the block closes it.

        An error status is raised (with its body) before anything is yielded, so a caller may retry
        the opening; ``idle_timeout_s`` bounds each wait for the next bytes.
        """
        session = await self.session()
        timeout = aiohttp.ClientTimeout(total=None, sock_read=idle_timeout_s)
        try:
            reply = await session.post(self.url(path), data=json.dumps(body), headers=_JSON, timeout=timeout)
        except aiohttp.ClientError as exc:
            raise EndpointConnectionError(f"{type(exc).__name__}: {exc}") from exc
        try:
            if reply.status >= 400:
                _raise_for_status(reply, await reply.read())
            yield reply
        finally:
            reply.close()  # not release(): an unfinished stream must not go back to the pool


_JSON = {"Content-Type": "application/json"}


def _raise_for_status(reply: aiohttp.ClientResponse, payload: bytes) -> None:
    if reply.status >= 400:
        text = payload.decode("utf-8", "replace")[:MAX_ERROR_CHARS]
        raise EndpointStatusError(reply.status, text, dict(reply.headers))


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await session.close()
