"""Checks on a job's input at submission, so a job that cannot run is a 422 naming the field, not a
job that fails (or, before, crashed) later.

What is checked is what the readers will need: a path with no NUL or lone surrogate, under an
allowed root, that exists and can be read; and the format matching the thing (a JSONL file whose
first row is JSON, a Parquet file, a directory written by ``datasets.save_to_disk``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from graph.errors import InputFormatError
from graph.storable import find_unstorable
from service.bulk.readers import detect_format

HEAD_BYTES = 1 << 16
PARQUET_MAGIC = b"PAR1"
DATASET_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")


class JobInputError(InputFormatError):
    """A job's input cannot be used; ``field`` names the request field to fix (422)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_path(path: str, roots: Sequence[Path], field: str) -> Path:
    """The resolved path when it is acceptable as a server-side input; else :class:`JobInputError`."""
    problem = find_unstorable(path)
    if problem is not None:
        raise JobInputError(f"{field} {problem.reason}", field=field)
    if not roots:
        raise JobInputError("server-side inputs are disabled (set FOLLOWFIX_JOB_INPUT_ROOTS)", field=field)
    try:
        resolved = Path(path).resolve()
        allowed = any(resolved.is_relative_to(root.resolve()) for root in roots)
        exists = resolved.exists()
    except (OSError, ValueError) as exc:
        raise JobInputError(f"{field}: not a usable path ({exc})", field=field) from exc
    if not allowed:
        raise JobInputError(f"{path} is not under an allowed input root", field=field)
    if not exists:
        raise JobInputError(f"{path}: no such file or directory", field=field)
    return resolved


def check_input(path: Path, fmt: str, field: str, format_field: str | None = "options.format") -> None:
    """Refuse an input its reader would fail on (blocking I/O: call it in a thread). A mismatch
    with an explicit format names ``format_field`` (None: the format is implied, name the path)."""
    blame = format_field if fmt != "auto" and format_field else field
    try:
        kind = detect_format(path) if fmt == "auto" else fmt
    except InputFormatError as exc:
        raise JobInputError(str(exc), field="options.format") from exc
    if kind == "hf":
        if not path.is_dir():
            raise JobInputError(f"{path.name}: format hf needs a directory saved by datasets", field=blame)
        if not any((path / marker).is_file() for marker in DATASET_MARKERS):
            raise JobInputError(f"{path.name}: not a dataset saved with save_to_disk", field=field)
        return
    if not path.is_file():
        what = "a directory" if path.is_dir() else "not a regular file"
        raise JobInputError(f"{path.name} is {what}; format {kind} needs a file", field=blame)
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise JobInputError(f"{path.name} cannot be read: {exc.strerror or exc}", field=field) from exc
    if kind == "parquet":
        if not head.startswith(PARQUET_MAGIC):
            raise JobInputError(f"{path.name} is not a Parquet file", field=blame)
        return
    _check_jsonl_head(path, head, blame)


def _check_jsonl_head(path: Path, head: bytes, field: str) -> None:
    """Some complete line of the head must be a JSON value (single bad rows are row errors later)."""
    if head.startswith(PARQUET_MAGIC):
        raise JobInputError(f"{path.name} is a Parquet file, not JSONL", field=field)
    lines = head.split(b"\n")
    if len(head) == HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut off by the read
    first_error: Exception | None = None
    for line in lines:
        if not line.strip():
            continue
        try:
            json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            first_error = first_error or exc
            continue
        return
    if first_error is None:
        raise JobInputError(f"{path.name} is empty: a job needs JSONL rows", field=field)
    raise JobInputError(f"{path.name} does not look like JSONL: {first_error}", field=field)
