"""``followfix export``: write the store's training data (trl, sft or rlvr) to JSONL or Parquet."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import InputFormatError

DEFAULT_STORE = "sqlite+aiosqlite:///var/followfix.db"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export pairs (trl), SFT messages (sft) or RLVR prompts (rlvr, open-instruct, verl) from the store",
        description="Rows are deduplicated and streamed; the file appears only once complete.",
    )
    parser.add_argument(
        "--format",
        required=True,
        choices=["trl", "sft", "rlvr", "open-instruct", "verl"],
        help="open-instruct: its IFEval rows (JSONL); verl: its RL Parquet rows (reward_model.ground_truth)",
    )
    parser.add_argument("--output", required=True, type=Path, help="FILE.jsonl or FILE.parquet")
    parser.add_argument(
        "--prompts",
        type=Path,
        help="open-instruct / verl: rows from this prompt file (IFEval/IFBench/paper rows) instead of the store",
    )
    parser.add_argument("--since", help="ISO 8601 time: rows recorded at or after it (naive = UTC)")
    parser.add_argument("--until", help="ISO 8601 time: rows recorded before it (naive = UTC)")
    parser.add_argument("--mode", choices=["final", "steps"], default="final", help="trl: pairs per step too")
    parser.add_argument(
        "--curation",
        choices=["all", "accepted", "not_rejected"],
        default="all",
        help="trl: only reviewer-accepted pairs, or all but rejected ones",
    )
    parser.add_argument(
        "--store",
        default=os.environ.get("FOLLOWFIX_STORE_URL", DEFAULT_STORE),
        help="store URL (default: $FOLLOWFIX_STORE_URL or %(default)s)",
    )
    parser.set_defaults(handler=run)


def parse_time(value: str | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputFormatError(f"--{field}: not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    if args.prompts is not None:
        return _from_prompts(args)
    since = parse_time(args.since, "since")
    until = parse_time(args.until, "until")
    count = asyncio.run(_export(args, since, until))
    print(f"wrote {count} {args.format} rows to {args.output}", file=sys.stderr)
    return 0


async def _export(args: argparse.Namespace, since: datetime | None, until: datetime | None) -> int:
    from service.store import Store  # heavy imports stay out of CLI start-up
    from service.store.export import export

    store = await Store.open(args.store)
    try:
        return await export(
            store, args.format, since, args.output, until=until, mode=args.mode, curation=args.curation
        )
    finally:
        await store.close()


def _from_prompts(args: argparse.Namespace) -> int:
    from training.rl_export import export_prompts

    if args.format not in ("open-instruct", "verl"):
        raise InputFormatError("--prompts works with --format open-instruct or verl")
    report = export_prompts(args.prompts, args.format, args.output)
    for key, ids in report.flagged.items():
        print(f"left out row {key}: open-instruct lacks {', '.join(ids)}", file=sys.stderr)
    print(f"wrote {report.written} {args.format} rows to {args.output}", file=sys.stderr)
    return 0
