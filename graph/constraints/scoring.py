"""IFEval-style scoring of whole rows and the four headline accuracies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.constraints.base import CheckResult, Constraint
from graph.constraints.verify import build_constraints, check_loose, loose_variants


@dataclass(frozen=True, slots=True)
class RowVerdict:
    """Per-constraint verdicts of one response in both modes, with the strict details."""

    instruction_id_list: list[str]
    strict: list[bool]
    loose: list[bool]
    details: list[str]

    @property
    def all_strict(self) -> bool:
        return all(self.strict)

    @property
    def all_loose(self) -> bool:
        return all(self.loose)


def score_row(
    response: str,
    instruction_id_list: Sequence[str],
    kwargs: Sequence[Mapping[str, Any] | None],
    modes: Iterable[str] = ("strict", "loose"),
) -> RowVerdict:
    """Check one response in the requested modes (a mode not asked for is left empty)."""
    wanted = set(modes)
    constraints = build_constraints(instruction_id_list=instruction_id_list, kwargs=kwargs)
    strict_results = [c.check(response) for c in constraints]
    loose: list[bool] = []
    if "loose" in wanted:
        loose = _loose_verdicts(constraints, response, strict_results)
    strict = [r.passed for r in strict_results] if "strict" in wanted else []
    return RowVerdict(list(instruction_id_list), strict, loose, [r.detail for r in strict_results])


def _loose_verdicts(
    constraints: Sequence[Constraint[Any]], response: str, strict_results: Sequence[CheckResult]
) -> list[bool]:
    """Loose verdicts reusing the strict ones; the variants are built only if something failed."""
    if all(r.passed for r in strict_results):
        return [True] * len(strict_results)
    variants = loose_variants(response)[1:]
    return [
        result.passed or check_loose(c, response, variants, result).passed
        for c, result in zip(constraints, strict_results, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Headline:
    """Prompt-level and instruction-level accuracy, strict and loose, in percent."""

    prompt_strict: float
    instruction_strict: float
    prompt_loose: float
    instruction_loose: float
    prompts: int
    instructions: int


def headline(verdicts: Sequence[RowVerdict]) -> Headline:
    def pct(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 2) if whole else 0.0

    prompts = len(verdicts)
    instructions = sum(len(v.instruction_id_list) for v in verdicts)
    return Headline(
        prompt_strict=pct(sum(v.all_strict for v in verdicts if v.strict), prompts),
        instruction_strict=pct(sum(sum(v.strict) for v in verdicts), instructions),
        prompt_loose=pct(sum(v.all_loose for v in verdicts if v.loose), prompts),
        instruction_loose=pct(sum(sum(v.loose) for v in verdicts), instructions),
        prompts=prompts,
        instructions=instructions,
    )


def breakdown(
    verdicts: Sequence[RowVerdict], mode: str, *, by_family: bool = False
) -> dict[str, tuple[float, int]]:
    """Accuracy in percent and count per instruction id (or per family, the part before ':')."""
    passed: dict[str, int] = {}
    total: dict[str, int] = {}
    for verdict in verdicts:
        for constraint_id, ok in zip(verdict.instruction_id_list, getattr(verdict, mode), strict=True):
            name = constraint_id.split(":")[0] if by_family else constraint_id
            total[name] = total.get(name, 0) + 1
            passed[name] = passed.get(name, 0) + int(ok)
    return {name: (round(100.0 * passed[name] / total[name], 2), total[name]) for name in total}
