"""Our verifier as a TRL reward function (``GRPOTrainer`` / ``RLOOTrainer``, ``reward_funcs=``).

TRL 1.16 calls ``f(prompts=, completions=, completion_ids=, **columns, trainer_state=,
log_extra=, log_metric=)`` with one value per completion in every list and expects one float (or
``None``: "not mine", NaN to TRL) per completion. A class instance, not a closure, so it pickles
(TRL copies reward functions into worker processes; Ray and ``spawn`` pickle them). It imports no
TRL or torch: the contract is the keyword call alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graph.errors import ConstraintParamError
from graph.reward.score import AGGREGATES, Aggregate, Reward, ScoreMode, family_pass_rates, score


def completion_text(completion: Any) -> str:
    """A standard completion is text; a conversational one is messages: the last assistant's content."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Sequence):
        for message in reversed(completion):
            if isinstance(message, Mapping) and message.get("role", "assistant") == "assistant":
                content = message.get("content")
                if isinstance(content, str):
                    return content
                if isinstance(content, Sequence):  # content parts: [{"type": "text", "text": ...}]
                    return "".join(
                        str(p.get("text", ""))
                        for p in content
                        if isinstance(p, Mapping) and p.get("type") == "text"
                    )
                return ""
    return ""


class VerifierReward:
    """Reward = our strict (by default) verdicts on each completion, aggregated per sample.

    ``spec_column`` names the dataset column holding the constraints (the ``rlvr`` export's
    ``ground_truth``, a JSON string in Parquet/Arrow); rows of IFEval/IFBench prompt files carry
    ``instruction_id_list`` + ``kwargs`` columns instead, which are used when the column is absent.
    A row whose spec is ``None`` gets ``None``. ``family`` restricts the reward to one constraint
    family (one reward per family, for ``reward_weights``); rows without it get ``None``.
    """

    def __init__(
        self,
        *,
        aggregate: Aggregate = "fraction",
        mode: ScoreMode = "strict",
        scale: float = 1.0,
        strip_think: bool = True,
        spec_column: str = "ground_truth",
        family: str | None = None,
        name: str | None = None,
    ) -> None:
        if aggregate not in AGGREGATES:
            raise ConstraintParamError(f"aggregate must be one of {', '.join(AGGREGATES)}", field="aggregate")
        if not scale > 0:
            raise ConstraintParamError(f"scale must be > 0, got {scale!r}", field="scale")
        self.aggregate: Aggregate = aggregate
        self.mode: ScoreMode = mode
        self.scale = scale
        self.strip_think = strip_think
        self.spec_column = spec_column
        self.family = family
        self.__name__ = name or (f"followfix_{family}" if family else f"followfix_{aggregate}")

    def _specs(self, count: int, columns: Mapping[str, Any]) -> list[Any]:
        if self.spec_column in columns:
            specs = list(columns[self.spec_column])
        elif "instruction_id_list" in columns:
            ids = columns["instruction_id_list"]
            kwargs = columns.get("kwargs") or [None] * len(ids)
            specs = [
                None if i is None else {"instruction_id_list": i, "kwargs": k}
                for i, k in zip(ids, kwargs, strict=True)
            ]
        else:
            raise ConstraintParamError(
                f"the dataset has no '{self.spec_column}' column (nor instruction_id_list + kwargs)",
                field=self.spec_column,
            )
        if len(specs) != count:
            raise ConstraintParamError(f"{len(specs)} specs for {count} completions", field=self.spec_column)
        return specs

    def score_all(self, completions: Sequence[Any], columns: Mapping[str, Any]) -> list[Reward | None]:
        """The full result per completion (``None`` where the row has no spec)."""
        specs = self._specs(len(completions), columns)
        options = {"mode": self.mode, "aggregate": self.aggregate, "strip_think": self.strip_think}
        if self.family is not None:
            options["aggregate"] = "fraction"
        return [
            None if spec is None else score(completion_text(c), spec, **options)  # type: ignore[arg-type]
            for c, spec in zip(completions, specs, strict=True)
        ]

    def _value(self, result: Reward | None) -> float | None:
        if result is None:
            return None
        if self.family is None:
            return result.reward * self.scale
        mine = [v.passed for v in result.verdicts if v.family == self.family]
        if result.error is not None:
            return 0.0
        if not mine:
            return None
        passed = sum(mine)
        value = {"fraction": passed / len(mine), "all": float(passed == len(mine)), "sum": float(passed)}
        return value[self.aggregate] * self.scale

    def __call__(
        self,
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] = (),
        completion_ids: Sequence[Any] | None = None,
        trainer_state: Any = None,
        log_metric: Callable[[str, float], None] | None = None,
        log_extra: Callable[[str, list[Any]], None] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        results = self.score_all(completions, columns)
        if log_metric is not None and self.family is None:
            scored = [r for r in results if r is not None]
            for family, rate in family_pass_rates(scored).items():
                log_metric(f"followfix/pass_rate/{family}", rate)
            if scored:
                log_metric("followfix/prompt_pass", sum(r.passed_all for r in scored) / len(scored))
                log_metric("followfix/spec_errors", sum(r.error is not None for r in scored) / len(scored))
        if log_extra is not None and self.family is None:
            log_extra("followfix_error", [None if r is None else r.error for r in results])
        return [self._value(r) for r in results]


def family_rewards(families: Sequence[str], **options: Any) -> list[VerifierReward]:
    """One reward per constraint family (``reward_funcs=``, weighed with ``reward_weights``)."""
    return [VerifierReward(family=f, **options) for f in families]
