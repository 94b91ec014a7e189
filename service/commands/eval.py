"""``followfix eval``: answer IFEval/IFBench prompts with a model and print the four headline metrics."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from service.commands.generate import add_generation_args, backend_from, params_from

BENCHMARK_FILES = {"ifeval": "ifeval/input_data.jsonl", "ifbench": "ifbench/IFBench_test.jsonl"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score a model (or a responses file) on IFEval/IFBench with our verifier",
        description="Generates answers (resumable, kept in --answers) unless --responses is given, then "
        "prints prompt/instruction-level accuracy, strict and loose.",
    )
    parser.add_argument(
        "--benchmark",
        default="ifeval",
        help="ifeval, ifbench (from --benchmarks-dir) or a path to a prompts file",
    )
    parser.add_argument(
        "--benchmarks-dir",
        type=Path,
        default=Path(os.environ.get("FOLLOWFIX_BENCHMARKS", "../shared/benchmarks")),
    )
    parser.add_argument("--responses", type=Path, help="score these answers (key or prompt + response)")
    parser.add_argument("--answers", type=Path, help="where generated answers go (default: beside --report)")
    parser.add_argument("--report", type=Path, help="write the metrics as JSON")
    parser.add_argument("--skip-unsupported", action="store_true", help="score only prompts we can check")
    parser.add_argument(
        "--missing-fails",
        action="store_true",
        help="a prompt without an answer in --responses fails all its constraints (IFBench's rule) "
        "instead of being an error",
    )
    add_generation_args(parser, default_backend="auto")
    parser.set_defaults(handler=run)


def benchmark_path(args: argparse.Namespace) -> Path:
    if args.benchmark in BENCHMARK_FILES:
        return Path(args.benchmarks_dir) / BENCHMARK_FILES[args.benchmark]
    return Path(args.benchmark)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from graph.errors import FollowfixError
    from training.data import load_prompts, read_records
    from training.evaluate import join_responses, score_rows, write_report
    from training.generate import generate_rows

    prompts = load_prompts(benchmark_path(args), args.limit)
    if args.responses:
        rows = join_responses(prompts, args.responses, missing_fails=args.missing_fails)
        source = str(args.responses)
    else:
        if not args.model:
            raise FollowfixError("--model is required unless --responses is given")
        answers = args.answers or (args.report.with_suffix(".answers.jsonl") if args.report else None)
        if answers is None:
            raise FollowfixError("--answers (or --report) is required to keep generated answers")
        generate_rows(prompts, backend_from(args), answers, params=params_from(args))
        keys = {p.key for p in prompts}
        rows = [row for _, row in read_records(answers) if str(row.get("key")) in keys]
        source = args.model
    report = score_rows(rows, skip_unsupported=args.skip_unsupported)
    table = Table(
        title=f"{args.benchmark}: {source} ({report.prompts} prompts, {report.instructions} instructions)"
    )
    for name in (
        "prompt-level strict",
        "instruction-level strict",
        "prompt-level loose",
        "instruction-level loose",
    ):
        table.add_column(name, justify="right")
    table.add_row(
        *(
            f"{v:.2f}"
            for v in (
                report.prompt_strict,
                report.instruction_strict,
                report.prompt_loose,
                report.instruction_loose,
            )
        )
    )
    Console().print(table)
    if report.unsupported:
        Console(stderr=True).print(
            f"[yellow]{len(report.unsupported)} prompts not scored (unsupported constraints)"
        )
    if args.report:
        write_report(report, args.report, {"benchmark": args.benchmark, "model": source})
    return 0
