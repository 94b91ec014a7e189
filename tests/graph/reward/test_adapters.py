"""The framework adapters: TRL's keyword call, OpenRLHF's query layout, verl's constant keys."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from graph.reward import score
from graph.reward.openrlhf import response_of, reward_func
from graph.reward.trl import VerifierReward, family_rewards
from graph.reward.verl import KEYS, compute_score

NO_COMMA = {
    "instruction_id_list": ["punctuation:no_comma", "change_case:english_lowercase"],
    "kwargs": [None, None],
}
PLAIN = "this is a plain answer about the weather today"
WORDS = {
    "instruction_id_list": ["length_constraints:number_words"],
    "kwargs": [{"num_words": 3, "relation": "at least"}],
}


def trl_call(
    reward: Any, completions: list[Any], **columns: Any
) -> tuple[list[Any], dict[str, list[float]], dict[str, list[Any]]]:
    """Call ``reward`` with exactly the keywords TRL 1.16's ``_calculate_rewards`` passes."""
    from transformers import TrainerState

    metrics: dict[str, list[float]] = {}
    extra: dict[str, list[Any]] = {}
    prompts = [[{"role": "user", "content": "Write something."}]] * len(completions)
    out = reward(
        prompts=prompts,
        completions=completions,
        completion_ids=[[1, 2, 3]] * len(completions),
        **columns,
        trainer_state=TrainerState(),
        log_extra=lambda column, values: extra.setdefault(column, []).extend(values),
        log_metric=lambda name, value: metrics.setdefault(name, []).append(value),
    )
    return out, metrics, extra


def test_trl_reward_standard_and_conversational() -> None:
    texts = ["<think>Hmm, OK</think>" + PLAIN, "this, " + PLAIN, "fine words only"]
    truths = [json.dumps(NO_COMMA), json.dumps(NO_COMMA), None]
    reward = VerifierReward()
    out, metrics, extra = trl_call(reward, texts, ground_truth=truths, extra_col=[1, 2, 3])
    assert out == [1.0, 0.5, None]
    conversational = [[{"role": "assistant", "content": t}] for t in texts]
    assert trl_call(reward, conversational, ground_truth=truths)[0] == out
    assert metrics["followfix/pass_rate/punctuation"] == [0.5]
    assert metrics["followfix/pass_rate/change_case"] == [1.0]
    assert metrics["followfix/prompt_pass"] == [0.5]
    assert extra["followfix_error"] == [None, None, None]


def test_trl_reward_arrow_padded_dicts_and_prompt_file_columns() -> None:
    # datasets merges dict columns into one struct: every kwargs dict gets every name, null-padded.
    padded = {"instruction_id_list": ["length_constraints:number_words"],
              "kwargs": [{"num_words": 3, "relation": "at least", "end_phrase": None}]}  # fmt: skip
    reward = VerifierReward(aggregate="all", scale=10.0)
    out, _, _ = trl_call(reward, ["one two three", "one two"], ground_truth=[padded, padded])
    assert out == [10.0, 0.0]
    out, _, _ = trl_call(
        reward, ["one two three", "x"], instruction_id_list=[WORDS["instruction_id_list"]] * 2,
        kwargs=[WORDS["kwargs"]] * 2,
    )  # fmt: skip
    assert out == [10.0, 0.0]


def test_trl_reward_bad_spec_is_zero_and_logged() -> None:
    bad = json.dumps({"instruction_id_list": ["no_such:thing"], "kwargs": [None]})
    out, metrics, extra = trl_call(VerifierReward(), ["anything"], ground_truth=[bad])
    assert out == [0.0]
    assert metrics["followfix/spec_errors"] == [1.0]
    assert "unknown constraint id" in extra["followfix_error"][0]


def test_trl_reward_pickles_and_has_a_name() -> None:
    from trl.trainer.utils import get_callable_name

    reward = VerifierReward(aggregate="all")
    clone = pickle.loads(pickle.dumps(reward))
    assert get_callable_name(clone) == "followfix_all"
    assert trl_call(clone, [PLAIN], ground_truth=[NO_COMMA])[0] == [1.0]


def test_trl_reward_options_are_checked() -> None:
    from graph.errors import ConstraintParamError

    with pytest.raises(ConstraintParamError, match="aggregate"):
        VerifierReward(aggregate="mean")  # type: ignore[arg-type]
    with pytest.raises(ConstraintParamError, match="scale"):
        VerifierReward(scale=-1.0)


def test_family_rewards() -> None:
    rewards = family_rewards(["punctuation", "length_constraints"])
    assert [r.__name__ for r in rewards] == ["followfix_punctuation", "followfix_length_constraints"]
    truths = [NO_COMMA, WORDS]
    assert trl_call(rewards[0], ["a, b", "one two three"], ground_truth=truths)[0] == [0.0, None]
    assert trl_call(rewards[1], ["a, b", "one two three"], ground_truth=truths)[0] == [None, 1.0]


@pytest.mark.parametrize(
    ("query", "prompt", "response"),
    [
        ("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>",
         "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", "hello"),
        ("<pad><pad>Q: hi A: hello</s><pad><pad>", "<pad><pad>Q: hi A:", " hello"),
        ("<|begin_of_text|>Q A<|eot_id|>", "<|begin_of_text|>Q", " A"),
        ("just a response<|endoftext|><|endoftext|>", "a prompt that is not there", "just a response"),
    ],
)  # fmt: skip
def test_openrlhf_response_of(query: str, prompt: str, response: str) -> None:
    assert response_of(query, prompt) == response


def test_openrlhf_reward_func_file_contract() -> None:
    import torch

    prompts = ["<|im_start|>user\nWrite<|im_end|>\n<|im_start|>assistant\n"] * 3
    responses = [PLAIN, "this, " + PLAIN, "fine"]
    queries = [p + r + "<|im_end|>" for p, r in zip(prompts, responses, strict=True)]
    labels = [json.dumps(NO_COMMA), str([{"instruction_id": NO_COMMA["instruction_id_list"], "kwargs": [None, None]}]),
              "[{'instruction_id': ['bogus:id'], 'kwargs': [None]}]"]  # fmt: skip
    out = reward_func(queries, prompts, labels)
    assert isinstance(out["rewards"], torch.Tensor)
    assert out["rewards"].tolist() == [1.0, 0.5, 0.0]
    assert out["scores"].tolist() == [1.0, 0.5, 0.0]
    assert out["extra_logs"]["followfix/spec_errors"] == pytest.approx(1 / 3)


def test_verl_keys_are_constant_over_mixed_rows() -> None:
    rows: list[tuple[str, Any, Any]] = [
        (PLAIN, json.dumps(NO_COMMA), None),
        ("Fails, twice", json.dumps(NO_COMMA), {"index": 3}),
        ("x", "[{'instruction_id': ['bogus:id'], 'kwargs': [None]}]", None),
        ("x", "{not json", {}),
        ("one two three", WORDS, {"aggregate": "all", "scale": 10}),
        ("one two three", WORDS, {"aggregate": "median"}),
        ("", json.dumps(NO_COMMA), None),
    ]
    results = [compute_score("followfix/ifeval", text, truth, extra) for text, truth, extra in rows]
    assert {tuple(sorted(r)) for r in results} == {tuple(sorted(KEYS))}
    assert [r["score"] for r in results] == [1.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0]
    assert [bool(r["error"]) for r in results] == [False, False, True, True, False, True, False]
    assert {type(r[k]) for r in results for k in KEYS} == {float, int, str}
    assert results[0]["score"] == score(PLAIN, NO_COMMA).reward


@pytest.mark.parametrize(("filename", "name"), [("openrlhf.py", "reward_func"), ("verl.py", "compute_score")])
def test_reward_files_load_by_path_as_the_frameworks_load_them(filename: str, name: str) -> None:
    """OpenRLHF and verl import the file by path (``spec_from_file_location``), not by package."""
    import importlib.util
    from pathlib import Path

    import graph.reward

    path = Path(graph.reward.__file__).parent / filename
    spec = importlib.util.spec_from_file_location("custom_module", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    func = getattr(module, name)
    if name == "reward_func":
        out = func([PLAIN + "</s>"], [""], [json.dumps(NO_COMMA)])
        assert out["rewards"].tolist() == [1.0]
    else:
        assert func("followfix/ifeval", PLAIN, json.dumps(NO_COMMA))["score"] == 1.0
