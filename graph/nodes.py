"""The graph's nodes: each a short function of (state, runtime) returning an update, never mutating.

check, correct and verify return a ``Command``: their update plus the node they planned next.
Every node is a coroutine: LangGraph runs a plain function in a worker thread, and that hop cost
more per record than the checks themselves (the checks hold the GIL either way).

check -> correct -> verify -> (correct | combine | end); see graph.graph. The node that stops the
loop writes the result (graph.finish).
"""

from __future__ import annotations

import inspect
from typing import Any

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.checking import acceptable, check_all, constraints_of, failing
from graph.constraints.conflicts import find_conflicts
from graph.context import GraphDeps
from graph.cycles import cycle_of, digest, infeasible_reason, newly_broken
from graph.finish import finish, merged
from graph.fixing import repair_attempt, teacher_attempts
from graph.planning import Situation, plan_next, repair_rank
from graph.result import Usage
from graph.state import Attempt, CorrectionState


async def extract_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """Constraints parsed from the instruction, for requests that carry none."""
    from graph.extract import extract

    found = extract(state["instruction"])
    if inspect.isawaitable(found):
        found = await found
    return {"constraints": [{"id": c.id, "kwargs": dict(c.kwargs or {})} for c in found]}


async def check_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> Command[str]:
    """The first verdicts; nothing failing means the response is returned unchanged.

    The entry node: a request without constraints goes to extract first (which comes back here).
    Before any fix the set is checked against the conflict table: an infeasible set stops here
    (status ``infeasible``, no teacher call) unless the run asks to fix the feasible rest.
    """
    if state.get("constraints") is None:
        return Command(goto="extract")
    run = runtime.context.run
    constraints = constraints_of(state["constraints"])
    verdicts = check_all(constraints, state["original"], run.mode)
    failures = failing(verdicts)
    conflicts = [c.as_dict() for c in find_conflicts(constraints)] if failures else []
    excluded = sorted({i for c in conflicts for i in c["indices"]})
    queue = failures
    if conflicts:
        queue = [i for i in failures if i not in excluded] if run.fix_feasible_rest else []
    update: dict[str, Any] = {
        "response": state["original"],
        "verdicts_before": verdicts,
        "verdicts": verdicts,
        "round": 1 if queue else 0,
        "queue": queue,
        "round_failures": queue,
        "next_action": "correct" if queue else "finalize",
        "conflicts": conflicts,
        "excluded": excluded,
        "blocked": [],
        "seen": [digest(state["original"])],
        "broke": [],
    }
    if not queue:
        if failures:
            update["stop_reason"] = infeasible_reason(conflicts)
        else:
            update["stop_reason"] = "all constraints pass" if verdicts else "no constraints"
        update["result"] = finish(merged(state, update), run)
    return goto(update)


async def correct_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> Command[str]:
    """Propose a fix for the next failing constraint of this round (one at a time, latest text).

    With a checkpointer, a teacher's reply goes to the verify node (checkpointed first: it cost a
    call). A mechanical repair costs nothing to redo, and without a checkpointer nothing is saved
    between steps anyway, so those are judged here, by the same re-check of ALL constraints, which
    spares one LangGraph super-step per fix.
    """
    deps = runtime.context
    constraints = constraints_of(state["constraints"])
    strategy, verdicts = state["strategy"], state["verdicts"]
    queue: list[int] = sorted(state.get("queue") or [], key=lambda i: repair_rank(constraints[i].id))
    blocked = state.get("blocked") or []
    unfixable: list[str] = []
    while queue:
        index = queue.pop(0)
        if verdicts[index]["passed"]:
            continue
        attempt: Attempt | None = None
        if strategy != "teacher" and index not in blocked:
            attempt = repair_attempt(constraints[index], index, state["response"])
        if attempt is not None:
            return judged_here(state, {"queue": queue, "pending": [attempt], "unfixable": unfixable}, deps)
        if strategy != "rules" and deps.teacher is not None:
            attempts, budget_hit = await teacher_attempts(state, deps, constraints, [index], "teacher")
            update = {"queue": queue, "pending": attempts, "budget_hit": budget_hit, "unfixable": unfixable}
            if not deps.checkpointed:
                return judged_here(state, update, deps)
            return Command(update=update, goto="verify")
        unfixable.append(constraints[index].id)
    return Command(update={"queue": [], "pending": [], "unfixable": unfixable}, goto="verify")


async def combine_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> dict[str, Any]:
    """One prompt naming every failing constraint, tried once when a round made no progress."""
    constraints = constraints_of(state["constraints"])
    targets = failing(state["verdicts"])
    attempts, budget_hit = await teacher_attempts(
        state, runtime.context, constraints, targets, "teacher_combined"
    )
    return {"pending": attempts, "budget_hit": budget_hit, "combined_done": True}


def judged_here(state: CorrectionState, update: dict[str, Any], deps: GraphDeps) -> Command[str]:
    """``update`` plus the verify step run on it in this node (one LangGraph super-step less)."""
    return goto({**update, **judge(merged(state, update), deps)})


async def verify_node(state: CorrectionState, runtime: Runtime[GraphDeps]) -> Command[str]:
    """Re-check ALL constraints on each candidate, keep the best acceptable one, record every step."""
    return goto(judge(state, runtime.context))


def judge(state: CorrectionState, deps: GraphDeps) -> dict[str, Any]:
    """The verify step proper: the update after judging ``state["pending"]``, and the plan."""
    run = deps.run
    constraints = constraints_of(state["constraints"])
    text, verdicts = state["response"], state["verdicts"]
    pending = state.get("pending") or []
    offset = len(state.get("trajectory") or [])
    steps: list[dict[str, Any]] = []
    best: tuple[int, list[Any]] | None = None
    usage, teacher_s = Usage(), 0.0
    seen, broke = list(state.get("seen") or []), [list(p) for p in state.get("broke") or []]
    blocked, cycles = list(state.get("blocked") or []), list(state.get("cycles") or [])
    for number, att in enumerate(pending):
        after = verdicts if att["text"] is None else check_all(constraints, att["text"], run.mode)
        usable = att["text"] is not None and acceptable(att["targets"], verdicts, after)
        note = att["note"]
        if usable and att["text"] is not None:
            cycle = cycle_of(att, verdicts, after, seen, broke, constraints, state.get("trajectory") or [])
            if cycle:
                usable, note = False, (note + "; " if note else "") + cycle
                blocked.extend(i for i in att["targets"] if i not in blocked)
                cycles.append(cycle)
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
                "note": note,
            }
        )
    if best is not None:
        steps[best[0]]["accepted"] = True
        accepted = pending[best[0]]["text"]
        assert accepted is not None, "only a candidate with a text is acceptable"
        broken = newly_broken(verdicts, best[1])
        broke.extend([t, j] for t in pending[best[0]]["targets"] for j in broken)
        text, verdicts = accepted, best[1]
        seen.append(digest(text))
    just_combined = any(att["method"] == "teacher_combined" for att in pending)
    can_teach = state["strategy"] != "rules" and deps.teacher is not None
    situation = Situation(
        verdicts=verdicts,
        queue=list(state.get("queue") or []),
        round=state.get("round", 1),
        round_failures=list(state.get("round_failures") or []),
        max_rounds=run.max_rounds,
        combined_done=bool(state.get("combined_done")),
        just_combined=just_combined,
        budget_hit=bool(state.get("budget_hit")),
        can_combine=can_teach,
        skip=tuple(state.get("excluded") or []) + (() if can_teach else tuple(blocked)),
        skip_reason="; ".join(cycles) or infeasible_reason(state.get("conflicts") or []),
    )
    update = plan_next(situation)
    update.update(
        {
            "response": text,
            "verdicts": verdicts,
            "pending": [],
            "trajectory": steps,
            "usage": usage.model_dump(),
            "seen": seen,
            "broke": broke,
            "blocked": blocked,
            "cycles": cycles,
        }
    )
    update["teacher_s"] = teacher_s
    if update["next_action"] == "finalize":
        update["result"] = finish(merged(state, update), run)
    return update


def goto(update: dict[str, Any]) -> Command[str]:
    """The update plus the planned next node: "finalize" ends the run (the result is written).

    Routing by Command instead of a conditional edge spares LangGraph a branch run per step.
    """
    action = update["next_action"]
    return Command(update=update, goto=END if action == "finalize" else action)
