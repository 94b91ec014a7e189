"""DPO + SFT on a tiny model: the SFT term is really in the loss, LoRA checkpoints write and reload."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from graph.errors import FollowfixError
from service.cli import main as cli
from training.dpo import with_sft_term


def test_with_sft_term_sets_removes_and_validates() -> None:
    assert with_sft_term(["sigmoid"], None, 0.5) == (["sigmoid", "sft"], [1.0, 0.5])
    assert with_sft_term(["sigmoid", "sft"], [2.0, 1.0], 3.0) == (["sigmoid", "sft"], [2.0, 3.0])
    assert with_sft_term(["sigmoid", "sft"], None, 0.0) == (["sigmoid"], [1.0])
    with pytest.raises(FollowfixError, match="preference loss"):
        with_sft_term(["sft"], None, 1.0)
    with pytest.raises(FollowfixError, match=">= 0"):
        with_sft_term(["sigmoid"], None, -1.0)


def _first_step_logs(pairs_file: Path, tmp_path: Path, sft_weight: float) -> dict[str, Any]:
    """One DPO(+SFT) step from the same seeded in-memory model (no LoRA: explicit reference copy)."""
    from trl import DPOConfig

    from training.data import load_preferences
    from training.dpo import build_dpo_trainer
    from training.tiny import build_model, build_tokenizer

    tokenizer = build_tokenizer()
    model = build_model(tokenizer, seed=0)
    loss_type, loss_weights = with_sft_term(["sigmoid"], None, sft_weight)
    args = DPOConfig(
        output_dir=str(tmp_path / f"w{sft_weight}"),
        max_steps=1,
        per_device_train_batch_size=8,
        logging_steps=1,
        learning_rate=1e-3,
        beta=0.1,
        loss_type=loss_type,
        loss_weights=loss_weights,
        bf16=False,
        activation_checkpointing=False,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        seed=0,
    )
    trainer = build_dpo_trainer(model, tokenizer, args, load_preferences(pairs_file))
    assert trainer.ref_model is not None  # TRL would otherwise reload it from an empty path
    trainer.train()
    return dict(next(h for h in trainer.state.log_history if "loss" in h))


def test_combined_loss_includes_the_sft_term(pairs_file: Path, tmp_path: Path) -> None:
    logs = {w: _first_step_logs(pairs_file, tmp_path, w) for w in (0.0, 1.0, 3.0)}
    sft = logs[1.0]["loss/sft"]
    assert sft > 1.0  # NLL of the chosen tokens under a random model: far from zero
    assert logs[3.0]["loss/sft"] == pytest.approx(sft)  # same model, same batch
    for weight, log in logs.items():
        # At step 1 the policy equals the reference, so the sigmoid DPO term is exactly log 2.
        assert log["loss/preference"] == pytest.approx(math.log(2), abs=1e-4)
        assert log["loss/sft_weighted"] == pytest.approx(weight * sft, rel=1e-5)
        assert log["loss"] == pytest.approx(math.log(2) + weight * sft, rel=1e-4)
    assert logs[3.0]["loss"] - logs[1.0]["loss"] == pytest.approx(2 * sft, rel=1e-4)


def _train(argv: list[str]) -> None:
    assert cli(["train", *argv]) == 0


def test_train_cli_lora_writes_checkpoint_adapter_and_reloads(
    tiny_model_dir: Path, pairs_file: Path, general_file: Path, tmp_path: Path
) -> None:
    import torch
    from peft import AutoPeftModelForCausalLM
    from transformers import AutoModelForCausalLM

    out = tmp_path / "run"
    config = tmp_path / "cfg.yaml"
    config.write_text("beta: 0.2\nsft_weight: 2.0\nlearning_rate: 0.05\nlogging_steps: 1\nreport_to: none\n")
    _train(
        [
            "--config", str(config),
            "--model_name_or_path", str(tiny_model_dir),
            "--train_file", str(pairs_file),
            "--mix_file", str(general_file),
            "--mix_ratio", "0.5",
            "--output_dir", str(out),
            "--max_steps", "2",
            "--per_device_train_batch_size", "4",
            "--save_steps", "2",
            "--activation_checkpointing", "false",
            "--use_peft", "--lora_r", "4", "--lora_alpha", "8", "--lora_target_modules", "all-linear",
            "--merge_lora",
        ]
    )  # fmt: skip
    assert (out / "adapter_config.json").is_file() and (out / "adapter_model.safetensors").is_file()
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    logged = [h for h in state["log_history"] if "loss" in h]
    assert len(logged) == 2
    assert all(
        h["loss/sft"] > 0 and h["loss/sft_weighted"] == pytest.approx(2.0 * h["loss/sft"]) for h in logged
    )
    assert json.loads((out / "adapter_config.json").read_text())["r"] == 4

    peft_model = AutoPeftModelForCausalLM.from_pretrained(out)
    lora_b = [p for n, p in peft_model.named_parameters() if "lora_B" in n]
    assert lora_b and any(p.abs().sum() > 0 for p in lora_b)  # trained (LoRA B starts at zero)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    merged = AutoModelForCausalLM.from_pretrained(out / "merged")
    ids = torch.tensor([[1, 40, 41, 42, 2]])
    with torch.no_grad():
        tuned = peft_model(input_ids=ids).logits
        assert torch.allclose(tuned, merged(input_ids=ids).logits, atol=1e-4)
        assert not torch.allclose(tuned, base(input_ids=ids).logits, atol=1e-4)


def test_train_cli_sft_mode(tiny_model_dir: Path, sft_file: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    out = tmp_path / "sft"
    _train(
        [
            "--mode", "sft",
            "--model_name_or_path", str(tiny_model_dir),
            "--train_file", str(sft_file),
            "--output_dir", str(out),
            "--max_steps", "2",
            "--per_device_train_batch_size", "4",
            "--logging_steps", "1",
            "--save_strategy", "no",
            "--report_to", "none",
            "--activation_checkpointing", "false",
            "--assistant_only_loss", "true",
        ]
    )  # fmt: skip
    model = AutoModelForCausalLM.from_pretrained(out)
    assert model.config.num_hidden_layers == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--train_file", "x.jsonl"], "--model_name_or_path is required"),
        (["--model_name_or_path", "m"], "--train_file is required"),
        (["--model_name_or_path", "m", "--train_file", "x", "--no_such_flag", "1"], "unknown arguments"),
        (["--mode", "ppo"], "--mode must be one of"),
    ],
)
def test_train_argument_errors(argv: list[str], message: str) -> None:
    from training.config import parse_train_args

    with pytest.raises(FollowfixError, match=message):
        parse_train_args(argv)


def test_yaml_config_sets_mode_and_flags_override(tmp_path: Path) -> None:
    from training.config import parse_train_args

    config = tmp_path / "c.yaml"
    config.write_text("mode: sft\nlearning_rate: 0.001\nbeta: 0.3\nmodel_name_or_path: m\ntrain_file: t\n")
    train_args, training_args, model_args = parse_train_args(
        ["--config", str(config), "--learning_rate", "0.01"]
    )
    assert train_args.mode == "sft"  # and beta (a DPO knob) is ignored with a warning
    assert type(training_args).__name__ == "SFTConfig"
    assert training_args.learning_rate == 0.01
    assert model_args.model_name_or_path == "m"
