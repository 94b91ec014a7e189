"""``followfix generate``: a student model answers instructions in bulk (rows the corrector reads)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

BACKENDS = ["server", "vllm", "transformers", "auto"]


def add_generation_args(parser: argparse.ArgumentParser, *, default_backend: str = "server") -> None:
    """Backend and sampling flags shared by generate, eval and pipeline."""
    parser.add_argument("--model", help="served model name (server) or a local model path / hub id")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=default_backend,
        help="server: a `vllm serve` OpenAI-compatible endpoint; vllm: in-process engine (needs vllm "
        "importable); transformers: CPU fallback; auto: server if --base-url, else vllm, else transformers",
    )
    parser.add_argument(
        "--base-url",
        default=os.environ.get("FOLLOWFIX_VLLM_BASE_URL"),
        help="OpenAI-compatible base URL, e.g. http://localhost:8000/v1 (env FOLLOWFIX_VLLM_BASE_URL)",
    )
    parser.add_argument("--api-key", default=os.environ.get("FOLLOWFIX_VLLM_API_KEY"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--gguf-file",
        help="load --model from this GGUF file (relative to the --model directory, or absolute; "
        "transformers backend, dequantized to float32)",
    )
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight (server backend)")
    parser.add_argument("--batch-size", type=int, default=8, help="prompts per batch (transformers backend)")
    parser.add_argument("--max-tokens", type=int, default=1024)
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--top-p", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, help="only the first N prompts")


def backend_from(args: argparse.Namespace, model: str | None = None) -> Any:
    from training.backends import make_backend

    return make_backend(
        args.backend,
        model or args.model,
        base_url=args.base_url,
        api_key=args.api_key,
        concurrency=args.concurrency,
        batch_size=args.batch_size,
        gguf_file=args.gguf_file,
    )


def params_from(args: argparse.Namespace) -> Any:
    from training.backends import GenParams

    return GenParams(
        max_tokens=args.max_tokens, temperature=args.temperature, top_p=args.top_p, seed=args.seed
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="answer instructions in bulk with a student model (vLLM server, vLLM, or transformers)",
        description="Reads IFEval/IFBench/paper rows or an rlvr export; writes key, prompt, response, "
        "instruction_id_list, kwargs per row. Resumable: keys already in --output are skipped.",
    )
    parser.add_argument("--input", required=True, type=Path, help="prompts (JSONL/JSON)")
    parser.add_argument("--output", "-o", required=True, type=Path, help="JSONL to append answers to")
    add_generation_args(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from training.data import load_prompts
    from training.generate import generate_rows

    prompts = load_prompts(args.input, args.limit)
    backend = backend_from(args)
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"generating ({backend.name})", total=len(prompts))
        written = generate_rows(
            prompts,
            backend,
            args.output,
            params=params_from(args),
            chunk_size=max(args.concurrency, args.batch_size) * 4,
            on_progress=lambda n: progress.advance(task, n),
        )
    console.print(f"{written} new answers -> {args.output} ({len(prompts) - written} already there)")
    return 0
