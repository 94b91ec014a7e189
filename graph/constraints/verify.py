"""Verification of a response against many constraints, strict or loose (IFEval semantics)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from graph.constraints.base import CheckResult, Constraint
from graph.constraints.patterns import close_budget, open_budget
from graph.constraints.registry import build
from graph.errors import ConstraintParamError, PatternBudgetError

Mode = Literal["strict", "loose"]
ConstraintSpec = Mapping[str, Any]


def loose_variants(response: str) -> list[str]:
    """The official 8 texts of loose mode: first/last/both lines dropped, with and without '*'."""
    lines = response.split("\n")
    no_first = "\n".join(lines[1:]).strip()
    no_last = "\n".join(lines[:-1]).strip()
    no_both = "\n".join(lines[1:-1]).strip()
    variants = [response, response.replace("*", ""), no_first, no_last, no_both]
    variants += [no_first.replace("*", ""), no_last.replace("*", ""), no_both.replace("*", "")]
    return variants


def check_loose(
    constraint: Constraint[Any],
    response: str,
    variants: Sequence[str] | None = None,
    strict: CheckResult | None = None,
) -> CheckResult:
    """Passes when any non-blank variant passes; a failure reports the strict detail.

    ``strict`` is the strict result when the caller already has it. A variant equal to the
    response or to an earlier variant is skipped: checks are pure functions of the text, so it
    would fail again, and the first passing index is unchanged.
    """
    if strict is None:
        strict = constraint.check(response)
    if strict.passed:
        return strict
    seen = {response}
    for index, variant in enumerate(variants or loose_variants(response)[1:], start=1):
        if variant in seen or not variant.strip():
            continue
        seen.add(variant)
        result = constraint.check(variant)
        if result.passed:
            return CheckResult(constraint.id, True, f"passes on loose variant {index}", result.measured)
    return strict


def build_constraints(
    constraints: Iterable[ConstraintSpec | Constraint[Any]] | None = None,
    *,
    instruction_id_list: Sequence[str] | None = None,
    kwargs: Sequence[Mapping[str, Any] | None] | None = None,
) -> list[Constraint[Any]]:
    """Build from ``[{"id", "kwargs"}]`` or from IFEval's parallel ``instruction_id_list`` + ``kwargs``."""
    if constraints is not None:
        built: list[Constraint[Any]] = []
        for index, spec in enumerate(constraints):
            if isinstance(spec, Constraint):
                built.append(spec)
                continue
            if not isinstance(spec, Mapping) or "id" not in spec:
                raise ConstraintParamError(
                    f"constraints[{index}] needs an 'id'", field=f"constraints[{index}].id"
                )
            built.append(build(spec["id"], spec.get("kwargs")))
        return built
    ids = list(instruction_id_list or [])
    kw = list(kwargs) if kwargs is not None else [None] * len(ids)
    if len(kw) != len(ids):
        raise ConstraintParamError(
            f"kwargs has {len(kw)} entries but instruction_id_list has {len(ids)}", field="kwargs"
        )
    return [build(cid, k) for cid, k in zip(ids, kw, strict=True)]


def verify(
    response: str,
    constraints: Iterable[ConstraintSpec | Constraint[Any]] | None = None,
    mode: Mode = "strict",
    *,
    instruction_id_list: Sequence[str] | None = None,
    kwargs: Sequence[Mapping[str, Any] | None] | None = None,
) -> list[CheckResult]:
    """Check one response against every constraint; results in constraint order.

    All regex matching shares one time budget (``graph.constraints.patterns``); a runaway pattern
    raises :class:`PatternBudgetError` naming ``constraints[i].kwargs.<field>``.
    """
    built = build_constraints(constraints, instruction_id_list=instruction_id_list, kwargs=kwargs)
    if mode not in ("strict", "loose"):
        raise ConstraintParamError(f"mode must be 'strict' or 'loose', got {mode!r}", field="mode")
    variants = loose_variants(response)[1:] if mode == "loose" else None
    results = []
    token = open_budget()
    try:
        for index, constraint in enumerate(built):
            try:
                if variants is None:
                    results.append(constraint.check(response))
                else:
                    results.append(check_loose(constraint, response, variants))
            except PatternBudgetError as exc:
                raise PatternBudgetError(
                    exc.message,
                    constraint_id=constraint.id,
                    field=f"constraints[{index}].kwargs.{exc.field}",
                ) from exc
    finally:
        close_budget(token)
    return results
