"""GRPO with our verifier as the reward: a real TRL GRPOTrainer run on CPU with a tiny model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.errors import FollowfixError, InputFormatError
from graph.reward import score
from graph.reward.trl import completion_text
from training.grpo import grpo_rows, reward_funcs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_grpo_rows_from_prompt_files_and_rlvr_export(tmp_path: Path) -> None:
    rows = grpo_rows(FIXTURES / "grpo_prompts.jsonl")
    assert rows[0]["prompt"] == [{"role": "user", "content": rows[0]["prompt"][0]["content"]}]
    truth = json.loads(rows[0]["ground_truth"])
    assert truth["instruction_id_list"] == ["punctuation:no_comma", "keywords:existence"]
    export = tmp_path / "rlvr.jsonl"
    export.write_text(
        json.dumps({"prompt": [{"role": "user", "content": "Hi."}], "id": "x", "correction_id": "c",
                    "ground_truth": {"instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]}}) + "\n"
        + json.dumps({"prompt": "No constraints here.", "instruction_id_list": [], "kwargs": []}) + "\n"
    )  # fmt: skip
    assert grpo_rows(export) == [
        {"prompt": [{"role": "user", "content": "Hi."}],
         "ground_truth": json.dumps({"instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]})}
    ]  # fmt: skip
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"prompt": "x", "instruction_id_list": [], "kwargs": []}) + "\n")
    with pytest.raises(InputFormatError, match="no rows with constraints"):
        grpo_rows(empty)


def test_reward_funcs_per_family() -> None:
    rows = grpo_rows(FIXTURES / "grpo_prompts.jsonl")
    assert [r.__name__ for r in reward_funcs(rows)] == ["followfix_fraction"]
    names = [r.__name__ for r in reward_funcs(rows, per_family=True)]
    assert names == ["followfix_keywords", "followfix_length_constraints", "followfix_punctuation"]
    with pytest.raises(FollowfixError, match="reward_aggregate"):
        reward_funcs(rows, aggregate="mean")


def test_grpo_cli_run_logs_our_verdicts_as_rewards(tiny_model_dir: Path, tmp_path: Path) -> None:
    """Two GRPO steps through ``followfix train --mode grpo``'s parser: every logged reward is
    exactly our verifier's verdict on the logged completion, under that prompt's constraints."""
    from training.config import parse_train_args
    from training.train import build_trainer

    prompts = FIXTURES / "grpo_prompts.jsonl"
    out = tmp_path / "grpo"
    argv = [
        "--mode", "grpo",
        "--model_name_or_path", str(tiny_model_dir),
        "--train_file", str(prompts),
        "--output_dir", str(out),
        "--max_steps", "2",
        "--per_device_train_batch_size", "4",
        "--num_generations", "2",
        "--max_completion_length", "12",
        "--logging_steps", "1",
        "--learning_rate", "0.01",
        "--save_strategy", "no",
        "--report_to", "none",
        "--activation_checkpointing", "false",
        "--seed", "0",
    ]  # fmt: skip
    trainer, _, _ = build_trainer(*parse_train_args(argv))
    trainer.train()
    truths = {row["prompt"][0]["content"]: row["ground_truth"] for row in grpo_rows(prompts)}
    logged_prompts = list(trainer._logs["prompt"])
    completions = list(trainer._logs["completion"])
    rewards = list(trainer._logs["rewards"]["followfix_fraction"])
    assert len(completions) == len(rewards) == 4
    expected = [
        score(completion_text(c), truths[p[-1]["content"]]).reward
        for p, c in zip(logged_prompts, completions, strict=True)
    ]
    assert rewards == pytest.approx(expected, abs=0)
    assert len(set(expected)) > 1  # verdicts differ between completions: the equality is not vacuous
    logged = [h for h in trainer.state.log_history if "rewards/followfix_fraction/mean" in h]
    assert len(logged) == 2
    assert logged[-1]["rewards/followfix_fraction/mean"] == pytest.approx(sum(expected) / 4, abs=1e-6)
    assert "followfix/pass_rate/keywords" in logged[-1]
    assert logged[-1]["followfix/spec_errors"] == 0.0


def test_pipeline_can_train_with_grpo(tiny_model_dir: Path, tmp_path: Path) -> None:
    from training.backends import GenParams
    from training.pipeline import Pipeline, PipelineConfig

    config = PipelineConfig(
        prompts=FIXTURES / "grpo_prompts.jsonl",
        model=str(tiny_model_dir),
        workdir=tmp_path / "work",
        backend="transformers",
        eval_backend="transformers",
        params=GenParams(max_tokens=8, temperature=1.0, seed=0),
        train_mode="grpo",
        train_args=[
            "--max_steps", "1", "--per_device_train_batch_size", "2", "--num_generations", "2",
            "--max_completion_length", "8", "--report_to", "none", "--activation_checkpointing", "false",
            "--logging_steps", "1",
        ],
    )  # fmt: skip
    ran: list[tuple[str, bool]] = []
    report = Pipeline(config).run(lambda step, skipped: ran.append((step, skipped)))
    assert ran == [("train", False), ("eval", False)]
    assert report["after"]["prompts"] == 2
    assert (config.workdir / "model" / "config.json").is_file()
    assert not (config.workdir / "pairs.jsonl").exists()  # no answers corrected, no pairs: GRPO needs none
    done = json.loads((config.workdir / "model.done").read_text())
    assert "loss" in done
    ran.clear()
    assert Pipeline(config).run(lambda step, skipped: ran.append((step, skipped))) == report
    assert ran == [("train", True), ("eval", True)]
    with pytest.raises(FollowfixError, match="train mode"):
        Pipeline(PipelineConfig(prompts=config.prompts, model="m", workdir=tmp_path / "x", train_mode="ppo"))


def test_rloo_trainer_takes_the_same_reward(tiny_model_dir: Path, tmp_path: Path) -> None:
    """RLOOTrainer calls rewards exactly as GRPOTrainer does: one step, logged rewards = verdicts."""
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl.trainer.rloo_config import RLOOConfig
    from trl.trainer.rloo_trainer import RLOOTrainer

    from graph.reward.trl import VerifierReward

    rows = grpo_rows(FIXTURES / "grpo_prompts.jsonl")
    args = RLOOConfig(
        output_dir=str(tmp_path / "rloo"), max_steps=1, per_device_train_batch_size=4, num_generations=2,
        max_completion_length=8, logging_steps=1, report_to="none", save_strategy="no", bf16=False,
        activation_checkpointing=False, seed=0,
    )  # fmt: skip
    trainer = RLOOTrainer(
        model=str(tiny_model_dir),
        reward_funcs=[VerifierReward(aggregate="all")],
        args=args,
        train_dataset=Dataset.from_list(rows),
        processing_class=AutoTokenizer.from_pretrained(tiny_model_dir),
    )
    trainer.train()
    truths = {row["prompt"][0]["content"]: row["ground_truth"] for row in rows}
    expected = [
        score(completion_text(c), truths[p[-1]["content"]], aggregate="all").reward
        for p, c in zip(trainer._logs["prompt"], trainer._logs["completion"], strict=True)
    ]
    logged: Any = trainer._logs["rewards"]
    assert list(logged["followfix_all"]) == expected and len(expected) == 4


def test_use_vllm_without_vllm_says_so() -> None:
    import importlib.util
    from types import SimpleNamespace

    from training.grpo import check_vllm

    check_vllm(SimpleNamespace(use_vllm=False))
    if importlib.util.find_spec("vllm") is None:
        with pytest.raises(FollowfixError, match="needs vllm installed"):
            check_vllm(SimpleNamespace(use_vllm=True, vllm_mode="colocate"))
    else:  # pragma: no cover - GPU environments
        check_vllm(SimpleNamespace(use_vllm=True, vllm_mode="server"))
