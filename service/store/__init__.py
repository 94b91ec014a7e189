"""The pair store: every correction recorded, preference pairs derived, exports for TRL."""

from service.store.db import Store, normalize_url
from service.store.pairs import Pair, PairMode, build_pairs
from service.store.rows import SftExample, StoredCorrection, Task

__all__ = [
    "Pair",
    "PairMode",
    "SftExample",
    "Store",
    "StoredCorrection",
    "Task",
    "build_pairs",
    "normalize_url",
]
