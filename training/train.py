"""One training run, DPO + SFT or SFT alone, from parsed arguments to a saved model.

Mirrors TRL's ``scripts/dpo.py``: load data, build the trainer, train, save. Here the data are
the store's exports, general chat data can be mixed in, and LoRA can be merged for serving.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training.config import TrainArguments, parse_train_args
from training.data import load_preferences, load_sft, mix, sft_as_self_pairs
from training.dpo import build_dpo_trainer, with_sft_term
from training.grpo import build_grpo_trainer, grpo_rows, reward_funcs
from training.loading import load_causal_lm, load_tokenizer
from training.sft import build_sft_trainer

log = logging.getLogger(__name__)


def _rows(train_args: TrainArguments, path: str) -> list[dict[str, Any]]:
    if train_args.mode == "dpo":
        return list(load_preferences(path))
    if train_args.mode == "grpo":
        return grpo_rows(path)
    return list(load_sft(path))


def training_rows(train_args: TrainArguments, seed: int = 0) -> list[dict[str, Any]]:
    """The training rows, with general chat data mixed in (as self-pairs in DPO mode)."""
    assert train_args.train_file is not None
    rows = _rows(train_args, train_args.train_file)
    if train_args.mix_file and train_args.mode == "grpo":
        log.warning(
            "--mix_file is ignored with --mode grpo: general chat rows carry no constraints to reward"
        )
    elif train_args.mix_file and train_args.mix_ratio > 0:
        general: list[dict[str, Any]] = list(load_sft(train_args.mix_file))
        if train_args.mode == "dpo":
            general = list(sft_as_self_pairs(general))
        mixed = mix(rows, general, train_args.mix_ratio, seed=seed)
        log.info("mixed %d general rows into %d training rows", len(mixed) - len(rows), len(rows))
        return mixed
    return rows


def build_trainer(train_args: TrainArguments, training_args: Any, model_args: Any) -> tuple[Any, Any, bool]:
    """``(trainer, tokenizer, uses_lora)`` for the mode, from parsed arguments."""
    from trl.trainer.utils import get_peft_config

    init_kwargs = {
        "revision": model_args.model_revision,
        "attn_implementation": model_args.attn_implementation,
        "dtype": model_args.dtype,
        **(training_args.model_init_kwargs or {}),
    }
    tokenizer = load_tokenizer(
        model_args.model_name_or_path, train_args.gguf_file, revision=model_args.model_revision
    )
    peft_config = get_peft_config(model_args)
    rows = training_rows(train_args, seed=training_args.seed)
    eval_rows = _rows(train_args, train_args.eval_file) if train_args.eval_file else None
    model: Any = model_args.model_name_or_path
    if train_args.gguf_file:
        # TRL loads a model from a path without gguf_file=, so a GGUF student is loaded here and
        # handed over as an instance (DPO without LoRA then gets a frozen copy as its reference).
        model = load_causal_lm(model, train_args.gguf_file, **init_kwargs)
        training_args.model_init_kwargs = None
    else:
        training_args.model_init_kwargs = init_kwargs
    if train_args.mode == "dpo":
        training_args.loss_type, training_args.loss_weights = with_sft_term(
            training_args.loss_type, training_args.loss_weights, train_args.sft_weight
        )
        log.info("DPO losses %s with weights %s", training_args.loss_type, training_args.loss_weights)
        trainer: Any = build_dpo_trainer(
            model, tokenizer, training_args, rows, eval_rows=eval_rows, peft_config=peft_config
        )
    elif train_args.mode == "grpo":
        rewards = reward_funcs(
            rows,
            aggregate=train_args.reward_aggregate,
            scale=train_args.reward_scale,
            strip_think=train_args.strip_thinking,
            per_family=train_args.family_rewards,
        )
        log.info("GRPO rewards: %s", ", ".join(r.__name__ for r in rewards))
        trainer = build_grpo_trainer(
            model, tokenizer, training_args, rows, rewards, eval_rows=eval_rows, peft_config=peft_config
        )
    else:
        trainer = build_sft_trainer(
            model, tokenizer, training_args, rows, eval_rows=eval_rows, peft_config=peft_config
        )
    return trainer, tokenizer, peft_config is not None


def run_train(train_args: TrainArguments, training_args: Any, model_args: Any) -> dict[str, Any]:
    """Train and save to ``training_args.output_dir``; returns the run's last logged metrics."""
    trainer, tokenizer, uses_lora = build_trainer(train_args, training_args, model_args)
    trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    trainer.save_model(training_args.output_dir)
    tokenizer.save_pretrained(training_args.output_dir)
    if uses_lora and train_args.gguf_file and not train_args.merge_lora:
        # The adapter's base is a directory that only loads with gguf_file=: save a model that loads alone.
        log.info("GGUF student with LoRA: saving the merged model to %s/merged", training_args.output_dir)
    if uses_lora and (train_args.merge_lora or train_args.gguf_file):
        merged = trainer.model.merge_and_unload()
        merged.save_pretrained(Path(training_args.output_dir) / "merged")
        tokenizer.save_pretrained(Path(training_args.output_dir) / "merged")
    history = [h for h in trainer.state.log_history if "loss" in h]
    return dict(history[-1]) if history else {}


def main(argv: Sequence[str]) -> dict[str, Any]:
    """Parse ``followfix train`` arguments and run."""
    train_args, training_args, model_args = parse_train_args(argv)
    return run_train(train_args, training_args, model_args)
