"""Which constraints a completion is held to, and the verdicts on it, as the ``followfix`` field
and the ``X-Followfix-*`` headers of the reply.

Constraints the caller gave are validated before anything goes upstream (a bad spec is a 400
naming ``followfix.constraints[i]...``); otherwise they are extracted from the instruction. A
request with nothing to check is still forwarded: the front door never costs a client its reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.concurrency import run_in_threadpool

from graph.constraints import verify
from graph.errors import ConstraintError
from service.api.extraction import run_extractor
from service.api.schemas import ConstraintIn
from service.api.validation import build_constraints
from service.proxy.request import BadChatRequest, ProxyOptions, last_user_text
from service.settings import Settings


@dataclass
class Plan:
    """What a request is checked against: the instruction, the specs and where they came from."""

    instruction: str | None
    specs: list[dict[str, Any]] = field(default_factory=list)
    source: str = "none"  # request | extracted | none
    note: str | None = None


def given_constraints(options: ProxyOptions) -> list[dict[str, Any]] | None:
    """The caller's constraints, validated now; None when the caller gave none."""
    if options.constraints is None:
        return None
    try:
        built = build_constraints(options.constraints)
    except ConstraintError as exc:
        param = f"followfix.{exc.field or 'constraints'}"
        raise BadChatRequest(f"{param}: {exc.message}", param) from exc
    return [{"id": c.id, "kwargs": c.kwargs()} for c in built]


async def plan(
    options: ProxyOptions, messages: list[dict[str, Any]], settings: Settings, extractor_teacher: Any
) -> Plan:
    instruction = options.instruction or last_user_text(messages)
    given = given_constraints(options)
    if given is not None:
        return Plan(instruction, given, "request")
    if not instruction or not instruction.strip():
        return Plan(instruction, note="no user message text to extract constraints from")
    if len(instruction) > settings.max_instruction_chars:
        note = f"instruction longer than {settings.max_instruction_chars} characters: not checked"
        return Plan(None, note=note)
    extractor = options.extractor or settings.extractor
    found = await run_extractor(
        instruction, extractor, teacher=extractor_teacher, field="followfix.extractor"
    )
    return Plan(instruction, [{"id": c.id, "kwargs": c.kwargs} for c in found], "extracted")


async def check(
    texts: list[str | None], the_plan: Plan, mode: Literal["strict", "loose"], settings: Settings
) -> dict[str, Any]:
    """Verdicts per choice; a long text is checked in a worker thread (it must not stall the loop)."""
    built = build_constraints_quiet(the_plan.specs)
    choices: list[dict[str, Any]] = []
    for index, text in enumerate(texts):
        if text is None or not built:
            choices.append({"index": index, "passed": None, "verdicts": []})
            continue
        if len(text) <= settings.verify_inline_max_chars:
            results = verify(text, built, mode)
        else:
            results = await run_in_threadpool(verify, text, built, mode)
        verdicts = [{"id": r.constraint_id, "passed": r.passed, "detail": r.detail} for r in results]
        choices.append({"index": index, "passed": all(r.passed for r in results), "verdicts": verdicts})
    decided = [c["passed"] for c in choices if c["passed"] is not None]
    info: dict[str, Any] = {
        "passed": all(decided) if decided else None,
        "constraints": the_plan.specs,
        "constraints_source": the_plan.source,
        "verdicts": choices[0]["verdicts"] if choices else [],
        "choices": choices,
    }
    if the_plan.note:
        info["note"] = the_plan.note
    return info


def build_constraints_quiet(specs: list[dict[str, Any]]) -> list[Any]:
    """Specs already validated (given or extracted from the catalogue) built for checking."""
    return build_constraints([ConstraintIn(id=s["id"], kwargs=s.get("kwargs") or {}) for s in specs])


def headers_for(info: dict[str, Any]) -> dict[str, str]:
    """The verdict in headers, for clients that read those and not the body."""
    passed = info.get("passed")
    failed = sorted(
        {v["id"] for choice in info.get("choices", []) for v in choice["verdicts"] if not v["passed"]}
    )
    headers = {
        "X-Followfix-Mode": str(info.get("mode", "")),
        "X-Followfix-Passed": "none" if passed is None else str(bool(passed)).lower(),
        "X-Followfix-Checked": str(len(info.get("constraints", []))),
    }
    if failed:
        headers["X-Followfix-Failed"] = ",".join(failed)
    collect = info.get("collect")
    if isinstance(collect, dict):
        headers["X-Followfix-Collect"] = str(collect.get("status", ""))
    return headers
