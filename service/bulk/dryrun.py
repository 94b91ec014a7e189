"""``--dry-run``: verify only, so a user sees what a run would cost before paying for it.

Counts failing rows and failures per constraint (rows without specs get them from the rule
extractor), and estimates teacher calls: a failed constraint whose mechanical repair the checker
accepts costs none under ``hybrid`` (and is the only kind of fix under ``rules``); every other
failed constraint costs at least one call. The estimate is a lower bound: a fix can break another
constraint and cost another round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.constraints import build_constraints, check_loose
from graph.errors import ConstraintError
from graph.extract import extract_rules
from service.bulk.records import BulkRecord, RowError


@dataclass
class DryRunReport:
    """What a run over these rows would face."""

    rows: int = 0
    passing: int = 0
    failing: int = 0
    invalid: int = 0
    bad_rows: int = 0
    no_constraints: int = 0
    checked: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    repairable: Counter[str] = field(default_factory=Counter)
    estimated_calls: int = 0
    rule_fixable_rows: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "passing": self.passing,
            "failing": self.failing,
            "invalid": self.invalid,
            "bad_rows": self.bad_rows,
            "no_constraints": self.no_constraints,
            "estimated_teacher_calls": self.estimated_calls,
            "rule_fixable_rows": self.rule_fixable_rows,
            "per_constraint": {
                cid: {
                    "checked": self.checked[cid],
                    "failed": self.failed[cid],
                    "repairable": self.repairable[cid],
                }
                for cid in sorted(self.checked)
            },
        }


def extract_specs(instruction: str) -> list[dict[str, Any]]:
    """Rule-based extraction, free and deterministic (the LLM extractor is for real runs)."""
    return [{"id": c.id, "kwargs": dict(c.kwargs)} for c in extract_rules(instruction)]


def dry_run(
    items: Iterable[BulkRecord | RowError], *, mode: str = "strict", strategy: str = "hybrid"
) -> DryRunReport:
    """Verify every record; nothing is written, no teacher is called."""
    report = DryRunReport()
    for item in items:
        if isinstance(item, RowError):
            report.bad_rows += 1
            continue
        report.rows += 1
        _check(item, report, mode, strategy)
    return report


def _check(record: BulkRecord, report: DryRunReport, mode: str, strategy: str) -> None:
    specs = record.constraints if record.constraints is not None else extract_specs(record.instruction)
    if not specs:
        report.no_constraints += 1
        return
    try:
        built = build_constraints(specs)
    except ConstraintError as exc:
        report.invalid += 1
        report.errors[type(exc).__name__] += 1
        return
    unrepairable = 0
    failed = 0
    for constraint in built:
        report.checked[constraint.id] += 1
        response = record.response
        verdict = check_loose(constraint, response) if mode == "loose" else constraint.check(response)
        if verdict.passed:
            continue
        failed += 1
        report.failed[constraint.id] += 1
        if constraint.repair(record.response) is not None:
            report.repairable[constraint.id] += 1
        else:
            unrepairable += 1
    if not failed:
        report.passing += 1
        return
    report.failing += 1
    if unrepairable == 0:
        report.rule_fixable_rows += 1
    if strategy == "teacher":
        report.estimated_calls += failed
    elif strategy == "hybrid":
        report.estimated_calls += unrepairable
