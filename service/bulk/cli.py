"""The bulk runner behind ``followfix correct``: flags, engine choice, progress and summary.

Kept apart from ``service.commands.correct`` so the command module stays a thin parser; heavy
imports (the engine, the store, Ray) happen only when a run starts.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from graph.errors import InputFormatError

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every flag of the bulk runner (the sequential runner's flags are kept as they were)."""
    parser.add_argument("--input", required=True, type=Path, help="JSONL, Parquet, or a datasets directory")
    parser.add_argument("-o", "--output", type=Path, help="results JSONL; appended to, and the resume state")
    parser.add_argument("--prompts", type=Path, help="IFEval/IFBench prompts file; responses match by prompt")
    parser.add_argument("--format", choices=["auto", "jsonl", "parquet", "hf"], default="auto")
    parser.add_argument("--split", help="split of a DatasetDict (default: train, or the only one)")
    strategies = ["hybrid", "teacher", "rules"]
    parser.add_argument("--strategy", choices=strategies, help="default: hybrid with a teacher, else rules")
    parser.add_argument("--teacher", metavar="MODEL", help="teacher model (none: deterministic repairs only)")
    parser.add_argument(
        "--base-url", help="OpenAI-compatible endpoint of the teacher (vLLM, LiteLLM proxy, ...)"
    )
    parser.add_argument(
        "--api-key", help="teacher API key (default: FOLLOWFIX_TEACHER_API_KEY, OPENAI_API_KEY)"
    )
    parser.add_argument(
        "--client",
        choices=["http", "openai", "litellm"],
        default="http",
        help="teacher client: http (bare aiohttp, least CPU per call; OpenAI-compatible endpoints), "
        "openai (langchain-openai) or litellm (any LiteLLM provider)",
    )
    parser.add_argument("--max-rounds", type=int, default=3)
    parser.add_argument("--mode", choices=["strict", "loose"], default="strict")
    parser.add_argument("-c", "--concurrency", type=int, default=16, help="records in flight at once")
    parser.add_argument("--limit", type=int, help="only the first N rows (after --shuffle)")
    parser.add_argument("--shuffle", action="store_true", help="seeded random order (holds input in memory)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true", help="verify only; count failures and calls")
    parser.add_argument("--store", help="store URL (default: FOLLOWFIX_STORE_URL or var/followfix.db)")
    parser.add_argument("--no-store", action="store_true", help="write the output file only")
    parser.add_argument("--engine", choices=["local", "ray"], default="local")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="local engine: worker processes sharing --concurrency (1: in this process); "
        "use about one per CPU core when a run is CPU-bound",
    )
    parser.add_argument("--ray-address", help="join this Ray cluster (host:port or auto); default: start one")
    parser.add_argument("--ray-actors", type=int, help="worker actors (default: one per CPU of the cluster)")
    parser.add_argument("--rps", type=float, help="teacher requests per second, across all workers")
    parser.add_argument("--tpm", type=float, help="teacher tokens per minute, across all workers")
    parser.add_argument("--run-id", help="scopes store ids (default: the output path); reuse it to resume")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from service.bulk.progress import dry_run_table
    from service.bulk.readers import InputSource
    from service.bulk.runner import select

    source = InputSource(args.input, fmt=args.format, prompts=args.prompts, split=args.split)
    items = select(source, limit=args.limit, shuffle=args.shuffle, seed=args.seed)
    if args.dry_run:
        from rich.console import Console

        from service.bulk.dryrun import dry_run

        config = work_config(args, namespace="dry-run")
        report = dry_run(items, mode=args.mode, strategy=config.effective_strategy)
        Console().print(dry_run_table(report))
        if args.output:
            args.output.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
        return 0
    if args.output is None:
        raise InputFormatError("--output is required (it is also what a rerun resumes from)")
    if args.workers < 1:
        raise InputFormatError(f"--workers must be at least 1, got {args.workers}")
    total = source.count()
    if args.limit is not None:
        total = min(total, args.limit)
    from service.bulk.loop import run as run_loop

    return run_loop(_run(args, items, total))


def work_config(args: argparse.Namespace, namespace: str) -> Any:
    from service.bulk.ratelimit import RateLimit
    from service.bulk.work import WorkConfig
    from service.settings import Settings

    settings = Settings()
    model = args.teacher or settings.teacher_model
    teacher = None
    if model:
        from graph.teacher import TeacherConfig

        key = args.api_key or (
            settings.teacher_api_key.get_secret_value() if settings.teacher_api_key else None
        )
        teacher = TeacherConfig(
            model=model,
            base_url=args.base_url or settings.teacher_base_url,
            api_key=key,
            client=args.client,
            timeout_s=settings.teacher_timeout_s,
            max_retries=settings.teacher_max_retries,
        )
    return WorkConfig(
        namespace=namespace,
        strategy=args.strategy,
        max_rounds=args.max_rounds,
        mode=args.mode,
        teacher=teacher,
        rate_limit=RateLimit(requests_per_s=args.rps, tokens_per_min=args.tpm),
    )


async def _run(args: argparse.Namespace, items: Any, total: int) -> int:
    from rich.console import Console

    from service.bulk.engines import Close, open_engine
    from service.bulk.progress import RichReporter, summary_table
    from service.bulk.runner import BulkRun, NullReporter, errors_path

    output: Path = args.output
    config = work_config(args, namespace=args.run_id or str(output.resolve()))
    store = None if args.no_store else await _open_store(args)
    close: Close | None = None
    try:
        process, close = await open_engine(
            config,
            engine=args.engine,
            workers=args.workers,
            concurrency=args.concurrency,
            ray_address=args.ray_address,
            ray_actors=args.ray_actors,
        )
        reporter = NullReporter() if args.no_progress else RichReporter()
        run = BulkRun(
            process,
            output,
            store=store,
            source=f"bulk:{output.name}",
            concurrency=args.concurrency,
            reporter=reporter,
        )
        stats = await run.run(items, total)
    finally:
        if close is not None:
            await close()
        if store is not None:
            await store.close()
    console = Console(stderr=True)
    console.print(summary_table(stats, str(output)))
    for message in run.messages:
        console.print(f"[red]error[/] {message}", markup=True, highlight=False)
    if stats.bad_rows or stats.errors:
        console.print(f"details of every error: {errors_path(output)}")
        return 2
    if stats.retryable:
        logger.warning("%d records hit transient errors: rerun the command to finish them", stats.retryable)
        return 1
    return 0


async def _open_store(args: argparse.Namespace) -> Any:
    from service.settings import Settings
    from service.store.db import Store

    return await Store.open(args.store or Settings().store_url)
