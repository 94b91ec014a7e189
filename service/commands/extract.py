"""``followfix extract``: find the constraints in instruction text (rules, LLM or both).

Reads JSONL rows with ``prompt`` or ``instruction``; writes them back with ``instruction_id_list``,
``kwargs``, ``spans`` and ``sources``. Rows that already carry true ids/kwargs are scored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from graph.errors import InputFormatError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="extract verifiable constraints from instruction text",
        description="Rows need `prompt` or `instruction`; true instruction_id_list/kwargs, if present, are scored.",
    )
    parser.add_argument("--input", required=True, type=Path, help="JSONL rows with prompt or instruction")
    parser.add_argument("--output", type=Path, help="write the rows with extracted constraints (JSONL)")
    parser.add_argument("--extractor", choices=["rules", "llm", "hybrid"], default="rules")
    parser.add_argument("--teacher", help="teacher model for llm/hybrid (e.g. gpt-4o-mini)")
    parser.add_argument("--base-url", help="OpenAI-compatible endpoint of the teacher")
    parser.add_argument("--api-key", help="API key for the teacher endpoint (default: none / environment)")
    parser.add_argument("--client", choices=["openai", "litellm", "http"], default="openai")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from graph.extract import aextract
    from graph.extract.scoring import Score
    from service.jsonl import iter_jsonl

    teacher = _teacher(args)
    console = Console(stderr=True)
    score = Score()
    scored = 0
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        for number, row in iter_jsonl(args.input):
            text = row.get("prompt", row.get("instruction"))
            if not isinstance(text, str):
                raise InputFormatError(f"{args.input}:{number}: needs a string `prompt` or `instruction`")
            found = await aextract(text, extractor=args.extractor, teacher=teacher)
            result = {
                **row,
                "instruction_id_list": [c.id for c in found],
                "kwargs": [c.kwargs for c in found],
                "spans": [list(c.span) for c in found],
                "sources": [c.source for c in found],
            }
            if isinstance(row.get("instruction_id_list"), list) and isinstance(row.get("kwargs"), list):
                score.add(
                    list(zip(row["instruction_id_list"], row["kwargs"], strict=False)),
                    [(c.id, c.kwargs) for c in found],
                )
                scored += 1
                result["true_instruction_id_list"], result["true_kwargs"] = (
                    row["instruction_id_list"],
                    row["kwargs"],
                )
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    finally:
        if args.output:
            out.close()
    if scored:
        table = Table(title=f"extraction vs. truth ({scored} rows, extractor={args.extractor})")
        for column in ("precision", "recall", "F1", "kwargs exact"):
            table.add_column(column, justify="right")
        table.add_row(
            f"{score.precision:.4f}", f"{score.recall:.4f}", f"{score.f1:.4f}", f"{score.exact_share:.4f}"
        )
        console.print(table)
    return 0


def _teacher(args: argparse.Namespace) -> Any:
    if args.extractor == "rules":
        return None
    from graph.errors import ExtractionError
    from graph.teacher import TeacherConfig, make_teacher

    if not args.teacher:
        raise ExtractionError(
            f"--extractor {args.extractor} needs --teacher MODEL (and --base-url for a local server)"
        )
    config = TeacherConfig(
        model=args.teacher, base_url=args.base_url, api_key=args.api_key, client=args.client
    )
    return make_teacher(config)
