"""Arguments of ``followfix train``, parsed the way TRL's scripts parse theirs.

Flags are the field names of our :class:`TrainArguments` plus TRL's ``DPOConfig`` (or
``SFTConfig`` with ``--mode sft``) and ``ModelConfig``; ``--config file.yaml`` sets defaults that
flags override (TRL's ``TrlParser``). Keys of a shared YAML config that belong to the other mode
(``beta`` in an SFT run) are ignored with a warning, so one file can drive both modes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.errors import FollowfixError

log = logging.getLogger(__name__)

MODES = ("dpo", "sft", "grpo")


@dataclass
class TrainArguments:
    """What to train on and how the SFT term and general data are weighed (beyond TRL's own knobs)."""

    mode: str = field(
        default="dpo",
        metadata={"help": "dpo (DPO + SFT term, on the trl export), sft, or grpo (verifier as reward)"},
    )
    train_file: str | None = field(
        default=None,
        metadata={"help": "trl export (dpo), sft export (sft), rlvr export or IFEval-style prompts (grpo)"},
    )
    eval_file: str | None = field(default=None, metadata={"help": "held-out rows in the same format"})
    sft_weight: float = field(
        default=1.0, metadata={"help": "weight of the SFT term on the chosen answer (0 = plain DPO)"}
    )
    mix_file: str | None = field(
        default=None,
        metadata={"help": "general chat data (messages or ShareGPT) mixed in against forgetting"},
    )
    mix_ratio: float = field(default=0.0, metadata={"help": "general rows per training row (e.g. 0.5)"})
    reward_aggregate: str = field(
        default="fraction",
        metadata={"help": "grpo: fraction (mean of checks), all (1 only if all pass) or sum"},
    )
    reward_scale: float = field(
        default=1.0, metadata={"help": "grpo: multiply the reward (10 = open-instruct)"}
    )
    strip_thinking: bool = field(
        default=True, metadata={"help": "grpo: score only the text after the last </think>"}
    )
    family_rewards: bool = field(
        default=False,
        metadata={"help": "grpo: one reward per constraint family (weigh them with --reward_weights)"},
    )
    merge_lora: bool = field(
        default=False, metadata={"help": "also save the LoRA-merged full model to OUTPUT_DIR/merged"}
    )
    gguf_file: str | None = field(
        default=None,
        metadata={
            "help": "load the student from this GGUF file (relative to --model_name_or_path, a directory, "
            "or absolute), dequantized to float32; with LoRA the merged model is saved too"
        },
    )


def _mode_from(argv: Sequence[str]) -> str:
    """The mode decides which TRL config class parses the rest, so it is read first."""
    mode: Any = None
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--mode" and i + 1 < len(args):
            mode = args[i + 1]
        elif arg.startswith("--mode="):
            mode = arg.split("=", 1)[1]
    if mode is None and "--config" in args and args.index("--config") + 1 < len(args):
        path = Path(args[args.index("--config") + 1])
        if not path.is_file():
            raise FollowfixError(f"config file not found: {path}")
        loaded = yaml.safe_load(path.read_text()) or {}
        mode = loaded.get("mode") if isinstance(loaded, dict) else None
    mode = mode or "dpo"
    if mode not in MODES:
        raise FollowfixError(f"--mode must be one of {', '.join(MODES)}, got {mode!r}")
    return str(mode)


def _has_accelerator() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def parse_train_args(argv: Sequence[str]) -> tuple[TrainArguments, Any, Any]:
    """``(TrainArguments, DPOConfig | SFTConfig, ModelConfig)`` from flags and an optional YAML config."""
    from trl.scripts.utils import TrlParser
    from trl.trainer.dpo_config import DPOConfig
    from trl.trainer.grpo_config import GRPOConfig
    from trl.trainer.model_config import ModelConfig
    from trl.trainer.sft_config import SFTConfig

    mode = _mode_from(argv)
    argv = list(argv)
    if not any(a == "--bf16" or a.startswith("--bf16=") for a in argv) and not _has_accelerator():
        # TRL turns bf16 on unless told otherwise and transformers refuses it without a GPU: a
        # GPU config (bf16: true) must still run a CPU smoke test, so float32 it is.
        log.info("no GPU: training in float32 (--bf16 false)")
        argv += ["--bf16", "false"]
    config_cls = {"dpo": DPOConfig, "sft": SFTConfig, "grpo": GRPOConfig}[mode]
    dataclasses: Any = (TrainArguments, config_cls, ModelConfig)
    parser = TrlParser(
        dataclasses,
        prog=f"followfix train --mode {mode}",
    )
    try:
        train_args, training_args, model_args, from_config, from_flags = parser.parse_args_and_config(
            list(argv), return_remaining_strings=True, separate_remaining_strings=True
        )
    except ValueError as exc:  # TrlParser reports a malformed YAML config as ValueError
        raise FollowfixError(str(exc)) from exc
    if from_flags:
        raise FollowfixError(f"unknown arguments for --mode {mode}: {' '.join(from_flags)}")
    if from_config:
        log.warning("config keys not used by --mode %s: %s", mode, " ".join(from_config[::2]))
    if not train_args.train_file:
        raise FollowfixError(
            "--train_file is required (trl export for dpo, sft export for sft, rlvr export or prompts for grpo)"
        )
    if not model_args.model_name_or_path:
        raise FollowfixError("--model_name_or_path is required (a local directory or a hub id)")
    return train_args, training_args, model_args
