"""Bulk runs run on uvloop (installed with the service extra) with the start-up heap frozen."""

from __future__ import annotations

import asyncio
import gc

from service.bulk.loop import GC_THRESHOLDS, run


def test_bulk_loop_is_uvloop_with_the_heap_frozen() -> None:
    before = gc.get_threshold()

    async def inspect() -> tuple[str, int, tuple[int, int, int]]:
        return type(asyncio.get_running_loop()).__module__, gc.get_freeze_count(), gc.get_threshold()

    try:
        module, frozen, thresholds = run(inspect())
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert module.startswith("uvloop")
    assert frozen > 10_000  # the imported modules' objects, at least
    assert thresholds == GC_THRESHOLDS
