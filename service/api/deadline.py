"""The per-request deadline: work that overruns it is cancelled and the caller gets a 504."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from service.api.errors import DeadlineExceededError


@asynccontextmanager
async def deadline(seconds: float, what: str) -> AsyncIterator[None]:
    """Cancel the body after ``seconds``; only our own expiry becomes a 504, other timeouts propagate."""
    timer = asyncio.timeout(seconds)
    try:
        async with timer:
            yield
    except TimeoutError:
        if timer.expired():
            raise DeadlineExceededError(f"{what} did not finish within the {seconds:g}s deadline") from None
        raise
