"""``followfix pipeline`` on CPU: every step runs, pairs are real pairs, reruns skip finished steps."""

from __future__ import annotations

import json
from pathlib import Path

from graph.constraints import verify
from training.backends import GenParams
from training.pipeline import STEPS, Pipeline, PipelineConfig

TRAIN_ARGS = [
    "--max_steps", "1", "--per_device_train_batch_size", "2", "--logging_steps", "1", "--report_to", "none",
    "--activation_checkpointing", "false", "--use_peft", "--lora_r", "4", "--lora_alpha", "8",
    "--lora_target_modules", "all-linear",
]  # fmt: skip


def test_pipeline_runs_every_step_and_resumes(
    tiny_model_dir: Path, prompts_file: Path, tmp_path: Path
) -> None:
    config = PipelineConfig(
        prompts=prompts_file,
        model=str(tiny_model_dir),
        workdir=tmp_path / "work",
        backend="transformers",
        eval_backend="transformers",
        params=GenParams(max_tokens=16, temperature=1.0, seed=0),
        train_args=TRAIN_ARGS,
    )
    ran: list[tuple[str, bool]] = []
    report = Pipeline(config).run(lambda step, skipped: ran.append((step, skipped)))
    assert ran == [(step, False) for step in STEPS]
    assert set(report) == {"before", "after"} and report["after"]["prompts"] == 4

    pairs = [json.loads(line) for line in (config.workdir / "pairs.jsonl").read_text().splitlines()]
    assert pairs, "the rules repairer fixes quotation/postscript/end-phrase failures of a random model"
    specs = {json.loads(line)["prompt"]: json.loads(line) for line in prompts_file.read_text().splitlines()}
    for pair in pairs:  # chosen passes every constraint, rejected fails at least one
        spec = specs[pair["prompt"][0]["content"]]
        ids, kwargs = spec["instruction_id_list"], spec["kwargs"]
        assert all(
            r.passed for r in verify(pair["chosen"][0]["content"], instruction_id_list=ids, kwargs=kwargs)
        )
        assert not all(
            r.passed for r in verify(pair["rejected"][0]["content"], instruction_id_list=ids, kwargs=kwargs)
        )
    assert (config.workdir / "model" / "adapter_model.safetensors").is_file()

    ran.clear()
    again = Pipeline(config).run(lambda step, skipped: ran.append((step, skipped)))
    assert ran == [(step, True) for step in STEPS] and again == report

    pipeline = Pipeline(config)
    pipeline.reset_from("train")
    ran.clear()
    pipeline.run(lambda step, skipped: ran.append((step, skipped)))
    assert ran == [(s, s in ("generate", "verify", "correct", "pairs")) for s in STEPS]
