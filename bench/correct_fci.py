"""Correct the paper's failing rows (FCI llama2_checked.jsonl) and print how many now pass, re-verified.

    python bench/correct_fci.py --strategy rules
    python bench/correct_fci.py --strategy hybrid --teacher MODEL --base-url URL [--client litellm]

The paper's own released corrections pass all constraints on only 35.0% of these rows. Every row
that does not pass is classified: infeasible (the conflicting pair named), a cycle of fixes, or
needing a teacher (the failing constraint named); rows that end by ``max_rounds`` while a fixed
constraint fails again count as oscillating (the engine's cycle detection should leave none).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEFAULT_DATA = (
    Path(os.environ.get("FOLLOWFIX_BENCHMARKS", REPO.parent / "shared" / "benchmarks"))
    / "fci"
    / "llama2_checked.jsonl"
)


def failing_rows(path: Path) -> list[dict[str, Any]]:
    """Rows whose response fails at least one constraint under our (official-equivalent) strict checker."""
    from graph.constraints import verify

    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [
        r
        for r in rows
        if not all(
            v.passed
            for v in verify(r["response"], instruction_id_list=r["instruction_id_list"], kwargs=r["kwargs"])
        )
    ]


async def run(args: argparse.Namespace) -> None:
    from graph.context import RunContext
    from graph.editdistance import normalized_edit_distance
    from graph.errors import PatternBudgetError, TeacherError
    from graph.run import correct_record
    from graph.teacher import TeacherConfig, make_teacher

    rows = failing_rows(args.data)[: args.limit]
    config = (
        TeacherConfig(model=args.teacher, base_url=args.base_url, client=args.client, timeout_s=args.timeout)
        if args.teacher
        else None
    )
    context = RunContext(
        strategy=args.strategy,
        max_rounds=args.max_rounds,
        teacher=config,
        fix_feasible_rest=args.fix_feasible_rest,
    )
    teacher = make_teacher(config) if config else None
    gate = asyncio.Semaphore(args.concurrency)

    async def one(row: dict[str, Any]) -> Any:
        async with gate:
            try:
                return await correct_record(row, context=context, teacher=teacher)
            except TeacherError as exc:  # the row stays uncorrected and counts as failing
                print(f"teacher error, row left as it was: {exc}")
                return None
            except PatternBudgetError as exc:  # a regex over its time budget (a loaded machine)
                print(f"pattern budget exceeded, row left as it was: {exc}")
                return None

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(r) for r in rows))
    elapsed = time.perf_counter() - started
    results = [r for r in outcomes if r is not None]
    teacher_errors = len(outcomes) - len(results)

    statuses = Counter(r.status for r in results)
    passing = sum(all(v.passed for v in r.verdicts_after) for r in results)
    per_type: dict[str, list[int]] = defaultdict(
        lambda: [0, 0, 0]
    )  # instances, failing before, passing after
    failed_before = 0
    for r in results:
        for before, after in zip(r.verdicts_before, r.verdicts_after, strict=True):
            stats = per_type[before.id]
            stats[0] += 1
            stats[1] += not before.passed
            stats[2] += after.passed
            failed_before += not before.passed
    calls = sum(r.usage.calls for r in results)
    row_distance = [normalized_edit_distance(r.original, r.final) for r in results if r.final != r.original]
    step_distance = [s.edit_distance for r in results for s in r.trajectory if s.accepted]

    print(
        f"rows: {len(results)} failing rows of {args.data.name}; strategy {results[0].strategy if results else args.strategy}"
        f"{' (' + results[0].strategy_note + ')' if results and results[0].strategy_note else ''}"
    )
    print(
        f"pass all constraints (strict) after correction: {passing}/{len(outcomes)} = {passing / max(1, len(outcomes)):.1%}"
        f" ({teacher_errors} rows failed on teacher errors and count as failing)"
    )
    print(f"status counts: {dict(sorted(statuses.items()))}")
    print(
        f"teacher calls: {calls} for {failed_before} failed constraints = {calls / max(1, failed_before):.3f} per failed constraint"
    )
    print(
        f"usage: {sum(r.usage.prompt_tokens for r in results)} prompt + {sum(r.usage.completion_tokens for r in results)} completion tokens, {sum(r.usage.attempts for r in results)} attempts"
    )
    if row_distance:
        print(
            f"median normalized edit distance: {statistics.median(row_distance):.4f} per changed row (n={len(row_distance)}), "
            f"{statistics.median(step_distance):.4f} per accepted step (n={len(step_distance)})"
        )
    print(
        f"time: {elapsed:.2f} s total, {1000 * elapsed / max(1, len(results)):.2f} ms per row (concurrency {args.concurrency})"
    )
    report_classes(results, failed_before)
    print(f"\n{'constraint':48} {'n':>5} {'failed':>7} {'pass after':>11} {'fixed':>7}")
    for cid, (n, failed, after) in sorted(per_type.items()):
        fixed = after - (n - failed)
        print(f"{cid:48} {n:5d} {failed:7d} {after / n:11.1%} {fixed / failed if failed else 1:7.1%}")
    if args.output:
        with args.output.open("w", encoding="utf-8") as out:
            for r in results:
                out.write(r.model_dump_json() + "\n")


def oscillated(result: Any) -> bool:
    """Ended by max_rounds while a constraint that an accepted step fixed fails again at the end."""
    if not result.stop_reason.startswith("max_rounds"):
        return False
    fixed = {cid for step in result.trajectory if step.accepted for cid in step.constraint_ids}
    return any(v.id in fixed and not v.passed for v in result.verdicts_after)


def report_classes(results: list[Any], failed_before: int) -> None:
    """Why each row that does not pass does not: infeasible pair, cycle, or the constraint a teacher must fix."""
    feasible = [r for r in results if r.status != "infeasible"]
    passing = sum(all(v.passed for v in r.verdicts_after) for r in results)
    pairs: Counter[str] = Counter()
    teacher: Counter[str] = Counter()
    cycles = rows_needing_teacher = 0
    for r in results:
        if all(v.passed for v in r.verdicts_after):
            continue
        if r.status == "infeasible":
            pairs.update({" vs ".join(sorted(c.ids)) for c in r.conflicts})
            continue
        cycles += bool(r.cycles)
        rows_needing_teacher += 1
        teacher.update({v.id for v in r.verdicts_after if not v.passed})
    print(
        f"\npass all among feasible rows: {passing}/{len(feasible)} = {passing / max(1, len(feasible)):.1%}; "
        f"teacher calls saved (accepted repairs + failures of infeasible sets): "
        f"{sum(r.teacher_calls_saved for r in results)} for {failed_before} failed constraints"
    )
    print(
        f"not passing: {len(results) - passing} = infeasible {len(results) - len(feasible)}"
        f" + needs a teacher {rows_needing_teacher} (of which {cycles} stopped a cycle of fixes)"
    )
    print(
        f"ended by max_rounds: {sum(r.stop_reason.startswith('max_rounds') for r in results)}; "
        f"by oscillation: {sum(oscillated(r) for r in results)}"
    )
    print("infeasible, by pair:")
    for pair, n in pairs.most_common():
        print(f"  {n:5d}  {pair}")
    print("needs a teacher, by failing constraint (a row counts once per constraint):")
    for cid, n in teacher.most_common():
        print(f"  {n:5d}  {cid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--strategy", choices=["hybrid", "teacher", "rules"], default="rules")
    parser.add_argument("--teacher", help="teacher model (none: rules)")
    parser.add_argument("--base-url")
    parser.add_argument("--client", choices=["openai", "litellm", "http"], default="openai")
    parser.add_argument("--max-rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per teacher call")
    parser.add_argument("--output", type=Path, help="write every CorrectionResult as JSONL")
    parser.add_argument(
        "--fix-feasible-rest", action="store_true", help="fix the constraints outside an infeasible pair"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
