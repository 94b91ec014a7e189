"""Stable record ids: the resume key of every bulk run.

A record's id is its own key when the data has one, else a hash of instruction + response, so
the same row gets the same id on every rerun and duplicates in the input collapse to one.
"""

from __future__ import annotations

import hashlib
from typing import Any

ID_LENGTH = 32


def content_hash(instruction: str, response: str) -> str:
    """sha256 over both texts with a separator that cannot occur in either boundary."""
    digest = hashlib.sha256()
    digest.update(instruction.encode("utf-8"))
    digest.update(b"\x00\x1f\x00")
    digest.update(response.encode("utf-8"))
    return digest.hexdigest()[:ID_LENGTH]


def record_id(key: Any, instruction: str, response: str) -> str:
    """The record's key as text when given (``0`` and ``"0"`` are the same key), else a content hash."""
    if key is not None and str(key) != "":
        return str(key)
    return content_hash(instruction, response)


def correction_id(namespace: str, rid: str) -> str:
    """The id the store sees: the record id scoped to one run (an output file or a job).

    Two runs over the same data (say, two strategies) must not overwrite each other's rows,
    while a rerun of the same run must hit the same row.
    """
    return hashlib.sha256(f"{namespace}\x00{rid}".encode()).hexdigest()[:ID_LENGTH]
