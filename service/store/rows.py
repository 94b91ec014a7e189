"""Conversion between ``CorrectionResult`` and database rows (pure; no I/O).

Kept apart from the engine code so that the CPU work of a write (row building, pair verification)
can run in a worker thread, off the event loop of the request path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.result import CorrectionResult, Verdict
from graph.worddiff import changed_words, word_diff
from service.store.pairs import Pair, build_pairs, task_hash


@dataclass(frozen=True, slots=True)
class SftExample:
    """One (prompt, chosen) answer; ``sft_hash`` names it as :class:`Pair` does."""

    prompt: str
    chosen: str
    correction_id: str
    sft_hash: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Task:
    """One RLVR prompt with its constraints (``[{"id", "kwargs"}]``)."""

    instruction: str
    constraints: list[dict[str, Any]]
    correction_id: str
    hash: str
    created_at: datetime


@dataclass(slots=True)
class Prepared:
    """The rows one write inserts, each list deduplicated by its unique key."""

    corrections: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    sft_examples: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class StoredCorrection:
    """A correction as read back from the store, with where and when it was recorded."""

    seq: int
    created_at: datetime
    source: str
    result: CorrectionResult


def correction_row(result: CorrectionResult, source: str, created_at: datetime) -> dict[str, Any]:
    usage = result.usage
    diff = word_diff(result.original, result.final)
    return {
        "id": result.id,
        "created_at": created_at,
        "source": source,
        "instruction": result.instruction,
        "constraints": [spec.model_dump(mode="json") for spec in result.constraints],
        "original": result.original,
        "final": result.final,
        "status": result.status,
        "strategy": result.strategy,
        "strategy_note": result.strategy_note,
        "mode": result.mode,
        "rounds": result.rounds,
        "stop_reason": result.stop_reason,
        "trajectory": [step.model_dump(mode="json") for step in result.trajectory],
        "verdicts_before": [v.model_dump(mode="json") for v in result.verdicts_before],
        "verdicts_after": [v.model_dump(mode="json") for v in result.verdicts_after],
        "teacher_model": result.teacher_model,
        "usage": usage.model_dump(mode="json"),
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "cost_usd": usage.cost_usd,
        "elapsed_s": result.elapsed_s,
        "teacher_s": result.teacher_s,
        "task_hash": task_hash(result),
        "diff": diff,
        "edit_words": changed_words(diff),
        "constraint_ids": constraint_ids_text(spec.id for spec in result.constraints),
        "teacher_calls": usage.calls,
        "failed_before": _failed(result.verdicts_before),
        "failed_after": _failed(result.verdicts_after),
        "conflicts": [conflict.model_dump(mode="json") for conflict in result.conflicts],
        "cycles": list(result.cycles),
        "teacher_calls_saved": result.teacher_calls_saved,
    }


def _failed(verdicts: Sequence[Verdict]) -> str | None:
    """The failing ids as ``constraint_ids`` spells them; None when nothing was checked."""
    return constraint_ids_text(v.id for v in verdicts if not v.passed) if verdicts else None


def constraint_ids_text(ids: Iterable[str]) -> str:
    """``" id1 id2 "``: a constraint filter is ``LIKE '% id %'`` (ids never contain spaces)."""
    return " " + " ".join(ids) + " "


def pair_row(pair: Pair, created_at: datetime) -> dict[str, Any]:
    return {
        "hash": pair.hash,
        "correction_id": pair.correction_id,
        "created_at": created_at,
        "kind": pair.kind,
        "step_index": pair.step_index,
        "prompt": pair.prompt,
        "chosen": pair.chosen,
        "rejected": pair.rejected,
        "constraints": pair.constraints,
        "sft_hash": pair.sft_hash,
        "diff": pair.diff if pair.diff is not None else word_diff(pair.rejected, pair.chosen),
    }


def prepare(results: Sequence[CorrectionResult], sources: Sequence[str], created_at: datetime) -> Prepared:
    """All rows for a batch: first of each correction id and of each hash (``final`` pairs win)."""
    out = Prepared([], [], [], [])
    seen_ids: set[str] = set()
    pair_rows: dict[str, dict[str, Any]] = {}
    sft_rows: dict[str, dict[str, Any]] = {}
    task_rows: dict[str, dict[str, Any]] = {}
    for result, source in zip(results, sources, strict=True):
        if result.id in seen_ids:
            continue
        seen_ids.add(result.id)
        row = correction_row(result, source, created_at)
        out.corrections.append(row)
        common = {"correction_id": result.id, "created_at": created_at}
        if row["task_hash"] is not None and row["task_hash"] not in task_rows:
            task_rows[row["task_hash"]] = {
                "hash": row["task_hash"],
                "instruction": result.instruction,
                "constraints": row["constraints"],
                **common,
            }
        for pair in build_pairs(result, "steps"):
            known = pair_rows.get(pair.hash)
            if known is None or (known["kind"] == "step" and pair.kind == "final"):
                pair_rows[pair.hash] = pair_row(pair, created_at)
            if pair.kind == "final" and pair.sft_hash not in sft_rows:
                sft_rows[pair.sft_hash] = {
                    "hash": pair.sft_hash,
                    "prompt": pair.prompt,
                    "chosen": pair.chosen,
                    **common,
                }
    out.pairs, out.sft_examples, out.tasks = (
        list(pair_rows.values()),
        list(sft_rows.values()),
        list(task_rows.values()),
    )
    return out


# Result fields whose columns came with a later migration (nullable, so older rows read as defaults).
LATER_COLUMNS = ("conflicts", "cycles", "teacher_calls_saved")


def result_from_row(row: Mapping[Any, Any]) -> CorrectionResult:
    """The stored columns of a correction back as its result (one column per result field)."""
    values = {name: row[name] for name in CorrectionResult.model_fields}
    for name in LATER_COLUMNS:  # null on rows stored before their migration: the field's default
        if values[name] is None:
            del values[name]
    return CorrectionResult.model_validate(values)


def stored_from_row(row: Mapping[Any, Any]) -> StoredCorrection:
    return StoredCorrection(row["seq"], row["created_at"], row["source"], result_from_row(row))


def pair_from_row(row: Mapping[Any, Any]) -> Pair:
    """A stored pair; a reviewed replacement of the chosen text (already verified) wins."""
    edited = row.get("chosen_edited")
    return Pair(
        prompt=row["prompt"],
        chosen=edited if edited is not None else row["chosen"],
        rejected=row["rejected"],
        constraints=row["constraints"],
        correction_id=row["correction_id"],
        kind=row["kind"],
        step_index=row["step_index"],
        hash=row["hash"],
        sft_hash=row["sft_hash"],
        diff=row.get("diff"),
    )


def sft_from_row(row: Mapping[Any, Any]) -> SftExample:
    return SftExample(row["prompt"], row["chosen"], row["correction_id"], row["hash"], row["created_at"])


def task_from_row(row: Mapping[Any, Any]) -> Task:
    return Task(row["instruction"], row["constraints"], row["correction_id"], row["hash"], row["created_at"])
