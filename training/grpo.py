"""GRPO (or RLOO) with our verifier as the reward: TRL's trainers, the ``rlvr`` export as data.

Rows are conversational prompts plus a ``ground_truth`` column holding the constraints as a JSON
string: Arrow merges dict columns into one struct padded with nulls, a string survives as
written. The reward is :class:`graph.reward.trl.VerifierReward` (strict, thinking stripped),
optionally with one reward per constraint family for ``reward_weights``.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import FollowfixError, InputFormatError
from graph.reward.score import AGGREGATES, family_of
from graph.reward.trl import VerifierReward, family_rewards
from training.data import load_prompts

if TYPE_CHECKING:
    from peft import PeftConfig
    from transformers import PreTrainedModel, PreTrainedTokenizerBase
    from trl.trainer.grpo_config import GRPOConfig
    from trl.trainer.grpo_trainer import GRPOTrainer

log = logging.getLogger(__name__)


def grpo_rows(path: str | Path) -> list[dict[str, Any]]:
    """``rlvr`` export rows or IFEval/IFBench/paper prompt rows as GRPO rows; rows without
    constraints have nothing to reward and are left out (with a count in the log)."""
    rows, skipped = [], 0
    for prompt in load_prompts(path):
        if not prompt.instruction_id_list:
            skipped += 1
            continue
        truth = {"instruction_id_list": prompt.instruction_id_list, "kwargs": prompt.kwargs}
        rows.append(
            {
                "prompt": [{"role": "user", "content": prompt.prompt}],
                "ground_truth": json.dumps(truth, ensure_ascii=False),
            }
        )
    if skipped:
        log.warning("%s: %d rows without constraints left out", path, skipped)
    if not rows:
        raise InputFormatError(f"{path}: no rows with constraints to reward")
    return rows


def reward_funcs(
    rows: Sequence[dict[str, Any]],
    *,
    aggregate: str = "fraction",
    scale: float = 1.0,
    strip_think: bool = True,
    per_family: bool = False,
) -> list[VerifierReward]:
    """The overall reward, or one reward per constraint family present in ``rows``."""
    if aggregate not in AGGREGATES:
        raise FollowfixError(f"--reward_aggregate must be one of {', '.join(AGGREGATES)}, got {aggregate!r}")
    options: dict[str, Any] = {"aggregate": aggregate, "scale": scale, "strip_think": strip_think}
    if not per_family:
        return [VerifierReward(**options)]
    families = sorted(
        {family_of(cid) for row in rows for cid in json.loads(row["ground_truth"])["instruction_id_list"]}
    )
    return family_rewards(families, **options)


def check_vllm(args: Any) -> None:
    """``--use_vllm`` (``--vllm_mode server``: a ``trl vllm-serve`` process; ``colocate``: in this
    process) needs the vllm package here either way; say so before TRL fails deep in its setup."""
    if getattr(args, "use_vllm", False) and importlib.util.find_spec("vllm") is None:
        raise FollowfixError(
            "--use_vllm needs vllm installed here (the 'gpu' extra), server or colocate mode"
        )


def build_grpo_trainer(
    model: str | PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    args: GRPOConfig,
    train_rows: Sequence[dict[str, Any]],
    rewards: Sequence[VerifierReward],
    *,
    eval_rows: Sequence[dict[str, Any]] | None = None,
    peft_config: PeftConfig | None = None,
) -> GRPOTrainer:
    """TRL's GRPOTrainer on our rows and rewards (heavy imports here, on first use)."""
    from datasets import Dataset
    from trl.trainer.grpo_trainer import GRPOTrainer

    check_vllm(args)
    return GRPOTrainer(
        model=model,
        reward_funcs=list(rewards),
        args=args,
        train_dataset=Dataset.from_list(list(train_rows)),
        eval_dataset=Dataset.from_list(list(eval_rows)) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
