"""SFT alone on the ``sft`` export: the comparison arm of the paper's DPO + SFT objective."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from peft import PeftConfig
    from transformers import PreTrainedModel, PreTrainedTokenizerBase
    from trl.trainer.sft_config import SFTConfig
    from trl.trainer.sft_trainer import SFTTrainer


def build_sft_trainer(
    model: str | PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    args: SFTConfig,
    train_rows: Sequence[dict[str, Any]],
    *,
    eval_rows: Sequence[dict[str, Any]] | None = None,
    peft_config: PeftConfig | None = None,
) -> SFTTrainer:
    """TRL's SFTTrainer on conversational ``messages`` rows."""
    from datasets import Dataset
    from trl.trainer.sft_trainer import SFTTrainer

    return SFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(list(train_rows)),
        eval_dataset=Dataset.from_list(list(eval_rows)) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
