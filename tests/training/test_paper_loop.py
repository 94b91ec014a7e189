"""The paper loop end to end on a tiny GGUF student: every step runs once, pairs are verified, the
three arms are scored on held-out prompts, a rerun skips finished steps, the table names them all."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.constraints import verify
from graph.errors import FollowfixError
from tests.support.fixtures import ServerURL, fast_teacher_config
from training.backends import GenParams
from training.paper import PaperConfig, PaperLoop
from training.paper_report import markdown

TRAIN_ARGS = [
    "--max_steps", "1", "--per_device_train_batch_size", "2", "--logging_steps", "1",
    "--activation_checkpointing", "false", "--use_peft", "--lora_r", "4", "--lora_alpha", "8",
    "--lora_target_modules", "all-linear",
]  # fmt: skip

EVAL_ROWS = [
    {"key": 9001, "prompt": "Describe a lake. Wrap your entire response with double quotation marks.",
     "instruction_id_list": ["startend:quotation"], "kwargs": [{}]},
    {"key": 9002, "prompt": "Name a bird. Do not use any commas in your response.",
     "instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]},
]  # fmt: skip


@pytest.fixture
def tiny_student(tmp_path: Path) -> Path:
    from training.tiny_gguf import save_tiny_gguf

    return save_tiny_gguf(tmp_path / "student")


def _config(student: Path, prompts: Path, workdir: Path) -> PaperConfig:
    eval_prompts = workdir.parent / "eval.jsonl"
    eval_prompts.write_text("".join(json.dumps(r) + "\n" for r in EVAL_ROWS))
    return PaperConfig(
        train_prompts=prompts,
        eval_prompts=eval_prompts,
        workdir=workdir,
        model=str(student.parent),
        gguf_file=student.name,
        n_train=4,
        train_args=TRAIN_ARGS,
        params=GenParams(max_tokens=12),
        batch_size=4,
    )


@pytest.mark.parametrize("generation", ["transformers", "llamacpp"])
def test_paper_loop_runs_resumes_and_reports(
    tiny_student: Path, prompts_file: Path, tmp_path: Path, generation: str
) -> None:
    config = _config(tiny_student, prompts_file, tmp_path / "work")
    config.generation = generation
    loop = PaperLoop(config)
    ran: list[tuple[str, bool]] = []
    report = loop.run(lambda step, skipped: ran.append((step, skipped)))
    expected = ["backbone", "answers", "verify", "correct_rules", "pairs_rules", "train_sft_s0", "train_dpo_s0",
                "eval_backbone", "eval_sft_s0", "eval_dpo_s0"]  # fmt: skip
    assert ran == [(s, False) for s in expected]
    assert set(report["scores"]) == {"backbone", "sft_s0", "dpo_s0"}
    assert all(s["headline"]["prompts"] == 2 for s in report["scores"].values())
    assert set(report["scores"]["backbone"]["per_instruction"]) == {
        "startend:quotation",
        "punctuation:no_comma",
    }
    assert all(report["steps"][s]["seconds"] >= 0 for s in expected)
    assert {report["steps"][s]["backend"] for s in expected if s.startswith(("eval_", "answers"))} == {
        generation
    }
    if generation == "llamacpp":  # every arm generated from its own float32 GGUF export
        assert {p.name for p in (config.workdir / "gguf").iterdir()} == {
            "backbone.gguf",
            "sft_s0.gguf",
            "dpo_s0.gguf",
        }

    specs = {json.loads(line)["prompt"]: json.loads(line) for line in prompts_file.read_text().splitlines()}
    pairs = [json.loads(line) for line in (config.workdir / "pairs_rules.jsonl").read_text().splitlines()]
    assert pairs and report["steps"]["pairs_rules"]["pairs"] == len(pairs)
    for pair in pairs:  # only verified pairs: chosen passes all, rejected fails one
        spec = specs[pair["prompt"][0]["content"]]
        ids, kwargs = spec["instruction_id_list"], spec["kwargs"]
        assert all(
            r.passed for r in verify(pair["chosen"][0]["content"], instruction_id_list=ids, kwargs=kwargs)
        )
        assert not all(
            r.passed for r in verify(pair["rejected"][0]["content"], instruction_id_list=ids, kwargs=kwargs)
        )
    assert report["steps"]["pairs_rules"]["types"]
    assert (config.workdir / "backbone" / "model.safetensors").is_file()  # the GGUF, converted once
    assert report["steps"]["backbone"]["parameters"] > 0
    for arm in ("sft_s0", "dpo_s0"):  # LoRA adapters on the converted backbone
        assert (config.workdir / "arms" / arm / "adapter_model.safetensors").is_file()
        assert report["steps"][f"train_{arm}"]["rows"] == len(pairs)

    ran.clear()
    assert PaperLoop(config).run(lambda step, skipped: ran.append((step, skipped))) == report
    assert ran == [(s, True) for s in expected]

    (config.workdir / "steps" / "eval_dpo_s0.json").unlink()  # an interrupted last step
    ran.clear()
    again = PaperLoop(config).run(lambda step, skipped: ran.append((step, skipped)))
    assert ran == [(s, s != "eval_dpo_s0") for s in expected]
    assert again["scores"] == report["scores"]  # greedy: the same answers, the same figures

    table = markdown(again, "python bench/paper_loop.py --n-train 4")
    for needle in (
        "Backbone (no training)",
        "Discrimination (SFT)",
        "Contrastive (DPO+SFT)",
        "| train_dpo_s0 |",
    ):
        assert needle in table


def test_report_gives_mean_and_range_over_seeds() -> None:
    def scores(value: float) -> dict[str, object]:
        headline = dict.fromkeys(
            ("prompt_strict", "instruction_strict", "prompt_loose", "instruction_loose"), value
        )
        return {
            "headline": {**headline, "prompts": 541},
            "per_instruction": {"a:b": {"n": 10, "strict": value}},
        }

    report = {
        "train_on": "rules",
        "steps": {"pairs_rules": {"seconds": 1.0, "pairs": 3, "types": {"a:b": 3}}},
        "scores": {"backbone": scores(20.0), "dpo_s0": scores(30.0), "dpo_s1": scores(40.0)},
    }
    table = markdown(report)
    assert "| Contrastive (DPO+SFT) | 2 | 35.0 (30.0–40.0) |" in table
    assert "| `a:b` | 3 | 10 | 20.0 | 35.0 (30.0–40.0) |" in table


def test_config_errors_name_the_field(tiny_student: Path, prompts_file: Path, tmp_path: Path) -> None:
    config = _config(tiny_student, prompts_file, tmp_path / "work")
    with pytest.raises(FollowfixError, match="needs a teacher"):
        PaperLoop(PaperConfig(**{**config.__dict__, "strategies": ("rules", "hybrid")}))
    with pytest.raises(FollowfixError, match="eval_prompts must be disjoint"):
        PaperLoop(PaperConfig(**{**config.__dict__, "eval_prompts": prompts_file}))
    with pytest.raises(FollowfixError, match="strategies: 'teacher'"):
        PaperLoop(PaperConfig(**{**config.__dict__, "strategies": ("teacher",)}))


def test_hybrid_strategy_uses_the_teacher_where_rules_cannot_fix(
    tiny_student: Path, prompts_file: Path, tmp_path: Path, teacher_server: Callable[..., ServerURL]
) -> None:
    url = teacher_server("competent")
    words = {"key": 5, "prompt": "Explain tides in at least 30 words.",
             "instruction_id_list": ["length_constraints:number_words"],
             "kwargs": [{"num_words": 30, "relation": "at least"}]}  # fmt: skip
    train = tmp_path / "train.jsonl"
    train.write_text(prompts_file.read_text() + json.dumps(words) + "\n")
    base = _config(tiny_student, train, tmp_path / "work")
    config = PaperConfig(
        **{
            **base.__dict__,
            "n_train": 5,
            "strategies": ("rules", "hybrid"),
            "seeds": (),
            "teacher": fast_teacher_config(url),
        }
    )
    report = PaperLoop(config).run()
    steps = report["steps"]
    assert "length_constraints:number_words" not in steps["pairs_rules"]["types"]  # no safe repair adds words
    assert steps["pairs_hybrid"]["types"]["length_constraints:number_words"] == 1
    assert steps["pairs_hybrid"]["pairs"] == steps["pairs_rules"]["pairs"] + 1
    assert url.server.requests  # the teacher was called
    assert set(report["scores"]) == {"backbone"}
    table = markdown(report)
    assert "| rules |" in table and "| hybrid |" in table
