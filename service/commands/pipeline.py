"""``followfix pipeline``: generate -> verify -> correct -> pairs -> train -> eval, each step resumable."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path
from typing import Any

from service.commands.generate import add_generation_args, params_from


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pipeline",
        help="the paper's loop: student answers, verify, correct, pairs, DPO+SFT, eval before/after",
        description="Every step writes under --workdir and is skipped on a rerun once complete.",
    )
    parser.add_argument("--prompts", required=True, type=Path, help="IFEval-style prompts to learn from")
    parser.add_argument("--eval-prompts", type=Path, help="held-out prompts for eval (default: --prompts)")
    parser.add_argument("--eval-limit", type=int)
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--eval-backend", choices=["vllm", "transformers", "auto"], default="auto")
    parser.add_argument(
        "--teacher-model", help="teacher for corrections (default: deterministic repairs only)"
    )
    parser.add_argument("--teacher-base-url", help="OpenAI-compatible base URL of the teacher")
    parser.add_argument("--strategy", choices=["hybrid", "teacher", "rules"], default="hybrid")
    parser.add_argument("--pair-mode", choices=["final", "steps"], default="final")
    parser.add_argument(
        "--train-mode",
        choices=["dpo", "grpo"],
        default="dpo",
        help="dpo: DPO+SFT on corrected pairs (the paper); grpo: GRPO on the prompts, verifier as reward",
    )
    parser.add_argument(
        "--train-args",
        default="",
        help='flags for `followfix train`, quoted: "--config configs/dpo_sft.yaml"',
    )
    parser.add_argument("--restart-from", help="redo this step and every later one")
    add_generation_args(parser, default_backend="auto")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from graph.errors import FollowfixError
    from training.pipeline import Pipeline, PipelineConfig

    if not args.model:
        raise FollowfixError("--model (the student: a local path or hub id) is required")
    teacher = None
    if args.teacher_model:
        from graph.teacher import TeacherConfig

        teacher = TeacherConfig(model=args.teacher_model, base_url=args.teacher_base_url)
    pipeline = Pipeline(
        PipelineConfig(
            prompts=args.prompts,
            model=args.model,
            workdir=args.workdir,
            gguf_file=args.gguf_file,
            eval_prompts=args.eval_prompts,
            limit=args.limit,
            eval_limit=args.eval_limit,
            backend=args.backend,
            base_url=args.base_url,
            eval_backend=args.eval_backend,
            params=params_from(args),
            strategy=args.strategy if teacher else "rules",
            teacher=teacher,
            pair_mode=args.pair_mode,
            train_args=shlex.split(args.train_args),
            batch_size=args.batch_size,
            train_mode=args.train_mode,
        )
    )
    if args.restart_from:
        if args.restart_from not in pipeline.steps:
            raise FollowfixError(f"--restart-from must be one of {', '.join(pipeline.steps)}")
        pipeline.reset_from(args.restart_from)
    console = Console(stderr=True)
    report = pipeline.run(
        lambda step, skipped: console.print(f"{step}: {'done already, skipped' if skipped else 'running'}")
    )
    Console().print_json(json.dumps(report))
    return 0
