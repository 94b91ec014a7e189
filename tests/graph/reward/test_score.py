"""The reward scorer: spec spellings, aggregates, thinking, errors, and open-instruct parity."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from graph.constraints import verify
from graph.errors import ConstraintParamError
from graph.reward import parse_specs, score, strip_thinking

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PARITY = [json.loads(line) for line in (FIXTURES / "reward_parity.jsonl").open()]

IDS = ["punctuation:no_comma", "length_constraints:number_words"]
KW = [None, {"num_words": 3, "relation": "at least", "num_sentences": None}]
OURS = [{"id": IDS[0], "kwargs": {}}, {"id": IDS[1], "kwargs": {"num_words": 3, "relation": "at least"}}]


@pytest.mark.parametrize(
    "spelling",
    [
        OURS,
        {"constraints": OURS},
        {"instruction_id_list": IDS, "kwargs": KW},
        json.dumps({"instruction_id_list": IDS, "kwargs": KW}),
        str([{"instruction_id": IDS, "kwargs": KW}]),
        json.dumps([{"instruction_id": IDS, "kwargs": KW}]),
        {"verifier_metadata": {"instruction_id_list": IDS, "kwargs": KW}},
        {"ground_truth": json.dumps({"instruction_id_list": IDS, "kwargs": KW})},
        {"instruction_id_list": json.dumps(IDS), "kwargs": json.dumps(KW)},
    ],
    ids=[
        "ours",
        "ours-wrapped",
        "ifeval",
        "ifeval-json",
        "open-instruct",
        "open-instruct-json",
        "nemo-gym",
        "nested",
        "arrow-strings",
    ],
)
def test_every_spelling_reads_the_same(spelling: object) -> None:
    assert parse_specs(spelling) == OURS
    assert score("one two three, four", spelling).fraction == 0.5


@pytest.mark.parametrize(
    ("aggregate", "scale", "passing", "failing_one"),
    [
        ("fraction", 1.0, 1.0, 0.5),
        ("all", 1.0, 1.0, 0.0),
        ("sum", 1.0, 2.0, 1.0),
        ("fraction", 10.0, 10.0, 5.0),
    ],
)
def test_aggregates(aggregate: str, scale: float, passing: float, failing_one: float) -> None:
    assert score("one two three", OURS, aggregate=aggregate, scale=scale).reward == passing  # type: ignore[arg-type]
    result = score("one, two three", OURS, aggregate=aggregate, scale=scale)  # type: ignore[arg-type]
    assert result.reward == failing_one
    assert not result.passed_all and result.fraction == 0.5
    assert [v.passed for v in result.verdicts] == [False, True]
    assert "comma" in result.verdicts[0].detail


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ([{"id": "no_such:constraint"}], "id"),
        ([{"id": "length_constraints:number_words", "kwargs": {"num_words": "many", "relation": "at least"}}],
         "num_words"),
        ([{"id": "length_constraints:number_words", "kwargs": {"relation": "at least"}}], "num_words"),
        ([{"id": "punctuation:no_comma", "kwargs": {"surprise": 1}}], "surprise"),
        ({"instruction_id_list": IDS, "kwargs": [None]}, "kwargs"),
        ("not a spec at all {", "ground_truth"),
        ("", "ground_truth"),
        ([], "ground_truth"),
        ({"something": "else"}, "ground_truth"),
        (42, "ground_truth"),
        ([{"id": 7}], "constraints[0].id"),
        ("[" * 100_000 + "]" * 100_000, "ground_truth"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("aggregate", ["fraction", "all", "sum"])
def test_bad_specs_score_zero_with_an_error(spec: object, field: str, aggregate: str) -> None:
    # The response satisfies everything a lenient reader could make of these specs: still 0.
    result = score("fine", spec, aggregate=aggregate, scale=10.0)  # type: ignore[arg-type]
    assert result.reward == 0.0 and not result.passed_all
    assert result.error and result.error_field == field


def test_deeply_nested_specs_are_an_error() -> None:
    nested: dict[str, object] = {"instruction_id_list": ["punctuation:no_comma"], "kwargs": [None]}
    for _ in range(5000):
        nested = {"verifier_metadata": nested}
    result = score("fine", nested)
    assert result.reward == 0.0 and result.error == "the constraint spec is nested too deeply"


def test_one_bad_constraint_voids_the_sample() -> None:
    """A valid constraint next to an unknown one must not earn a partial reward."""
    result = score("no commas here", [{"id": "punctuation:no_comma"}, {"id": "ifbench:not_registered_yet"}])
    assert result.reward == 0.0 and result.error is not None and result.verdicts == ()


def test_bad_options_raise() -> None:
    with pytest.raises(ConstraintParamError):
        score("x", OURS, aggregate="mean")  # type: ignore[arg-type]
    with pytest.raises(ConstraintParamError):
        score("x", OURS, scale=0)


@pytest.mark.parametrize("row", PARITY, ids=[r["name"] for r in PARITY])
def test_fraction_matches_open_instruct_semantics(row: dict[str, object]) -> None:
    """open-instruct's IFEvalVerifier: literal-eval the ground truth, take element 0 (JSON-decode
    it if a string), strip thinking, drop null kwargs, mean of check_following; empty answer -> 0.
    ``expected`` in the fixture is that computation done by hand; the test also redoes it with
    our checks one instruction at a time, so scorer and semantics are held to each other."""
    response, truth = str(row["response"]), str(row["ground_truth"])
    assert score(response, truth).fraction == row["expected"]
    assert score(response, truth, strip_think=False).fraction == row["unstripped"]
    import ast

    try:
        element = ast.literal_eval(truth)[0]
    except ValueError:  # the bare JSON form (null, not None): open-instruct itself cannot read it
        element = json.loads(truth)[0]
    element = json.loads(element) if isinstance(element, str) else element
    answer = strip_thinking(response)
    verdicts = [
        bool(answer) and verify(answer, [{"id": cid, "kwargs": {k: v for k, v in (kw or {}).items() if v is not None}}])[0].passed
        for cid, kw in zip(element["instruction_id"], element["kwargs"], strict=True)
    ]  # fmt: skip
    assert sum(verdicts) / len(verdicts) == row["expected"]


def test_strip_thinking() -> None:
    assert strip_thinking("<think>a</think>b</think> c ") == "c"
    assert strip_thinking("plain") == "plain"
    assert strip_thinking("<think>open") == "<think>open"


def test_loose_mode_and_results_pickle() -> None:
    spec = [{"id": "change_case:english_capital"}]
    text = "Sure, here it is:\nTHANK YOU FOR ASKING ABOUT THE WEATHER TODAY"
    assert score(text, spec).reward == 0.0
    assert score(text, spec, mode="loose").reward == 1.0
    result = score(text, spec)
    assert pickle.loads(pickle.dumps(result)) == result
    assert result.as_dict()["verdicts"][0]["id"] == spec[0]["id"]
