import pytest

from graph.planning import Situation, plan_next
from graph.state import Verdict


def verdicts(*passed: bool) -> list[Verdict]:
    return [Verdict(id=f"c{i}", passed=p, detail="ok" if p else "no") for i, p in enumerate(passed)]


def situation(**changes: object) -> Situation:
    base: dict[str, object] = {
        "verdicts": verdicts(True, False, False),
        "queue": [],
        "round": 1,
        "round_failures": [1, 2],
        "max_rounds": 3,
        "combined_done": False,
        "just_combined": False,
        "budget_hit": False,
        "can_combine": True,
    }
    base.update(changes)
    return Situation(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "action", "reason"),
    [
        ({"verdicts": verdicts(True, True, True)}, "finalize", "all constraints pass"),
        ({"budget_hit": True}, "finalize", "token/cost budget exhausted"),
        ({"queue": [2]}, "correct", None),
        ({}, "combine", None),
        ({"can_combine": False}, "finalize", "no progress"),
        ({"combined_done": True}, "finalize", "no progress"),
        (
            {"just_combined": True, "combined_done": True},
            "finalize",
            "no progress, even with a combined prompt",
        ),
        ({"round_failures": [1]}, "correct", None),
        ({"round_failures": [1], "round": 3}, "finalize", "max_rounds (3) reached"),
    ],
)
def test_plan_next(changes: dict[str, object], action: str, reason: str | None) -> None:
    plan = plan_next(situation(**changes))
    assert plan["next_action"] == action
    assert plan.get("stop_reason") == reason


def test_a_new_round_requeues_the_current_failures() -> None:
    plan = plan_next(situation(round_failures=[0, 1, 2], verdicts=verdicts(True, False, False)))
    assert plan == {"next_action": "correct", "queue": [1, 2], "round": 2, "round_failures": [1, 2]}


def test_queue_skips_constraints_that_now_pass() -> None:
    plan = plan_next(situation(queue=[1, 2], verdicts=verdicts(True, True, False)))
    assert plan == {"next_action": "correct", "queue": [2]}
