"""Streamed exports of the store: JSONL or Parquet, written in batches (constant memory).

A file export writes to a temporary file beside the target and renames it at the end, so a
failed or interrupted export never leaves a truncated file under the requested name.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from graph.data.rl_rows import unsupported_by_open_instruct
from graph.errors import StoreError
from service.store import formats
from service.store.db import Store
from service.store.formats import FORMATS, ExportFormat
from service.store.pairs import Curation, PairMode

logger = logging.getLogger(__name__)

FileFormat = Literal["jsonl", "parquet"]
BATCH = 1000


async def iter_rows(
    store: Store,
    fmt: ExportFormat,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    mode: PairMode = "final",
    curation: Curation = "all",
) -> AsyncGenerator[dict[str, Any], None]:
    """Export rows of one format, deduplicated, in (created_at, seq) order (``curation``: trl only)."""
    if fmt == "trl":
        async for pair in store.iter_pairs(mode, since, until, curation=curation):
            yield formats.trl_row(pair)
    elif fmt == "sft":
        async for example in store.iter_sft(since, until):
            yield formats.sft_row(example)
    elif fmt == "rlvr":
        async for task in store.iter_tasks(since, until):
            yield formats.rlvr_row(task)
    elif fmt == "open-instruct":
        flagged = 0
        async for task in store.iter_tasks(since, until):
            unknown = unsupported_by_open_instruct(task.constraints)
            if unknown:  # open-instruct's verifier would raise KeyError on the row
                flagged += 1
                logger.warning("task %s left out of open-instruct rows: ids it lacks %s", task.hash, unknown)
                continue
            yield formats.open_instruct_task_row(task)
        if flagged:
            logger.warning(
                "open-instruct export: %d tasks left out (constraint ids open-instruct lacks)", flagged
            )
    elif fmt == "verl":
        index = 0
        async for task in store.iter_tasks(since, until):
            yield formats.verl_task_row(task, index)
            index += 1
    else:
        raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


async def iter_jsonl(
    store: Store,
    fmt: ExportFormat,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    mode: PairMode = "final",
    curation: Curation = "all",
) -> AsyncGenerator[str, None]:
    """JSONL lines (each ending in a newline) for a streamed HTTP response."""
    async for row in iter_rows(store, fmt, since, until, mode=mode, curation=curation):
        yield json.dumps(row, ensure_ascii=False) + "\n"


def file_format_of(path: Path) -> FileFormat:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise StoreError(f"cannot tell the file format of {path}: use a .jsonl or .parquet name")


async def export(
    store: Store,
    format: ExportFormat,
    since: datetime | None = None,
    output_path: Path | str = "pairs.jsonl",
    file_format: FileFormat | None = None,
    *,
    until: datetime | None = None,
    mode: PairMode = "final",
    curation: Curation = "all",
    batch_size: int = BATCH,
) -> int:
    """Write one format to ``output_path`` (JSONL or Parquet); returns the number of rows."""
    path = Path(output_path)
    kind = file_format or file_format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    rows = iter_rows(store, format, since, until, mode=mode, curation=curation)
    try:
        if kind == "jsonl":
            count = await _write_jsonl(rows, tmp, batch_size)
        elif kind == "parquet":
            count = await _write_parquet(rows, tmp, format, batch_size)
        else:
            raise StoreError(f"unknown file format {kind!r}; choose jsonl or parquet")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("exported %d %s rows to %s", count, format, path)
    return count


async def _write_jsonl(rows: AsyncIterator[dict[str, Any]], path: Path, batch_size: int) -> int:
    count = 0
    buffer: list[str] = []
    with path.open("w", encoding="utf-8") as handle:
        async for row in rows:
            buffer.append(json.dumps(row, ensure_ascii=False))
            count += 1
            if len(buffer) >= batch_size:
                handle.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            handle.write("\n".join(buffer) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return count


async def _write_parquet(
    rows: AsyncIterator[dict[str, Any]], path: Path, fmt: ExportFormat, batch_size: int
) -> int:
    import pyarrow as pa  # heavy: only Parquet exports need it
    import pyarrow.parquet as pq

    schema = formats.parquet_schema(fmt)
    count = 0
    buffer: list[dict[str, Any]] = []
    with pq.ParquetWriter(path, schema) as writer:
        async for row in rows:
            buffer.append(formats.for_parquet(fmt, row))
            count += 1
            if len(buffer) >= batch_size:
                writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
                buffer.clear()
        if buffer or count == 0:
            writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
    return count
