"""Pair building: chosen must pass every constraint and rejected fail one, by the verifier itself."""

from __future__ import annotations

import pytest

from service.store.pairs import build_pairs, content_hash, dedup, task_hash
from tests.service.store.factories import LOWER, NO_COMMA, make_result, step, two_step, words

INSTR = "Write about tea without commas."


@pytest.mark.parametrize(
    ("original", "final", "constraints", "status", "expected"),
    [
        # an honest correction: one pair
        ("Tea, green tea.", "Tea and green tea.", [NO_COMMA], None, 1),
        # the status claims success but the final text still fails: no pair
        ("Tea, green tea.", "Tea, and tea.", [NO_COMMA], "corrected", 0),
        # the status claims failure but the verifier says the pair is good: the verifier wins
        ("Tea, green tea.", "Tea and green tea.", [NO_COMMA], "failed", 1),
        # unchanged and passing: nothing to prefer
        ("Tea is green.", "Tea is green.", [NO_COMMA], None, 0),
        # both texts pass: the rejected side fails nothing, so no preference
        ("Tea is green.", "Tea is very green.", [NO_COMMA], None, 0),
        # chosen passes one constraint but fails another: no pair
        ("Tea, green.", "Tea green.", [NO_COMMA, words(10)], None, 0),
        # two constraints, both fixed
        (
            "Tea, green.",
            "tea is a green drink that many people enjoy every day",
            [NO_COMMA, words(10)],
            None,
            1,
        ),
        # no constraints: nothing verifiable
        ("Tea, green.", "Tea green.", [], "corrected", 0),
        # an unknown constraint id: unusable, no pair rather than a guess
        ("Tea, green.", "Tea green.", [{"id": "nope:nothing", "kwargs": {}}], "corrected", 0),
    ],
)
def test_final_mode_table(original, final, constraints, status, expected):
    result = make_result(
        "r1", instruction=INSTR, original=original, final=final, constraints=constraints, status=status
    )
    pairs = build_pairs(result, "final")
    assert len(pairs) == expected
    for pair in pairs:
        assert (pair.prompt, pair.chosen, pair.rejected, pair.kind) == (INSTR, final, original, "final")
        assert pair.constraints == constraints
        assert pair.hash == content_hash(INSTR, final, original)


def test_pairs_are_strict_even_for_loose_results():
    # Passes only in loose mode (the first line, which has the comma, is dropped there).
    final = "Sure, here it is:\nTea is green and warm."
    result = make_result(
        "r",
        instruction=INSTR,
        original="Tea, green.",
        final=final,
        constraints=[NO_COMMA],
        status="corrected",
        mode="loose",
    )
    assert build_pairs(result) == []


def test_steps_mode_adds_one_pair_per_improving_step():
    result = two_step(1)
    final_pairs = build_pairs(result, "final")
    step_pairs = build_pairs(result, "steps")
    assert [p.kind for p in final_pairs] == ["final"]
    # step 0 starts from the original (same pair as "final", deduplicated); step 1 adds one.
    assert [(p.kind, p.step_index) for p in step_pairs] == [("final", None), ("step", 1)]
    assert step_pairs[1].rejected == "Hello World number 1"
    assert all(p.chosen == result.final for p in step_pairs)
    assert len({p.hash for p in step_pairs}) == 2
    assert len({p.sft_hash for p in step_pairs}) == 1


def test_steps_mode_skips_rejected_and_non_improving_steps():
    cons = [NO_COMMA, LOWER]
    original = "Green Tea, the drink that many people enjoy every morning"
    middle = "Green Tea the drink that many people enjoy every morning"
    noop = "Green Tea  the drink that many people enjoy every morning"
    final = "green tea the drink that many people enjoy every morning"
    steps = [
        step(0, original, original.upper(), cons, accepted=False),  # rejected by the engine
        step(1, original, middle, cons),  # improving (fixes the comma)
        step(2, middle, noop, cons),  # accepted but fixes nothing
        step(3, noop, final, cons),  # improving
    ]
    result = make_result(
        "r", instruction=INSTR, original=original, final=final, constraints=cons, steps=steps
    )
    pairs = build_pairs(result, "steps")
    assert [(p.kind, p.rejected) for p in pairs] == [("final", original), ("step", noop)]


def test_step_whose_text_already_passes_gives_no_pair():
    cons = [NO_COMMA]
    # A (nonsensical) trajectory whose step starts from a passing text: no preference there.
    steps = [step(0, "Tea green", "tea green", cons)]
    result = make_result(
        "r", instruction=INSTR, original="Tea, green", final="tea green", constraints=cons, steps=steps
    )
    assert [p.kind for p in build_pairs(result, "steps")] == ["final"]


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError, match="mode"):
        build_pairs(two_step(1), "all")  # type: ignore[arg-type]


def test_hash_is_unambiguous_and_dedup_keeps_first():
    assert content_hash("a|b", "c") != content_hash("a", "b|c")
    a = build_pairs(two_step(1, instruction="same"))[0]
    b = build_pairs(two_step(1, instruction="same").model_copy(update={"id": "other"}))[0]
    assert a.hash == b.hash and a.correction_id != b.correction_id
    assert [p.correction_id for p in dedup([a, b, a])] == [a.correction_id]


def test_task_hash_needs_valid_constraints():
    good = two_step(1)
    assert task_hash(good) == content_hash(good.instruction, [NO_COMMA, LOWER])
    bad = make_result(
        "r",
        instruction=INSTR,
        original="a",
        final="b",
        constraints=[{"id": "nope:x", "kwargs": {}}],
        status="failed",
    )
    assert task_hash(bad) is None
    assert (
        task_hash(
            make_result("r", instruction=INSTR, original="a", final="b", constraints=[], status="failed")
        )
        is None
    )
