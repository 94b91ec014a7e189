"""Counts of a bulk run, for the progress bar, the summary table and the jobs API."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.result import Usage
from service.bulk.outcome import Outcome
from service.bulk.resume import Earlier


@dataclass
class RunStats:
    """Counts for the progress bar, the summary table and the jobs API."""

    total: int | None = None
    skipped: int = 0
    processed: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    retryable: int = 0
    bad_rows: int = 0
    duplicates: int = 0
    usage: Usage = field(default_factory=Usage)
    # Records finished by earlier segments of this run, already counted in processed/statuses/usage.
    resumed: int = 0
    started: float = field(default_factory=time.monotonic)
    elapsed_s: float = 0.0

    @property
    def passed(self) -> int:
        """Records that now pass every constraint."""
        return self.statuses["unchanged"] + self.statuses["corrected"]

    @property
    def not_passed(self) -> int:
        return self.statuses["partial"] + self.statuses["failed"] + self.statuses["infeasible"]

    def add(self, outcome: Outcome) -> None:
        if outcome.result is not None:
            self.processed += 1
            self.statuses[outcome.result.status] += 1
            self.usage = self.usage.add(outcome.result.usage)
        elif outcome.retryable:
            self.retryable += 1
        else:
            self.errors += 1

    @property
    def done(self) -> int:
        """Rows handled so far, each once: earlier segments' records are in ``processed`` and again
        in this segment's ``skipped``."""
        handled = self.processed + self.errors + self.retryable + self.bad_rows + self.duplicates
        return handled + max(0, self.skipped - self.resumed)

    def carry(self, earlier: Earlier) -> None:
        """Start from what earlier segments finished (read back from the output file)."""
        self.resumed = earlier.records
        self.processed += earlier.records
        self.statuses.update(earlier.statuses)
        self.usage = self.usage.add(earlier.usage)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "done": self.done,
            "resumed": self.resumed,
            "skipped": self.skipped,
            "processed": self.processed,
            "passed": self.passed,
            "not_passed": self.not_passed,
            "infeasible": self.statuses["infeasible"],
            "statuses": dict(self.statuses),
            "errors": self.errors,
            "retryable": self.retryable,
            "bad_rows": self.bad_rows,
            "duplicates": self.duplicates,
            "usage": self.usage.model_dump(),
            "elapsed_s": round(self.elapsed_s, 3),
        }
