"""``followfix correct``: a plain runner that corrects every row of a JSONL file, one at a time.

Rows are like the paper's ``llama2_checked.jsonl`` (prompt, response, instruction_id_list, kwargs;
without ids the constraints are extracted). Output rows are the input row plus ``result`` (the
CorrectionResult). The per-record work is :func:`graph.run.correct_record`, reusable by bulk runners.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "correct",
        help="correct responses until their constraints pass (rules, or a teacher LLM)",
        description="Reads JSONL rows (prompt, response, instruction_id_list, kwargs); writes them back with a result.",
    )
    parser.add_argument("--input", required=True, type=Path, help="JSONL rows to correct")
    parser.add_argument("--output", required=True, type=Path, help="JSONL: each input row plus 'result'")
    parser.add_argument("--strategy", choices=["hybrid", "teacher", "rules"], default="hybrid")
    parser.add_argument(
        "--teacher", metavar="MODEL", help="teacher model name (none: deterministic repairs only)"
    )
    parser.add_argument(
        "--base-url", help="OpenAI-compatible endpoint of the teacher (vLLM, LiteLLM proxy, ...)"
    )
    parser.add_argument("--api-key", help="teacher API key (default: OPENAI_API_KEY or none)")
    parser.add_argument(
        "--client", choices=["openai", "litellm"], default="openai", help="teacher client library"
    )
    parser.add_argument("--max-rounds", type=int, default=3)
    parser.add_argument("--mode", choices=["strict", "loose"], default="strict")
    parser.add_argument("--limit", type=int, help="correct only the first N rows")
    parser.set_defaults(handler=run)


def run_context(args: argparse.Namespace) -> Any:
    from graph.context import RunContext
    from graph.teacher import TeacherConfig

    teacher = None
    if args.teacher:
        teacher = TeacherConfig(
            model=args.teacher, base_url=args.base_url, api_key=args.api_key, client=args.client
        )
    return RunContext(strategy=args.strategy, max_rounds=args.max_rounds, mode=args.mode, teacher=teacher)


async def correct_file(args: argparse.Namespace) -> dict[str, int]:
    """Correct row by row, writing each result as soon as it is known; returns status counts."""
    from graph.run import correct_record
    from graph.teacher import make_teacher
    from service.commands.verify import read_jsonl

    context = run_context(args)
    teacher = make_teacher(context.teacher) if context.teacher is not None else None
    counts: dict[str, int] = {}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for index, (line, row) in enumerate(read_jsonl(args.input)):
            if args.limit is not None and index >= args.limit:
                break
            result = await correct_record(row, context=context, teacher=teacher, line=line)
            counts[result.status] = counts.get(result.status, 0) + 1
            out.write(
                json.dumps({**row, "result": result.model_dump(mode="json")}, ensure_ascii=False) + "\n"
            )
    return counts


def run(args: argparse.Namespace) -> int:
    import asyncio

    from rich.console import Console

    counts = asyncio.run(correct_file(args))
    summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "no rows"
    Console(stderr=True).print(f"corrected {sum(counts.values())} rows -> {args.output} ({summary})")
    return 0
