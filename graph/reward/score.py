"""The one reward scorer: a response against a constraint spec -> reward, verdicts, error.

Pure and deterministic. Built constraints are cached by spec (a GRPO group scores the same spec
once per completion; building validates kwargs with pydantic, the costliest step of a short
check). An unknown id or a bad kwarg is an error of that sample: reward 0, never a pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from graph.constraints.base import Constraint
from graph.constraints.verify import build_constraints, check_loose, loose_variants
from graph.errors import ConstraintError, ConstraintParamError
from graph.reward.specs import parse_specs
from graph.reward.think import strip_thinking

Aggregate = Literal["fraction", "all", "sum"]
AGGREGATES: tuple[Aggregate, ...] = ("fraction", "all", "sum")
ScoreMode = Literal["strict", "loose"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """One constraint's verdict on the answer, with the checker's reason."""

    id: str
    passed: bool
    detail: str

    @property
    def family(self) -> str:
        return family_of(self.id)


@dataclass(frozen=True, slots=True)
class Reward:
    """What a trainer needs: the reward, both IFEval levels, the verdicts, or why it is 0."""

    reward: float
    passed_all: bool
    fraction: float
    verdicts: tuple[Verdict, ...]
    error: str | None = None
    error_field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "reward": self.reward,
            "passed_all": self.passed_all,
            "fraction": self.fraction,
            "verdicts": [{"id": v.id, "passed": v.passed, "detail": v.detail} for v in self.verdicts],
            "error": self.error,
            "error_field": self.error_field,
        }


def family_of(constraint_id: str) -> str:
    """``length_constraints:number_words`` -> ``length_constraints``."""
    return constraint_id.split(":", 1)[0]


_Built = tuple[tuple[Constraint[Any], ...], str | None, str | None]


def _build(specs: list[dict[str, Any]]) -> _Built:
    if not specs:
        return (), "the spec lists no constraints", "ground_truth"
    try:
        return tuple(build_constraints(specs)), None, None
    except ConstraintError as exc:
        return (), exc.message, exc.field


def _parsed(spec: Any) -> list[dict[str, Any]] | _Built:
    """The specs, or the error tuple (a spec nested past Python's recursion limit is an error too)."""
    try:
        return parse_specs(spec)
    except ConstraintError as exc:
        return (), exc.message, exc.field
    except RecursionError:
        return (), "the constraint spec is nested too deeply", "ground_truth"


@lru_cache(maxsize=8192)
def _built_from_text(text: str) -> _Built:
    specs = _parsed(text)
    return specs if isinstance(specs, tuple) else _build(specs)


@lru_cache(maxsize=8192)
def _built_from_key(key: str) -> _Built:
    return _build(json.loads(key))


def clear_cache() -> None:
    """Forget built specs (benchmarks measure a cold start with it)."""
    _built_from_text.cache_clear()
    _built_from_key.cache_clear()


def constraints_for(spec: Any) -> _Built:
    """``(constraints, error, error_field)`` for a spec in any supported spelling (cached)."""
    if isinstance(spec, str):
        return _built_from_text(spec)
    specs = _parsed(spec)
    if isinstance(specs, tuple):
        return specs
    try:
        key = json.dumps(specs, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):  # a kwarg no JSON can hold (e.g. a set): build uncached
        return _build(specs)
    return _built_from_key(key)


def _check(constraints: Sequence[Constraint[Any]], text: str, mode: ScoreMode) -> list[Verdict]:
    if mode == "strict":
        results = [c.check(text) for c in constraints]
    else:
        variants = loose_variants(text)[1:]
        results = [check_loose(c, text, variants) for c in constraints]
    return [Verdict(r.constraint_id, r.passed, r.detail) for r in results]


def _validate(mode: str, aggregate: str, scale: float) -> None:
    if mode not in ("strict", "loose"):
        raise ConstraintParamError(f"mode must be 'strict' or 'loose', got {mode!r}", field="mode")
    if aggregate not in AGGREGATES:
        raise ConstraintParamError(
            f"aggregate must be one of {', '.join(AGGREGATES)}, got {aggregate!r}", field="aggregate"
        )
    if not scale > 0:
        raise ConstraintParamError(f"scale must be > 0, got {scale!r}", field="scale")


def score(
    response: str,
    spec: Any,
    *,
    mode: ScoreMode = "strict",
    aggregate: Aggregate = "fraction",
    scale: float = 1.0,
    strip_think: bool = True,
) -> Reward:
    """Score one response. ``aggregate``: ``fraction`` (mean of checks), ``all`` (1 only when
    every check passes), ``sum`` (number passed); the result is multiplied by ``scale``."""
    _validate(mode, aggregate, scale)
    constraints, error, error_field = constraints_for(spec)
    if error is not None:
        return Reward(0.0, False, 0.0, (), error, error_field)
    if not isinstance(response, str):
        return Reward(0.0, False, 0.0, (), "the response must be a string", "response")
    text = strip_thinking(response) if strip_think else response
    verdicts = _check(constraints, text, mode)
    passed = sum(v.passed for v in verdicts)
    fraction = passed / len(verdicts)
    value = {"fraction": fraction, "all": float(passed == len(verdicts)), "sum": float(passed)}[aggregate]
    return Reward(value * scale, passed == len(verdicts), fraction, tuple(verdicts))


def score_batch(responses: Sequence[str], specs: Sequence[Any], **options: Any) -> list[Reward]:
    """:func:`score` over parallel lists (a length mismatch is the caller's bug: it raises)."""
    if len(responses) != len(specs):
        raise ConstraintParamError(f"{len(responses)} responses but {len(specs)} specs", field="labels")
    return [score(r, s, **options) for r, s in zip(responses, specs, strict=True)]


def family_pass_rates(rewards: Iterable[Reward]) -> dict[str, float]:
    """Share of checks passed per constraint family over many rewards (errors left out)."""
    seen: dict[str, list[int]] = {}
    for reward in rewards:
        for verdict in reward.verdicts:
            tally = seen.setdefault(verdict.family, [0, 0])
            tally[0] += verdict.passed
            tally[1] += 1
    return {name: passed / total for name, (passed, total) in sorted(seen.items())}


def error_count(rewards: Iterable[Reward]) -> int:
    return sum(r.error is not None for r in rewards)
