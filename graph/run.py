"""Entry points: correct one (instruction, response) pair, and a per-record function for bulk runners.

``correct`` validates the constraints up front (a bad spec fails before any teacher call), picks
the effective strategy (no teacher configured: rules, said so in the result), and resumes an
interrupted correction when a checkpointer holds one under the same correction id.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig

from graph.checking import constraints_of
from graph.context import GraphDeps, RunContext
from graph.errors import InputFormatError
from graph.graph import build_graph
from graph.result import ConstraintSpec, CorrectionResult
from graph.teacher import Teacher, make_teacher

log = logging.getLogger(__name__)

ConstraintsArg = Sequence[ConstraintSpec] | Sequence[Mapping[str, Any]] | None


def normalize_constraints(constraints: ConstraintsArg) -> list[dict[str, Any]] | None:
    """Specs as plain dicts, validated against the catalogue (raises ConstraintError)."""
    if constraints is None:
        return None
    specs: list[dict[str, Any]] = []
    for c in constraints:
        spec = (
            c.model_dump()
            if isinstance(c, ConstraintSpec)
            else {"id": c.get("id"), "kwargs": c.get("kwargs")}
        )
        kwargs = {k: v for k, v in dict(spec["kwargs"] or {}).items() if v is not None}
        specs.append({"id": spec["id"], "kwargs": kwargs})
    built = constraints_of(specs)
    return [{"id": c.id, "kwargs": s["kwargs"]} for c, s in zip(built, specs, strict=True)]


def effective(context: RunContext, teacher: Teacher | None) -> tuple[RunContext, str]:
    """The strategy that can actually run, and a note when it differs from the one asked for."""
    if context.strategy != "rules" and teacher is None:
        note = f"no teacher configured: strategy '{context.strategy}' fell back to 'rules' (deterministic repairs only)"
        return dataclasses.replace(context, strategy="rules"), note
    return context, ""


async def correct(
    instruction: str,
    response: str,
    constraints: ConstraintsArg = None,
    *,
    context: RunContext | None = None,
    teacher: Teacher | None = None,
    correction_id: str | None = None,
    checkpointer: Any = None,
) -> CorrectionResult:
    """Correct ``response`` until every constraint passes or a stop condition holds.

    A teacher built here from ``context.teacher`` is closed here; a passed-in one is the caller's.
    """
    started = time.perf_counter()
    asked = context or RunContext()
    owned = make_teacher(asked.teacher) if teacher is None and asked.teacher is not None else None
    try:
        return await _run_graph(
            instruction, response, constraints, asked, teacher or owned, correction_id, checkpointer, started
        )
    finally:
        if owned is not None:
            await owned.aclose()


async def _run_graph(
    instruction: str,
    response: str,
    constraints: ConstraintsArg,
    asked: RunContext,
    teacher: Teacher | None,
    correction_id: str | None,
    checkpointer: Any,
    started: float,
) -> CorrectionResult:
    """One invocation (or resumption) of the compiled graph (a finished one is returned as stored)."""
    run, note = effective(asked, teacher)
    specs = normalize_constraints(constraints)
    cid = correction_id or uuid.uuid4().hex
    graph = build_graph(checkpointer)
    config: RunnableConfig = {"configurable": {"thread_id": cid}}
    deps = GraphDeps(
        run=run, teacher=teacher if run.strategy != "rules" else None, checkpointed=checkpointer is not None
    )
    payload: dict[str, Any] | None = {
        "id": cid,
        "instruction": instruction,
        "original": response,
        "strategy": run.strategy,
        "strategy_note": note,
        "teacher_model": deps.teacher.model if deps.teacher is not None else None,
    }
    if specs is not None:
        assert payload is not None
        payload["constraints"] = specs
    if checkpointer is not None:
        snapshot = await graph.aget_state(config)
        if snapshot.values.get("result"):
            return CorrectionResult.model_validate(snapshot.values["result"])
        if snapshot.next:
            log.info("correction %s: resuming at %s", cid, ", ".join(snapshot.next))
            payload = None
    final = await graph.ainvoke(payload, config, context=deps)  # type: ignore[arg-type]
    result = CorrectionResult.model_validate(final["result"])
    result.elapsed_s = time.perf_counter() - started
    return result


def correct_sync(
    instruction: str,
    response: str,
    constraints: ConstraintsArg = None,
    *,
    context: RunContext | None = None,
    teacher: Teacher | None = None,
    correction_id: str | None = None,
    checkpointer: Any = None,
) -> CorrectionResult:
    """:func:`correct` for synchronous callers (runs its own event loop)."""
    return asyncio.run(
        correct(
            instruction,
            response,
            constraints,
            context=context,
            teacher=teacher,
            correction_id=correction_id,
            checkpointer=checkpointer,
        )
    )


def record_constraints(row: Mapping[str, Any], line: int | None = None) -> list[dict[str, Any]] | None:
    """Constraint specs of an input row: ``constraints`` [{id, kwargs}] or IFEval's parallel lists."""
    where = f"row {line}" if line is not None else "row"
    given = row.get("constraints")
    if isinstance(given, list) and all(isinstance(c, Mapping) for c in given):
        return [dict(c) for c in given]
    ids = row.get("instruction_id_list")
    if ids is None:
        return None
    kwargs = row.get("kwargs") or [{} for _ in ids]
    if not isinstance(ids, list) or not isinstance(kwargs, list) or len(kwargs) != len(ids):
        raise InputFormatError(f"{where}: instruction_id_list and kwargs must be lists of equal length")
    return [{"id": cid, "kwargs": dict(kw or {})} for cid, kw in zip(ids, kwargs, strict=True)]


async def correct_record(
    row: Mapping[str, Any],
    *,
    context: RunContext | None = None,
    teacher: Teacher | None = None,
    line: int | None = None,
    checkpointer: Any = None,
) -> CorrectionResult:
    """Correct one input row (paper/IFEval format: prompt, response, instruction_id_list, kwargs)."""
    where = f"row {line}" if line is not None else "row"
    instruction = row.get("prompt", row.get("instruction"))
    response = row.get("response")
    if not isinstance(instruction, str) or not isinstance(response, str):
        raise InputFormatError(f"{where}: needs string fields 'prompt' (or 'instruction') and 'response'")
    cid = row.get("id") or row.get("key")
    return await correct(
        instruction,
        response,
        record_constraints(row, line),
        context=context,
        teacher=teacher,
        correction_id=str(cid) if cid is not None and checkpointer is not None else None,
        checkpointer=checkpointer,
    )
