"""Preference pairs from corrections: pure functions, re-checked by the verifier.

A pair exists only when the chosen text passes every constraint (strict) and the rejected text
fails at least one, both re-verified here: the ``status`` field of a result is never trusted.
Mode ``final`` gives (original -> final); mode ``steps`` adds one pair per improving step, the
paper's way (rejected = the text before the step, chosen = the final text).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from graph.constraints import Constraint, build_constraints
from graph.errors import ConstraintError
from graph.result import CorrectionResult

logger = logging.getLogger(__name__)

PairMode = Literal["final", "steps"]
PairKind = Literal["final", "step"]
# Which pairs an export takes by review decision: all, only accepted, or all but rejected ones.
Curation = Literal["all", "accepted", "not_rejected"]


@dataclass(frozen=True, slots=True)
class Pair:
    """One preference pair; ``hash`` identifies (prompt, chosen, rejected) for dedup."""

    prompt: str
    chosen: str
    rejected: str
    constraints: list[dict[str, Any]]
    correction_id: str
    kind: PairKind
    step_index: int | None
    hash: str
    sft_hash: str
    # Word diff rejected -> chosen (graph.worddiff), filled when stored; exports carry it as metadata.
    diff: list[dict[str, str]] | None = None


def canonical_json(value: Any) -> str:
    """One spelling per value, so equal data hashes equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(*parts: Any) -> str:
    """SHA-256 over the JSON list of parts: no separator can make two tuples collide."""
    return hashlib.sha256(canonical_json(list(parts)).encode("utf-8")).hexdigest()


def constraint_specs(result: CorrectionResult) -> list[dict[str, Any]]:
    return [{"id": spec.id, "kwargs": dict(spec.kwargs)} for spec in result.constraints]


def _built(result: CorrectionResult) -> list[Constraint[Any]] | None:
    """The result's constraints, or None when there are none or one is invalid (no pair then)."""
    specs = constraint_specs(result)
    if not specs:
        return None
    try:
        return build_constraints(specs)
    except ConstraintError as exc:
        logger.warning("correction %s: unusable constraints, no pairs: %s", result.id, exc)
        return None


def task_hash(result: CorrectionResult) -> str | None:
    """Identity of the RLVR task (instruction + valid constraints); None when it has no valid constraints."""
    if _built(result) is None:
        return None
    return content_hash(result.instruction, constraint_specs(result))


def build_pairs(result: CorrectionResult, mode: PairMode = "final") -> list[Pair]:
    """All valid, distinct pairs of one correction; the ``final`` pair comes first when it exists."""
    if mode not in ("final", "steps"):
        raise ValueError(f"mode must be 'final' or 'steps', got {mode!r}")
    built = _built(result)
    if built is None:
        return []
    cache: dict[str, int] = {}

    def passed(text: str) -> int:
        if text not in cache:
            cache[text] = sum(1 for constraint in built if constraint.check(text).passed)
        return cache[text]

    total = len(built)
    chosen = result.final
    if passed(chosen) < total:
        return []
    candidates: list[tuple[PairKind, int | None, str]] = [("final", None, result.original)]
    if mode == "steps":
        for step in result.trajectory:
            if step.accepted and passed(step.response_after) > passed(step.response_before):
                candidates.append(("step", step.index, step.response_before))
    specs = constraint_specs(result)
    sft = content_hash(result.instruction, chosen)
    out: list[Pair] = []
    seen: set[str] = set()
    for kind, index, rejected in candidates:
        if rejected == chosen or passed(rejected) == total:
            continue
        digest = content_hash(result.instruction, chosen, rejected)
        if digest in seen:
            continue
        seen.add(digest)
        out.append(Pair(result.instruction, chosen, rejected, specs, result.id, kind, index, digest, sft))
    return out


def dedup(pairs: Sequence[Pair]) -> list[Pair]:
    """First occurrence of each (prompt, chosen, rejected), order kept."""
    seen: set[str] = set()
    out = []
    for pair in pairs:
        if pair.hash not in seen:
            seen.add(pair.hash)
            out.append(pair)
    return out
