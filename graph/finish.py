"""The result of a correction, built by the node that decides to stop (check, or the verify step).

Stopping is not a node of its own: a separate finalize step would cost one more LangGraph
super-step per correction for no decision. ``verdicts_after`` are the state's verdicts: the
checker's own results on exactly the final text (check computes them for the original, the verify
step for every text it accepts), so no pass is ever claimed that the checker did not confirm.
"""

from __future__ import annotations

import logging
from typing import Any

from graph.checking import failing, passes
from graph.context import RunContext
from graph.cycles import infeasible_reason
from graph.result import CorrectionResult, Status, Usage
from graph.state import CorrectionState, add_usage, union

log = logging.getLogger(__name__)


def merged(state: CorrectionState, update: dict[str, Any]) -> CorrectionState:
    """The state as it will be once ``update`` is applied (the reducers of graph.state included)."""
    view: dict[str, Any] = {**state, **update}
    if "trajectory" in update:
        view["trajectory"] = list(state.get("trajectory") or []) + update["trajectory"]
    if "usage" in update:
        view["usage"] = add_usage(state.get("usage"), update["usage"])
    if "teacher_s" in update:
        view["teacher_s"] = state.get("teacher_s", 0.0) + update["teacher_s"]
    if "unfixable" in update:
        view["unfixable"] = union(state.get("unfixable"), update["unfixable"])
    return view  # type: ignore[return-value]


def calls_saved(state: CorrectionState, trajectory: list[dict[str, Any]], run: RunContext) -> int:
    """Teacher calls this correction did without: accepted repairs, and failures left untouched
    because their set is infeasible (each would have cost at least one call)."""
    repairs = sum(1 for step in trajectory if step["method"] == "repair" and step["accepted"])
    failures = failing(state.get("verdicts_before") or [])
    if state.get("conflicts") and not run.fix_feasible_rest:
        return repairs + len(failures)
    excluded = set(state.get("excluded") or [])
    return repairs + sum(1 for i in failures if i in excluded)


def finish(state: CorrectionState, run: RunContext) -> dict[str, Any]:
    """The result (as JSON-like data, so checkpoints serialize it) of a correction that stops here."""
    final = state.get("response", state["original"])
    after = state["verdicts"]
    before = state.get("verdicts_before") or []
    trajectory = state.get("trajectory") or []
    conflicts = state.get("conflicts") or []
    status: Status
    if not failing(after):
        status = "unchanged" if final == state["original"] and not failing(before) else "corrected"
    elif conflicts:
        status = "infeasible"
    else:
        status = "partial" if passes(after) > passes(before) else "failed"
    stop_reason = state.get("stop_reason", "")
    if conflicts and failing(after) and not stop_reason.startswith("infeasible"):
        stop_reason = infeasible_reason(conflicts) + (f"; then {stop_reason}" if stop_reason else "")
    if state.get("unfixable") and failing(after):
        stop_reason += f"; no fix available for {', '.join(state['unfixable'])}"
    for cycle in state.get("cycles") or []:
        if cycle not in stop_reason:
            stop_reason += f"; {cycle}"
    result = CorrectionResult(
        id=state["id"],
        instruction=state["instruction"],
        original=state["original"],
        final=final,
        status=status,
        strategy=state["strategy"],  # type: ignore[arg-type]
        strategy_note=state.get("strategy_note", ""),
        mode=run.mode,
        constraints=state["constraints"],  # type: ignore[arg-type]
        verdicts_before=before,  # type: ignore[arg-type]
        verdicts_after=after,  # type: ignore[arg-type]
        rounds=state.get("round", 0),
        stop_reason=stop_reason,
        trajectory=trajectory,  # type: ignore[arg-type]
        usage=Usage.model_validate(state.get("usage") or {}),
        teacher_model=state.get("teacher_model"),
        teacher_s=state.get("teacher_s", 0.0),
        conflicts=conflicts,  # type: ignore[arg-type]
        cycles=state.get("cycles") or [],
        teacher_calls_saved=calls_saved(state, trajectory, run),
    )
    log.debug("correction %s: %s after %d step(s)", state["id"], status, len(trajectory))
    return result.model_dump(mode="json")
