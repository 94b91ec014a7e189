"""Export row shapes (pure): TRL preference rows, SFT messages, RLVR prompts with ground truth,
and the RL frameworks' own files (``open-instruct`` rows, ``verl`` Parquet rows).

``trl``: TRL's conversational preference format with an explicit prompt; DPOTrainer tokenizes
``prompt``/``chosen``/``rejected`` and drops the other columns (``id``, ``correction_id``) itself
(``remove_unused_columns``), so the file loads into ``DPOTrainer`` unchanged.
``sft``: ``messages`` for SFTTrainer. ``rlvr``: a prompt and the constraints as
``ground_truth = {"instruction_id_list", "kwargs"}`` (IFEval's layout), consumed by
:class:`graph.reward.trl.VerifierReward` as a GRPOTrainer reward. ``open-instruct`` and ``verl``:
see :mod:`graph.data.rl_rows`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, Protocol

from graph.data.pairs import Pair
from graph.data.rl_rows import open_instruct_row, verl_row
from graph.worddiff import word_diff

if TYPE_CHECKING:
    import pyarrow as pa

ExportFormat = Literal["trl", "sft", "rlvr", "open-instruct", "verl"]
FORMATS: tuple[ExportFormat, ...] = ("trl", "sft", "rlvr", "open-instruct", "verl")
TASK_FORMATS: tuple[ExportFormat, ...] = ("rlvr", "open-instruct", "verl")  # rows from RLVR tasks


class SftLike(Protocol):
    """An SFT answer as the store reads it back (``service.store.rows.SftExample``) or a pair."""

    @property
    def prompt(self) -> str: ...
    @property
    def chosen(self) -> str: ...
    @property
    def correction_id(self) -> str: ...
    @property
    def sft_hash(self) -> str: ...


class TaskLike(Protocol):
    """An RLVR task (``service.store.rows.Task``): an instruction and its constraint specs."""

    @property
    def instruction(self) -> str: ...
    @property
    def constraints(self) -> list[dict[str, Any]]: ...
    @property
    def correction_id(self) -> str: ...
    @property
    def hash(self) -> str: ...


def parquet_schema(fmt: ExportFormat) -> pa.Schema:
    """The Parquet schema of one format. RLVR kwargs differ per constraint and Parquet needs one
    schema per file, so there ``ground_truth`` is the same object as a JSON string (the reward
    function accepts both spellings)."""
    import pyarrow as pa  # heavy: only Parquet exports need it

    messages = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
    meta = [("id", pa.string()), ("correction_id", pa.string())]
    diff = pa.struct([("diff", pa.list_(pa.struct([("op", pa.string()), ("text", pa.string())])))])
    reward_model = pa.struct([("style", pa.string()), ("ground_truth", pa.string())])
    extra_info = pa.struct([("index", pa.int64()), ("split", pa.string()), ("key", pa.string())])
    fields = {
        "trl": [("prompt", messages), ("chosen", messages), ("rejected", messages), ("metadata", diff)],
        "sft": [("messages", messages)],
        "rlvr": [("prompt", messages), ("ground_truth", pa.string())],
        "open-instruct": [("messages", messages), ("ground_truth", pa.string()), ("dataset", pa.string())],
        "verl": [
            ("data_source", pa.string()),
            ("prompt", messages),
            ("ability", pa.string()),
            ("reward_model", reward_model),
            ("extra_info", extra_info),
        ],
    }[fmt]
    return pa.schema(fields + meta)


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def _assistant(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def trl_row(pair: Pair) -> dict[str, Any]:
    return {
        "prompt": [_user(pair.prompt)],
        "chosen": [_assistant(pair.chosen)],
        "rejected": [_assistant(pair.rejected)],
        "id": pair.hash,
        "correction_id": pair.correction_id,
        "metadata": {"diff": pair.diff if pair.diff is not None else word_diff(pair.rejected, pair.chosen)},
    }


def sft_row(pair: SftLike) -> dict[str, Any]:
    return {
        "messages": [_user(pair.prompt), _assistant(pair.chosen)],
        "id": pair.sft_hash,
        "correction_id": pair.correction_id,
    }


def rlvr_row(task: TaskLike) -> dict[str, Any]:
    return {
        "prompt": [_user(task.instruction)],
        "ground_truth": {
            "instruction_id_list": [spec["id"] for spec in task.constraints],
            "kwargs": [spec.get("kwargs") or {} for spec in task.constraints],
        },
        "id": task.hash,
        "correction_id": task.correction_id,
    }


def open_instruct_task_row(task: TaskLike) -> dict[str, Any]:
    """An open-instruct row (check :func:`graph.data.rl_rows.unsupported_by_open_instruct` first)."""
    return {
        **open_instruct_row(task.instruction, task.constraints),
        "id": task.hash,
        "correction_id": task.correction_id,
    }


def verl_task_row(task: TaskLike, index: int) -> dict[str, Any]:
    row = verl_row(task.instruction, task.constraints, index=index, key=task.hash)
    return {**row, "id": task.hash, "correction_id": task.correction_id}


def for_parquet(fmt: ExportFormat, row: dict[str, Any]) -> dict[str, Any]:
    """The row as the Parquet schema holds it (only RLVR's ground truth changes spelling)."""
    if fmt == "rlvr":
        return {**row, "ground_truth": json.dumps(row["ground_truth"], ensure_ascii=False)}
    return row
