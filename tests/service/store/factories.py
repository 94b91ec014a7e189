"""Honest CorrectionResults for store tests: verdicts come from the real verifier, never typed in."""

from __future__ import annotations

from typing import Any

from graph.constraints import verify
from graph.errors import ConstraintError
from graph.result import ConstraintSpec, CorrectionResult, Status, Step, Verdict

NO_COMMA: dict[str, Any] = {"id": "punctuation:no_comma", "kwargs": {}}
LOWER: dict[str, Any] = {"id": "change_case:english_lowercase", "kwargs": {}}


def words(n: int) -> dict[str, Any]:
    return {"id": "length_constraints:number_words", "kwargs": {"relation": "at least", "num_words": n}}


def verdicts(text: str, constraints: list[dict[str, Any]]) -> list[Verdict]:
    return [Verdict(id=r.constraint_id, passed=r.passed, detail=r.detail) for r in verify(text, constraints)]


def step(
    index: int, before: str, after: str, constraints: list[dict[str, Any]], accepted: bool = True
) -> Step:
    return Step(
        index=index,
        round=index + 1,
        constraint_ids=[constraints[0]["id"]],
        method="repair",
        response_before=before,
        response_after=after,
        accepted=accepted,
        edit_distance=0.1,
        passed_after=[v.passed for v in verdicts(after, constraints)],
    )


def make_result(
    id: str,
    *,
    instruction: str,
    original: str,
    final: str,
    constraints: list[dict[str, Any]],
    steps: list[Step] | None = None,
    status: Status | None = None,
    mode: str = "strict",
) -> CorrectionResult:
    """``status`` defaults to what the verifier says; pass one to build a result that lies."""
    after = verdicts(final, constraints) if constraints and _valid(constraints) else []
    if status is None:
        if final == original:
            status = "unchanged" if all(v.passed for v in after) else "failed"
        else:
            status = "corrected" if all(v.passed for v in after) else "partial"
    return CorrectionResult(
        id=id,
        instruction=instruction,
        original=original,
        final=final,
        status=status,
        strategy="rules",
        mode=mode,  # type: ignore[arg-type]
        constraints=[ConstraintSpec(**c) for c in constraints],
        verdicts_before=verdicts(original, constraints) if after else [],
        verdicts_after=after,
        rounds=len(steps or []),
        stop_reason="all_passed" if status == "corrected" else "",
        trajectory=steps or [],
        teacher_model=None,
    )


def _valid(constraints: list[dict[str, Any]]) -> bool:
    try:
        verify("x", constraints)
    except ConstraintError:
        return False
    return True


def two_step(i: int, *, instruction: str | None = None) -> CorrectionResult:
    """Comma removed, then lowercased: two improving steps, one final pair, one extra step pair."""
    cons = [NO_COMMA, LOWER]
    original, middle, final = f"Hello, World number {i}", f"Hello World number {i}", f"hello world number {i}"
    return make_result(
        f"two-step-{i}",
        instruction=instruction or f"Greet the world ({i}), lowercase and without commas.",
        original=original,
        final=final,
        constraints=cons,
        steps=[step(0, original, middle, cons), step(1, middle, final, cons)],
    )


def synthetic(i: int) -> CorrectionResult:
    """A cheap corrected result for volume tests (one constraint, one step)."""
    cons = [NO_COMMA]
    original, final = f"Item {i}, with a comma", f"Item {i} with a comma"
    return make_result(
        f"syn-{i:07d}",
        instruction=f"Describe item {i} without commas.",
        original=original,
        final=final,
        constraints=cons,
        steps=[step(0, original, final, cons)],
    )
