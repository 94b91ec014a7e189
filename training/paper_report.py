"""The paper loop's figures as a markdown section for docs/benchmarks.md (a pure function of the report)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from training.evaluate import METRICS

ARM_NAMES = {
    "backbone": "Backbone (no training)",
    "sft": "Discrimination (SFT)",
    "dpo": "Contrastive (DPO+SFT)",
}


def _arm_groups(scores: dict[str, Any]) -> dict[str, list[str]]:
    """``backbone`` / ``sft`` / ``dpo`` -> the evaluated runs of that arm (one per seed)."""
    groups: dict[str, list[str]] = {}
    for run in scores:
        groups.setdefault(run.partition("_s")[0], []).append(run)
    return groups


def _cell(values: Sequence[float]) -> str:
    """One figure, or the mean with the range over seeds."""
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{statistics.fmean(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def markdown(report: dict[str, Any], command: str = "") -> str:
    """Headline table, per-type table (types that had pairs), pairs, and step times."""
    scores: dict[str, Any] = report["scores"]
    steps: dict[str, Any] = report["steps"]
    groups = _arm_groups(scores)
    lines = []
    if command:
        lines += ["```", command, "```", ""]
    if scores:
        n_prompts = next(iter(scores.values()))["headline"]["prompts"]
        lines += [
            f"IFEval ({n_prompts} prompts), accuracy in %; trained arms: mean (min–max) over seeds "
            f"{', '.join(r.rpartition('_s')[2] for r in groups.get('dpo', []))}.",
            "",
            "| arm | runs | prompt strict | instruction strict | prompt loose | instruction loose |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for arm, runs in groups.items():
            cells = [_cell([scores[r]["headline"][m] for r in runs]) for m in METRICS]
            lines.append(f"| {ARM_NAMES.get(arm, arm)} | {len(runs)} | " + " | ".join(cells) + " |")
    train_on = report.get("train_on")
    pair_info = steps.get(f"pairs_{train_on}", {})
    types: dict[str, int] = pair_info.get("types", {})
    if scores and types:
        lines += [
            "",
            f"Per constraint type with training pairs (strict instruction-level %, IFEval count n; "
            f"pairs from `{train_on}`):",
            "",
            "| type | pairs with it | IFEval n | " + " | ".join(ARM_NAMES.get(a, a) for a in groups) + " |",
            "|---|---:|---:|" + "---:|" * len(groups),
        ]
        first = next(iter(scores.values()))["per_instruction"]
        for cid in sorted(types, key=lambda c: -types[c]):
            if cid not in first:
                continue
            cells = [
                _cell([scores[r]["per_instruction"][cid]["strict"] for r in runs]) for runs in groups.values()
            ]
            lines.append(f"| `{cid}` | {types[cid]} | {first[cid]['n']:.0f} | " + " | ".join(cells) + " |")
    pair_steps = [s for s in steps if s.startswith("pairs_")]
    if pair_steps:
        lines += ["", "| correction strategy | failing answers | corrections by status | verified pairs |"]
        lines += ["|---|---:|---|---:|"]
        for step in pair_steps:
            strategy = step.removeprefix("pairs_")
            failing = steps.get(f"correct_{strategy}", {}).get("failing", "")
            statuses = ", ".join(f"{k} {v}" for k, v in sorted(steps[step].get("statuses", {}).items()))
            lines.append(f"| {strategy} | {failing} | {statuses} | {steps[step]['pairs']} |")
    if steps:
        lines += ["", "| step | wall s | what |", "|---|---:|---|"]
        for step, info in steps.items():
            what = ", ".join(f"{k} {v}" for k, v in info.items() if k not in ("seconds", "types", "statuses"))
            lines.append(f"| {step} | {info['seconds']:.1f} | {what} |")
    return "\n".join(lines) + "\n"
