"""Text that JSON, SQLite and PostgreSQL can all hold: the one place input is checked for it.

A lone UTF-16 surrogate (``"\\ud800"``, valid in JSON, invalid in UTF-8) cannot be encoded for any
store, and NUL (``"\\u0000"``) cannot be stored in a PostgreSQL text or JSONB column. Both are
refused where input enters (API bodies, bulk rows, job files) so nothing accepted is lost later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


@dataclass(frozen=True, slots=True)
class Unstorable:
    """Where the first unstorable character is (a dotted path such as ``constraints.0.kwargs``)."""

    path: str
    reason: str


def _reason(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    offset = found.start()
    if char == "\x00":
        return f"contains a NUL character (\\u0000) at offset {offset}"
    return f"contains a lone surrogate (\\u{ord(char):04x}) at offset {offset}"


def find_unstorable(value: Any, path: str = "") -> Unstorable | None:
    """The first string (or mapping key) in a JSON-like value that no store can hold, else None."""
    if isinstance(value, str):
        reason = _reason(value)
        return Unstorable(path or "value", reason) if reason else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (reason := _reason(key)):
                return Unstorable(where, f"key {reason}")
            found = find_unstorable(item, where)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_unstorable(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None
