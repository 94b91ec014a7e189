"""The graph's nodes: each a short function of (state, runtime) returning an update, never mutating.

extract -> check -> correct -> verify -> (correct | combine | finalize); see graph.graph.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from langgraph.runtime import Runtime

from graph.checking import acceptable, check_all, constraints_of, failing, passes
from graph.context import GraphDeps
from graph.fixing import repair_attempt, teacher_attempts
from graph.planning import Situation, plan_next
from graph.result import CorrectionResult, Status, Usage
from graph.state import Attempt, CorrectionState

log = logging.getLogger(__name__)


async def extract_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """Constraints parsed from the instruction, for requests that carry none."""
    from graph.extract import extract

    found = extract(state["instruction"])
    if inspect.isawaitable(found):
        found = await found
    return {"constraints": [{"id": c.id, "kwargs": dict(c.kwargs or {})} for c in found]}


def check_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """The first verdicts; nothing failing means the response is returned unchanged."""
    verdicts = check_all(constraints_of(state["constraints"]), state["original"], runtime.context.run.mode)
    failures = failing(verdicts)
    update: dict[str, Any] = {
        "response": state["original"],
        "verdicts_before": verdicts,
        "verdicts": verdicts,
        "round": 1 if failures else 0,
        "queue": failures,
        "round_failures": failures,
        "next_action": "correct" if failures else "finalize",
    }
    if not failures:
        update["stop_reason"] = "all constraints pass" if verdicts else "no constraints"
    return update


async def correct_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """Propose a fix for the next failing constraint of this round (one at a time, latest text)."""
    deps = runtime.context
    constraints = constraints_of(state["constraints"])
    strategy, verdicts = state["strategy"], state["verdicts"]
    queue: list[int] = list(state.get("queue") or [])
    unfixable: list[str] = []
    while queue:
        index = queue.pop(0)
        if verdicts[index]["passed"]:
            continue
        attempt: Attempt | None = None
        if strategy != "teacher":
            attempt = repair_attempt(constraints[index], index, state["response"])
        if attempt is not None:
            return {"queue": queue, "pending": [attempt], "unfixable": unfixable}
        if strategy != "rules" and deps.teacher is not None:
            attempts, budget_hit = await teacher_attempts(state, deps, constraints, [index], "teacher")
            return {"queue": queue, "pending": attempts, "budget_hit": budget_hit, "unfixable": unfixable}
        unfixable.append(constraints[index].id)
    return {"queue": [], "pending": [], "unfixable": unfixable}


async def combine_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """One prompt naming every failing constraint, tried once when a round made no progress."""
    constraints = constraints_of(state["constraints"])
    targets = failing(state["verdicts"])
    attempts, budget_hit = await teacher_attempts(
        state, runtime.context, constraints, targets, "teacher_combined"
    )
    return {"pending": attempts, "budget_hit": budget_hit, "combined_done": True}


def verify_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """Re-check ALL constraints on each candidate, keep the best acceptable one, record every step."""
    run = runtime.context.run
    constraints = constraints_of(state["constraints"])
    text, verdicts = state["response"], state["verdicts"]
    pending = state.get("pending") or []
    offset = len(state.get("trajectory") or [])
    steps: list[dict[str, Any]] = []
    best: tuple[int, list[Any]] | None = None
    usage, teacher_s = Usage(), 0.0
    for number, att in enumerate(pending):
        after = verdicts if att["text"] is None else check_all(constraints, att["text"], run.mode)
        usable = att["text"] is not None and acceptable(att["targets"], verdicts, after)
        if usable and (best is None or att["edit_distance"] < pending[best[0]]["edit_distance"]):
            best = (number, after)
        step_usage = Usage.model_validate(att["usage"])
        usage = usage.add(step_usage)
        if att["method"] != "repair":
            teacher_s += att["latency_s"]
        steps.append(
            {
                "index": offset + number,
                "round": state.get("round", 0),
                "constraint_ids": [constraints[i].id for i in att["targets"]],
                "method": att["method"],
                "response_before": text,
                "response_after": att["text"] if att["text"] is not None else "",
                "accepted": False,
                "edit_distance": att["edit_distance"],
                "passed_after": [v["passed"] for v in after],
                "usage": step_usage.model_dump(),
                "latency_s": att["latency_s"],
                "note": att["note"],
            }
        )
    if best is not None:
        steps[best[0]]["accepted"] = True
        text, verdicts = pending[best[0]]["text"] or text, best[1]
    just_combined = any(att["method"] == "teacher_combined" for att in pending)
    situation = Situation(
        verdicts=verdicts,
        queue=list(state.get("queue") or []),
        round=state.get("round", 1),
        round_failures=list(state.get("round_failures") or []),
        max_rounds=run.max_rounds,
        combined_done=bool(state.get("combined_done")),
        just_combined=just_combined,
        budget_hit=bool(state.get("budget_hit")),
        can_combine=state["strategy"] != "rules" and runtime.context.teacher is not None,
    )
    update = plan_next(situation)
    update.update(
        {
            "response": text,
            "verdicts": verdicts,
            "pending": [],
            "trajectory": steps,
            "usage": usage.model_dump(),
        }
    )
    update["teacher_s"] = teacher_s
    return update


def finalize_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """The result, with verdicts_after freshly checked on the final text (no claimed pass unconfirmed)."""
    run = runtime.context.run
    final = state.get("response", state["original"])
    after = check_all(constraints_of(state["constraints"]), final, run.mode)
    before = state.get("verdicts_before") or []
    trajectory = state.get("trajectory") or []
    status: Status
    if not failing(after):
        status = "unchanged" if final == state["original"] and not failing(before) else "corrected"
    else:
        status = "partial" if passes(after) > passes(before) else "failed"
    stop_reason = state.get("stop_reason", "")
    if state.get("unfixable") and failing(after):
        stop_reason += f"; no fix available for {', '.join(state['unfixable'])}"
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
    )
    log.debug("correction %s: %s after %d step(s)", state["id"], status, len(trajectory))
    return {"result": result.model_dump(mode="json")}


def route(state: CorrectionState) -> str:
    """Conditional edge: the action the last node planned."""
    return state.get("next_action", "finalize")
