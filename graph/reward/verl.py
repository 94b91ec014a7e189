"""verl: ``compute_score`` for ``reward.custom_reward_function.path`` / ``.name``.

verl's reward managers collect every key of the returned dict into per-sample arrays, so the
SAME keys come back on every call, scored or not (a key present on some rows only breaks the
batch). ``score`` is the reward; the rest are logged: ``acc`` (all constraints passed),
``fraction``, ``passed``, ``total`` and ``error`` ("" when none).

Config: ``reward.custom_reward_function.path=/path/to/graph/reward/verl.py``
``reward.custom_reward_function.name=compute_score``.
"""

from __future__ import annotations

from typing import Any

from graph.reward.score import score

KEYS = ("score", "acc", "fraction", "passed", "total", "error")


def compute_score(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: dict[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Strict fraction by default; ``extra_info`` may set ``aggregate`` / ``scale`` per row."""
    info = extra_info if isinstance(extra_info, dict) else {}
    aggregate = info.get("aggregate", kwargs.get("aggregate", "fraction"))
    scale = info.get("scale", kwargs.get("scale", 1.0))
    if aggregate not in ("fraction", "all", "sum") or not isinstance(scale, int | float) or scale <= 0:
        aggregate, scale, bad = "fraction", 1.0, "extra_info: bad aggregate or scale"
    else:
        bad = None
    result = score(solution_str, ground_truth, aggregate=aggregate, scale=float(scale))
    error = bad or result.error or ""
    return {
        "score": 0.0 if bad else float(result.reward),
        "acc": float(result.passed_all and not bad),
        "fraction": 0.0 if bad else float(result.fraction),
        "passed": sum(v.passed for v in result.verdicts),
        "total": len(result.verdicts),
        "error": error,
    }
