"""Readers for bulk input: JSONL, Parquet and Hugging Face ``datasets`` saved to disk.

Rows may be in the formats of the paper (``prompt``, ``response``, ``instruction_id_list``,
``kwargs``), IFEval/IFBench (a responses file matched by prompt text to a prompts file given with
``prompts=``) or ours (``instruction``, ``response``, ``constraints=[{"id", "kwargs"}]``). Every
reader streams: a 100k-row input is never held in memory. Malformed rows come out as
:class:`RowError` so the runner can report them instead of dropping them. Rows are numbered from
1 (JSONL: the line number), as messages name them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from graph.errors import InputFormatError
from graph.storable import find_unstorable
from service.bulk.ids import record_id
from service.bulk.records import BulkRecord, RowError
from service.jsonl import iter_jsonl

logger = logging.getLogger(__name__)

Format = Literal["auto", "jsonl", "parquet", "hf"]
Item = BulkRecord | RowError
INSTRUCTION_FIELDS = ("instruction", "prompt")
KEY_FIELDS = ("key", "id")
PARQUET_BATCH = 1024


def constraints_of(row: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """Constraint specs from a row: ``instruction_id_list`` + ``kwargs`` win over ``constraints``.

    The paper's rows carry ``constraints`` as free-text sentences next to the ids; only a list of
    ``{"id", ...}`` objects counts as specs. ``None`` means "extract from the instruction".
    """
    ids = row.get("instruction_id_list")
    if ids is not None:
        if not isinstance(ids, list):
            raise InputFormatError("'instruction_id_list' must be a list")
        kwargs = row.get("kwargs")
        if kwargs is None:
            kwargs = [{} for _ in ids]
        if not isinstance(kwargs, list) or len(kwargs) != len(ids):
            raise InputFormatError("'kwargs' must be a list as long as 'instruction_id_list'")
        return [{"id": str(cid), "kwargs": _kwargs(kw)} for cid, kw in zip(ids, kwargs, strict=True)]
    specs = row.get("constraints")
    if isinstance(specs, list) and specs and all(isinstance(s, Mapping) for s in specs):
        out = []
        for spec in specs:
            if "id" not in spec:
                raise InputFormatError("every entry of 'constraints' needs an 'id'")
            out.append({"id": str(spec["id"]), "kwargs": _kwargs(spec.get("kwargs"))})
        return out
    return None


def _kwargs(kwargs: Any) -> dict[str, Any]:
    """Kwargs without ``None`` values: IFBench rows and Arrow structs spell "unused" as null."""
    if kwargs is None:
        return {}
    if not isinstance(kwargs, Mapping):
        raise InputFormatError("every 'kwargs' entry must be an object")
    return {key: value for key, value in kwargs.items() if value is not None}


def _field(row: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if row.get(name) is not None:
            return row[name]
    return None


def to_record(row: Any, index: int, prompts: Mapping[str, Mapping[str, Any]] | None = None) -> Item:
    """One input row as a record, or a :class:`RowError` naming the row and field."""
    if not isinstance(row, Mapping):
        return RowError(index, f"row {index}: expected a JSON object, got {type(row).__name__}")
    problem = find_unstorable(row)
    if problem is not None:  # a lone surrogate or NUL: no store (nor UTF-8 output) can hold the row
        return RowError(index, f"row {index}: {problem.path} {problem.reason}", problem.path)
    instruction = _field(row, INSTRUCTION_FIELDS)
    response = row.get("response")
    if not isinstance(instruction, str):
        return RowError(index, f"row {index}: needs a string 'instruction' or 'prompt'", "instruction")
    if not isinstance(response, str):
        return RowError(index, f"row {index}: needs a string 'response'", "response")
    meta: Mapping[str, Any] = row
    if prompts is not None and constraints_of_safe(row) is None:
        found = prompts.get(instruction) or prompts.get(instruction.strip())
        if found is None:
            return RowError(index, f"row {index}: prompt not found in the prompts file", "prompt")
        meta = found
    try:
        constraints = constraints_of(meta)
    except InputFormatError as exc:
        return RowError(index, f"row {index}: {exc}", "constraints")
    key = _field(row, KEY_FIELDS)
    if key is None and meta is not row:
        key = _field(meta, KEY_FIELDS)
    rid = record_id(key, instruction, response)
    return BulkRecord(rid, instruction, response, constraints, index, dict(row))


def constraints_of_safe(row: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    try:
        return constraints_of(row)
    except InputFormatError:
        return None


def load_prompts(path: str | Path) -> dict[str, dict[str, Any]]:
    """An IFEval/IFBench prompts file indexed by prompt text, also stripped (IFBench's sample
    outputs differ from the test prompts in trailing spaces)."""
    index: dict[str, dict[str, Any]] = {}
    for number, row in iter_jsonl(path):
        prompt = row.get("prompt")
        if not isinstance(prompt, str):
            raise InputFormatError(f"{path}:{number}: needs a string 'prompt'")
        index[prompt] = row
        index.setdefault(prompt.strip(), row)
    return index


def detect_format(path: Path) -> Format:
    if path.is_dir():
        return "hf"
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix in {".jsonl", ".json", ".ndjson"}:
        return "jsonl"
    raise InputFormatError(f"{path}: cannot tell the format from the name; pass a format")


class InputSource:
    """A re-iterable stream of records from one file or dataset directory."""

    def __init__(
        self,
        path: str | Path,
        *,
        fmt: Format = "auto",
        prompts: str | Path | None = None,
        split: str | None = None,
    ) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputFormatError(f"{self.path}: no such file or directory")
        self.format: Format = detect_format(self.path) if fmt == "auto" else fmt
        self.split = split
        self._prompts = load_prompts(prompts) if prompts is not None else None

    def count(self) -> int:
        """Number of rows, cheaply (line count, Parquet metadata, Arrow length)."""
        if self.format == "jsonl":
            count = 0
            with open(self.path, "rb") as handle:
                for line in handle:
                    count += bool(line.strip())
            return count
        if self.format == "parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(self.path).metadata.num_rows)
        return len(self._hf_dataset())

    def __iter__(self) -> Iterator[Item]:
        rows = {"jsonl": self._jsonl_rows, "parquet": self._parquet_rows, "hf": self._hf_rows}
        for number, row in rows[self.format]():
            yield row if isinstance(row, RowError) else to_record(row, number, self._prompts)

    def _jsonl_rows(self) -> Iterator[tuple[int, Any]]:
        """(line number, row); rows are numbered by line so messages point into the file."""
        with open(self.path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield number, json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    yield number, RowError(number, f"row {number}: invalid JSON ({exc})")

    def _parquet_rows(self) -> Iterator[tuple[int, Any]]:
        import pyarrow.parquet as pq

        number = 0
        for batch in pq.ParquetFile(self.path).iter_batches(batch_size=PARQUET_BATCH):
            for row in batch.to_pylist():
                number += 1
                yield number, row

    def _hf_dataset(self) -> Any:
        import datasets

        loaded = datasets.load_from_disk(str(self.path))
        if isinstance(loaded, datasets.DatasetDict):
            names = list(loaded.keys())
            split = self.split or ("train" if "train" in names else names[0] if len(names) == 1 else None)
            if split is None or split not in loaded:
                raise InputFormatError(f"{self.path}: pick a split with --split, one of {names}")
            return loaded[split]
        return loaded

    def _hf_rows(self) -> Iterator[tuple[int, Any]]:
        yield from enumerate(self._hf_dataset(), start=1)
