"""DPO with the SFT term on the chosen answer (the paper's objective), on TRL's DPOTrainer.

TRL 1.16 combines losses with ``loss_type=["sigmoid", "sft"]`` and ``loss_weights`` but logs only
their sum; :class:`LoggedTermsDPOTrainer` also logs each term, from the same forward pass, so a
run shows how much of its loss is preference and how much is SFT.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph.errors import FollowfixError

if TYPE_CHECKING:
    from peft import PeftConfig
    from transformers import PreTrainedModel, PreTrainedTokenizerBase
    from trl.trainer.dpo_config import DPOConfig
    from trl.trainer.dpo_trainer import DPOTrainer

log = logging.getLogger(__name__)


def with_sft_term(
    loss_types: Sequence[str], loss_weights: Sequence[float] | None, sft_weight: float
) -> tuple[list[str], list[float]]:
    """The loss list with the SFT term set to ``sft_weight`` (removed when 0), other weights kept."""
    if sft_weight < 0:
        raise FollowfixError(f"sft_weight must be >= 0, got {sft_weight}")
    weights = list(loss_weights) if loss_weights is not None else [1.0] * len(loss_types)
    if len(weights) != len(loss_types):
        raise FollowfixError(f"loss_weights has {len(weights)} entries for {len(loss_types)} loss types")
    kept = [(t, w) for t, w in zip(loss_types, weights, strict=True) if t != "sft"]
    if not kept:
        raise FollowfixError("loss_type needs a preference loss besides 'sft' (e.g. 'sigmoid')")
    if sft_weight > 0:
        kept.append(("sft", sft_weight))
    return [t for t, _ in kept], [w for _, w in kept]


def _trainer_class() -> type[DPOTrainer]:
    """Built on first use so importing this module does not import torch/trl."""
    import torch
    from trl.trainer.dpo_trainer import DPOTrainer

    class LoggedTermsDPOTrainer(DPOTrainer):
        """DPOTrainer that also logs ``loss/sft``, ``loss/sft_weighted`` and ``loss/preference``."""

        def _compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool) -> Any:
            outputs: list[Any] = []
            handle = model.register_forward_hook(lambda _m, _a, out: outputs.append(out))
            try:
                result = super()._compute_loss(model, inputs, return_outputs)  # type: ignore[no-untyped-call]
            finally:
                handle.remove()
            loss = result[0] if isinstance(result, tuple) else result
            if outputs and getattr(outputs[0], "log_probs", None) is not None:
                self._log_terms(model.training, loss, outputs[0].log_probs, inputs["completion_mask"])
            return result

        def _log_terms(
            self, training: bool, loss: torch.Tensor, log_probs: torch.Tensor, completion_mask: torch.Tensor
        ) -> None:
            # The first forward of _compute_loss is the policy on [chosen; rejected]; the SFT term is
            # computed exactly as TRL does (mean NLL of the chosen completion tokens).
            mode = "train" if training else "eval"
            shift_mask = completion_mask[..., 1:]
            per_token = log_probs[:, -shift_mask.size(1) :].detach()
            chosen_lp, _ = per_token.chunk(2, dim=0)
            chosen_mask, _ = shift_mask.chunk(2, dim=0)
            sft = -chosen_lp[chosen_mask.bool()].mean()
            sft = self.accelerator.gather_for_metrics(sft).mean()
            weight = dict(zip(self.loss_types, self.loss_weights, strict=True)).get("sft", 0.0)
            metrics = self._metrics[mode]
            metrics["loss/sft"].append(sft.item())
            metrics["loss/sft_weighted"].append(weight * sft.item())
            if not self.aux_loss_enabled:
                total = self.accelerator.gather_for_metrics(loss.detach()).mean().item()
                metrics["loss/preference"].append(total - weight * sft.item())

    return LoggedTermsDPOTrainer


def build_dpo_trainer(
    model: str | PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    args: DPOConfig,
    train_rows: Sequence[dict[str, Any]],
    *,
    eval_rows: Sequence[dict[str, Any]] | None = None,
    peft_config: PeftConfig | None = None,
    ref_model: PreTrainedModel | None = None,
) -> DPOTrainer:
    """The DPO(+SFT) trainer; an in-memory model without LoRA gets a frozen copy as reference.

    TRL 1.16 reloads a missing reference from the policy's ``name_or_path``, which is empty for a
    model built from a config; a copy made before training is the same reference, without a reload.
    """
    from datasets import Dataset

    if ref_model is None and peft_config is None and not isinstance(model, str):
        ref_model = copy.deepcopy(model)
        ref_model.requires_grad_(False)
        ref_model.train(False)
    trainer_cls = _trainer_class()
    return trainer_cls(
        model=model,
        ref_model=ref_model,
        args=args,
        train_dataset=Dataset.from_list(list(train_rows)),
        eval_dataset=Dataset.from_list(list(eval_rows)) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
