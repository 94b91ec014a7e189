"""How bulk runs run their event loop: on uvloop where installed (the ``service`` extra brings it),
with the start-up heap frozen out of the garbage collector.

Why uvloop: a bulk record is dozens of small event-loop steps (LangGraph's tasks, the teacher's
socket), so the loop's own cost per step is a visible share of the CPU a record needs; uvicorn
serves the API on uvloop already. Why ``gc.freeze``: the imports (LangGraph, pydantic, numpy,
SQLAlchemy) leave hundreds of thousands of long-lived objects that every full collection would
walk again; measured on 1,500 records in one process, collections took ~1.2 s of CPU, single
pauses up to 170 ms, during which no record in flight made progress.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop when it is importable, after freezing the heap built so far."""
    freeze_heap()
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


# Young collections every 5,000 net allocations instead of 700, full ones rarely: a record's garbage
# is freed by reference counting; the collector only has cycles left to find.
GC_THRESHOLDS = (5000, 20, 100)


def freeze_heap() -> None:
    """Move every object alive now out of the collector's reach (they live as long as the process)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
