"""The reward function that consumes the ``rlvr`` export: our verifier as a GRPO reward.

TRL's ``GRPOTrainer`` passes every extra dataset column to each reward function as a keyword
argument (one value per completion), so ``ground_truth`` arrives here as written by the export:
an object in JSONL, a JSON string in Parquet. ``datasets`` 5 keeps each kwargs dict as written
(a ``Json`` feature); older versions merged them into one struct padded with ``None``, so ``None``
values are dropped before the constraints are built.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from graph.constraints import verify


def ground_truth_specs(ground_truth: Mapping[str, Any] | str) -> list[dict[str, Any]]:
    """``[{"id", "kwargs"}]`` from IFEval's ``instruction_id_list`` + ``kwargs`` layout."""
    data = json.loads(ground_truth) if isinstance(ground_truth, str) else ground_truth
    ids = list(data["instruction_id_list"])
    kwargs = list(data.get("kwargs") or [None] * len(ids))
    return [
        {"id": cid, "kwargs": {k: v for k, v in (kw or {}).items() if v is not None}}
        for cid, kw in zip(ids, kwargs, strict=True)
    ]


def _text(completion: str | Sequence[Mapping[str, Any]]) -> str:
    """A standard completion is a string; a conversational one is a list of messages."""
    if isinstance(completion, str):
        return completion
    return str(completion[-1]["content"]) if completion else ""


def ifeval_reward(
    completions: Sequence[str | Sequence[Mapping[str, Any]]],
    ground_truth: Sequence[Mapping[str, Any] | str],
    **_: Any,
) -> list[float]:
    """Fraction of the constraints each completion passes (strict), in [0, 1]."""
    rewards = []
    for completion, truth in zip(completions, ground_truth, strict=True):
        verdicts = verify(_text(completion), ground_truth_specs(truth), "strict")
        rewards.append(sum(v.passed for v in verdicts) / len(verdicts) if verdicts else 0.0)
    return rewards


def ifeval_reward_all(
    completions: Sequence[str | Sequence[Mapping[str, Any]]],
    ground_truth: Sequence[Mapping[str, Any] | str],
    **_: Any,
) -> list[float]:
    """1.0 only when every constraint passes (IFEval's prompt-level strict accuracy), else 0.0."""
    return [float(r == 1.0) for r in ifeval_reward(completions, ground_truth)]
