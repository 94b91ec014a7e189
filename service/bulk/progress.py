"""The CLI's view of a bulk run: a rich progress bar while it runs, a summary table at the end."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from service.bulk.dryrun import DryRunReport
from service.bulk.stats import RunStats

REFRESH_S = 0.25


def _spend(stats: RunStats) -> str:
    cost = stats.usage.cost_usd
    money = f"${cost:.4f}" if cost is not None else "n/a"
    tokens = stats.usage.prompt_tokens + stats.usage.completion_tokens
    return f"{stats.usage.calls} calls, {tokens} tok, {money}"


def _eta(stats: RunStats, rate: float) -> str:
    if stats.total is None or rate <= 0:
        return "--:--"
    left = max(0, stats.total - finished(stats))
    seconds = int(left / rate)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def finished(stats: RunStats) -> int:
    """Rows the bar counts as handled, skipped ones included."""
    return (
        stats.skipped + stats.processed + stats.errors + stats.retryable + stats.bad_rows + stats.duplicates
    )


class RichReporter:
    """Progress bar with rate, ETA, pass/fail counts and teacher spend (the runner's Reporter)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]correcting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} rec/s  ETA {task.fields[eta]}"),
            TextColumn("[green]pass {task.fields[passed]}[/] [red]fail {task.fields[failed]}[/]"),
            TextColumn("[yellow]err {task.fields[errors]}[/]  {task.fields[spend]}"),
            console=self.console,
            refresh_per_second=4,
        )
        self.task: TaskID | None = None
        self._last = 0.0

    def start(self, stats: RunStats) -> None:
        self.progress.start()
        self.task = self.progress.add_task("bulk", total=stats.total, **self._fields(stats))

    def _fields(self, stats: RunStats) -> dict[str, Any]:
        elapsed = max(time.monotonic() - stats.started, 1e-9)
        done_here = stats.processed + stats.errors + stats.retryable
        rate = done_here / elapsed
        return {
            "rate": f"{rate:.1f}",
            "eta": _eta(stats, rate),
            "passed": stats.passed,
            "failed": stats.not_passed,
            "errors": stats.errors + stats.retryable + stats.bad_rows,
            "spend": _spend(stats),
        }

    def update(self, stats: RunStats) -> None:
        now = time.monotonic()
        if self.task is None or now - self._last < REFRESH_S:
            return
        self._last = now
        self.progress.update(self.task, completed=finished(stats), **self._fields(stats))

    def finish(self, stats: RunStats) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=finished(stats), **self._fields(stats))
        self.progress.stop()


def summary_table(stats: RunStats, output: str) -> Table:
    """The final table: what happened to every row, and what the teacher cost."""
    table = Table(title=f"bulk correction -> {output}")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    for status in ("unchanged", "corrected", "partial", "failed", "infeasible"):
        table.add_row(status, str(stats.statuses[status]))
    table.add_row("errors (bad constraints)", str(stats.errors))
    table.add_row("errors (will retry on rerun)", str(stats.retryable))
    table.add_row("malformed input rows", str(stats.bad_rows))
    table.add_row("duplicate rows (same id)", str(stats.duplicates))
    table.add_row("already done (skipped)", str(stats.skipped))
    table.add_section()
    table.add_row("teacher calls / attempts", f"{stats.usage.calls} / {stats.usage.attempts}")
    tokens = f"{stats.usage.prompt_tokens} + {stats.usage.completion_tokens}"
    table.add_row("tokens (prompt + completion)", tokens)
    cost = stats.usage.cost_usd
    table.add_row("teacher cost", f"${cost:.4f}" if cost is not None else "n/a")
    rate = stats.processed / stats.elapsed_s if stats.elapsed_s > 0 else 0.0
    table.add_row("elapsed", f"{stats.elapsed_s:.1f} s ({rate:.1f} rec/s)")
    return table


def dry_run_table(report: DryRunReport) -> Table:
    """Per-constraint failure counts and the estimated teacher calls of a real run."""
    table = Table(title="dry run (verify only)")
    table.add_column("constraint")
    table.add_column("checked", justify="right")
    table.add_column("failed", justify="right")
    table.add_column("rule-repairable", justify="right")
    for cid in sorted(report.checked, key=lambda c: (-report.failed[c], c)):
        table.add_row(cid, str(report.checked[cid]), str(report.failed[cid]), str(report.repairable[cid]))
    table.add_section()
    table.add_row("rows", str(report.rows), "", "")
    table.add_row("rows failing", "", str(report.failing), str(report.rule_fixable_rows))
    table.add_row("rows without constraints", str(report.no_constraints), "", "")
    table.add_row("rows with invalid constraints", str(report.invalid), "", "")
    table.add_row("malformed rows", str(report.bad_rows), "", "")
    table.add_row("estimated teacher calls (at least)", str(report.estimated_calls), "", "")
    return table
