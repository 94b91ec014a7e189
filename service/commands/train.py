"""``followfix train``: DPO + SFT (or SFT alone) on the store's exports, with TRL's flags and YAML."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    # prefix_chars="+" hands every "--flag" to TRL's parser untouched (argparse would reject them here).
    parser = subparsers.add_parser(
        "train",
        help="train: DPO with the SFT term on pairs (or --mode sft, or --mode grpo with the verifier as "
        "reward), LoRA, TRL flags or --config YAML",
        description="All flags are TRL's (DPOConfig/SFTConfig/GRPOConfig, ModelConfig) plus --mode, "
        "--train_file, --sft_weight, --mix_file, --mix_ratio, --merge_lora, --reward_aggregate, "
        "--reward_scale, --strip_thinking, --family_rewards, --gguf_file. `followfix train --help` lists them.",
        prefix_chars="+",
        add_help=False,
    )
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from training.train import main

    metrics = main(args.argv)
    Console().print_json(json.dumps({k: v for k, v in metrics.items() if isinstance(v, int | float | str)}))
    return 0
