"""Infeasible sets stop before any fix (no teacher call); fixes that undo each other stop as a cycle."""

from typing import Any

import pytest

from graph.constraints import verify
from graph.context import RunContext
from graph.planning import Situation, plan_next
from graph.run import correct
from graph.state import Verdict
from tests.support.fixtures import fast_teacher_config

PROMPT = "Hi, tell me about the sea."
TEXT = "The sea is wide and deep.\nIt covers most of the planet."


def spec(cid: str, **kwargs: Any) -> dict[str, Any]:
    return {"id": cid, "kwargs": kwargs}


INFEASIBLE = [
    spec("combination:repeat_prompt", prompt_to_repeat=PROMPT),
    spec("detectable_content:number_placeholders", num_placeholders=1),
    spec("punctuation:no_comma"),
]


@pytest.mark.parametrize("strategy", ["hybrid", "teacher"])
async def test_an_infeasible_set_stops_at_once_without_a_teacher_call(
    teacher_server: Any, teacher_client: str, strategy: str
) -> None:
    url = teacher_server("competent")
    context = RunContext(strategy=strategy, teacher=fast_teacher_config(url, teacher_client))  # type: ignore[arg-type]
    result = await correct("Repeat, then answer.", TEXT, INFEASIBLE, context=context)
    assert result.status == "infeasible"
    assert result.final == TEXT and result.trajectory == []
    assert result.usage.calls == 0 and url.server.chat_requests() == []
    [conflict] = result.conflicts
    assert conflict.ids == ["combination:repeat_prompt", "punctuation:no_comma"]
    assert conflict.indices == [0, 2] and "comma" in conflict.reason
    assert result.stop_reason.startswith("infeasible:") and "punctuation:no_comma" in result.stop_reason
    assert result.teacher_calls_saved == 2  # the two failing constraints of the pair


async def test_the_feasible_rest_is_fixed_when_asked() -> None:
    context = RunContext(strategy="rules", fix_feasible_rest=True)
    result = await correct("Repeat, then answer.", TEXT, INFEASIBLE, context=context)
    assert result.status == "infeasible"
    passed = [v.passed for v in verify(result.final, INFEASIBLE)]
    assert passed == [False, True, True]  # the placeholder is added; the pair is left alone
    assert [s.constraint_ids for s in result.trajectory] == [["detectable_content:number_placeholders"]]
    assert result.conflicts[0].indices == [0, 2]


async def test_a_feasible_set_reports_no_conflict() -> None:
    constraints = [
        spec("combination:repeat_prompt", prompt_to_repeat="Tell me about the sea."),
        INFEASIBLE[2],
    ]
    result = await correct("Repeat.", TEXT, constraints, context=RunContext(strategy="rules"))
    assert result.status == "corrected" and result.conflicts == []


async def test_fixes_that_undo_each_other_stop_as_a_cycle_not_by_max_rounds() -> None:
    constraints = [
        spec("change_case:english_capital"),
        spec("change_case:capital_word_frequency", capital_frequency=3, capital_relation="less than"),
    ]
    result = await correct("Shout.", TEXT, constraints, context=RunContext(strategy="rules", max_rounds=10))
    assert result.status != "infeasible" and result.conflicts == []
    assert "max_rounds" not in result.stop_reason
    assert result.cycles and "cycle" in result.stop_reason
    assert "change_case:english_capital" in result.cycles[0]
    refused = [s for s in result.trajectory if "cycle" in s.note]
    assert refused and not any(s.accepted for s in refused)
    texts = [s.response_after for s in result.trajectory if s.accepted]
    assert len(texts) == len(set(texts)) and TEXT not in texts


def test_skipped_failures_end_the_loop_with_their_reason() -> None:
    verdicts = [Verdict(id="a", passed=True, detail="ok"), Verdict(id="b", passed=False, detail="no")]
    situation = Situation(
        verdicts, [], 1, [1], 3, False, False, False, False, skip=(1,), skip_reason="cycle: x"
    )
    assert plan_next(situation) == {"next_action": "finalize", "stop_reason": "cycle: x", "queue": []}
