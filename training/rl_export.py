"""RL training files from prompt files (IFEval / IFBench / paper rows, or an ``rlvr`` export).

The same row shapes the store exports (:mod:`graph.data.rl_rows`), for data that never went
through the store: ``open-instruct`` JSONL (rows with ids open-instruct lacks are left out and
counted) and ``verl`` Parquet (or JSONL), both scored by our reward modules.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from graph.data.formats import parquet_schema
from graph.data.rl_rows import open_instruct_row, unsupported_by_open_instruct, verl_row
from graph.errors import InputFormatError
from training.data import load_prompts

RLFormat = Literal["open-instruct", "verl"]


@dataclass
class ExportReport:
    """What was written, and which rows were left out because their target cannot score them."""

    written: int = 0
    flagged: dict[str, list[str]] = field(default_factory=dict)  # row key -> unsupported ids


def prompt_rows(
    path: str | Path, fmt: RLFormat, *, split: str = "train"
) -> tuple[list[dict[str, Any]], ExportReport]:
    report = ExportReport()
    rows = []
    for prompt in load_prompts(path):
        specs = [
            {"id": i, "kwargs": k} for i, k in zip(prompt.instruction_id_list, prompt.kwargs, strict=True)
        ]
        if not specs:
            continue
        meta = {"id": prompt.key, "correction_id": None}
        if fmt == "open-instruct":
            unknown = unsupported_by_open_instruct(specs)
            if unknown:
                report.flagged[prompt.key] = unknown
                continue
            rows.append({**open_instruct_row(prompt.prompt, specs), **meta})
        else:
            rows.append(
                {**verl_row(prompt.prompt, specs, index=len(rows), key=prompt.key, split=split), **meta}
            )
    report.written = len(rows)
    return rows, report


def export_prompts(
    path: str | Path, fmt: RLFormat, output: str | Path, *, split: str = "train"
) -> ExportReport:
    """Write ``fmt`` rows for every prompt with constraints; ``.parquet`` or ``.jsonl`` by suffix."""
    if fmt not in ("open-instruct", "verl"):
        raise InputFormatError(f"format must be open-instruct or verl, got {fmt!r}")
    rows, report = prompt_rows(path, fmt, split=split)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        if out.suffix.lower() in (".parquet", ".pq"):
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.Table.from_pylist(rows, schema=parquet_schema(fmt)), tmp)
        elif out.suffix.lower() in (".jsonl", ".json", ".ndjson"):
            with tmp.open("w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        else:
            raise InputFormatError(f"cannot tell the file format of {out}: use a .jsonl or .parquet name")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return report
