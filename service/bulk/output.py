"""The output file as the resume state: complete lines appended atomically, read back as a done-set.

Each result is one ``os.write`` of a whole line to a file opened with ``O_APPEND``, so a killed
run leaves whole lines; a torn last line (power loss) is cut off when the file is reopened. A
lock file keeps two runs from appending to the same output at once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import time
from pathlib import Path
from typing import Any

from graph.errors import FollowfixError

logger = logging.getLogger(__name__)

ID_FIELD = "record_id"
_PREFIX = re.compile(rb'^\{"record_id": ?"((?:[^"\\]|\\.)*)"')
FSYNC_EVERY_S = 1.0


class OutputBusyError(FollowfixError):
    """Another run holds the output file."""


def encode_line(row: dict[str, Any]) -> bytes:
    """One JSON line with ``record_id`` first, so resume can read ids without parsing results."""
    ordered = {ID_FIELD: row[ID_FIELD], **{k: v for k, v in row.items() if k != ID_FIELD}}
    return (json.dumps(ordered, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def line_id(line: bytes) -> str | None:
    """The record id of one output line; fast path on the prefix, full parse as a fallback."""
    match = _PREFIX.match(line)
    if match and b"\\" not in match.group(1):
        return match.group(1).decode("utf-8")
    try:
        value = json.loads(line).get(ID_FIELD)
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return None
    return None if value is None else str(value)


def repair_tail(path: Path) -> int:
    """Cut a torn last line (no trailing newline); returns the bytes removed."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        block = 1 << 16
        position = size
        while position > 0:
            start = max(0, position - block)
            handle.seek(start)
            chunk = handle.read(position - start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            position = start
        else:
            keep = 0
        handle.truncate(keep)
    logger.warning("%s: removed a torn last line (%d bytes)", path, size - keep)
    return size - keep


def read_done(path: Path) -> set[str]:
    """Ids of every complete line already in the output."""
    done: set[str] = set()
    if not path.exists():
        return done
    with open(path, "rb") as handle:
        for line in handle:
            rid = line_id(line)
            if rid is not None:
                done.add(rid)
    return done


class ResultWriter:
    """Appends result lines to one file; ``open()`` returns the ids already done there."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self._last_sync = 0.0

    def open(self) -> set[str]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock_fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise OutputBusyError(f"{self.path}: another run is writing this output") from exc
        repair_tail(self.path)
        done = read_done(self.path)
        self._fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
        self._last_sync = time.monotonic()
        return done

    def append(self, row: dict[str, Any]) -> None:
        """Write one whole line; fsync at most once a second (the store is the durable copy)."""
        if self._fd is None:
            raise RuntimeError("ResultWriter.append before open()")
        data = memoryview(encode_line(row))
        while data:
            written = os.write(self._fd, data)
            data = data[written:]
        now = time.monotonic()
        if now - self._last_sync >= FSYNC_EVERY_S:
            os.fsync(self._fd)
            self._last_sync = now

    def close(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
