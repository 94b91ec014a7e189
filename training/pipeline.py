"""The paper's loop in one command: generate -> verify -> correct -> pairs -> train -> eval.

With ``train_mode="grpo"`` the loop is train -> eval: GRPO learns from the prompts themselves,
the verifier as its reward, so there are no student answers to correct and no pairs.

Each step writes its output under the work directory and then a ``<output>.done`` marker; a rerun
skips every step whose marker exists, and the row-level steps (generate, correct) resume inside
an interrupted step, so a crash at any point costs at most one chunk of work.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from graph.errors import FollowfixError
from training.backends import GenParams, make_backend
from training.data import PromptRow, load_prompts, read_records
from training.evaluate import follows, score_rows
from training.generate import generate_rows

log = logging.getLogger(__name__)

STEPS = ("generate", "verify", "correct", "pairs", "train", "eval")
GRPO_STEPS = ("train", "eval")
TRAIN_MODES = ("dpo", "grpo")


@dataclass
class PipelineConfig:
    """Everything one run needs; ``train_args`` are ``followfix train`` flags (TRL conventions)."""

    prompts: Path
    model: str
    workdir: Path
    gguf_file: str | None = None  # the student is this GGUF in (or relative to) ``model``
    eval_prompts: Path | None = None
    limit: int | None = None
    eval_limit: int | None = None
    backend: str = "auto"
    base_url: str | None = None
    eval_backend: str = "auto"
    params: GenParams = field(default_factory=GenParams)
    strategy: str = "rules"
    teacher: Any = None  # graph.teacher.TeacherConfig; None = deterministic repairs only
    pair_mode: str = "final"
    train_args: Sequence[str] = ()
    batch_size: int = 8
    train_mode: str = "dpo"  # dpo: on corrected pairs; grpo: on the prompts, verifier as reward


def verify_file(answers: Path, output: Path) -> tuple[int, int]:
    """Strict verdicts of every answered row -> ``output``; returns ``(rows, failing)``."""
    rows = [row for _, row in read_records(answers)]
    failing = 0
    with output.open("w", encoding="utf-8") as fh:
        for row in rows:
            verdicts = follows(row, "strict")
            failing += not all(verdicts)
            out = {**row, "follow_instruction_list": verdicts, "follow_all_instructions": all(verdicts)}
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    return len(rows), failing


def correct_file(verified: Path, output: Path, context: Any) -> int:
    """Correct every failing verified row, appending results (a rerun skips done ids); returns the count."""
    from graph.run import correct_sync

    seen = {row["id"] for _, row in read_records(output)} if output.is_file() else set()
    todo = [r for _, r in read_records(verified) if not r["follow_all_instructions"]]
    with output.open("a", encoding="utf-8") as fh:
        for row in todo:
            cid = f"pipeline-{row['key']}"
            if cid in seen:
                continue
            specs = [
                {"id": i, "kwargs": k} for i, k in zip(row["instruction_id_list"], row["kwargs"], strict=True)
            ]
            result = correct_sync(
                row["prompt"], row["response"], constraints=specs, context=context, correction_id=cid
            )
            fh.write(result.model_dump_json() + "\n")
            fh.flush()
    return len(todo)


def pairs_files(
    corrected: Path, pairs_path: Path, sft_path: Path, pair_mode: str = "final"
) -> tuple[int, int]:
    """TRL preference rows and SFT rows of the corrections whose final text passes all; ``(pairs, corrections)``."""
    from graph.data.formats import sft_row, trl_row
    from graph.data.pairs import build_pairs, dedup
    from graph.result import CorrectionResult

    results = [CorrectionResult.model_validate(row) for _, row in read_records(corrected)]
    pairs = dedup([p for r in results for p in build_pairs(r, pair_mode)])  # type: ignore[arg-type]
    if not pairs:
        raise FollowfixError(
            f"no preference pairs from {len(results)} corrections (none reached all-pass): nothing to "
            "train on. Configure a teacher, or use more prompts."
        )
    with pairs_path.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(trl_row(p), ensure_ascii=False) + "\n" for p in pairs)
    with sft_path.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(sft_row(p), ensure_ascii=False) + "\n" for p in pairs)
    return len(pairs), len(results)


class Pipeline:
    """Runs the steps in order; ``done(step)`` tells whether a step's output is complete."""

    outputs: ClassVar[dict[str, str]] = {
        "generate": "generated.jsonl",
        "verify": "verified.jsonl",
        "correct": "corrected.jsonl",
        "pairs": "pairs.jsonl",
        "train": "model",
        "eval": "eval.json",
    }

    def __init__(self, config: PipelineConfig) -> None:
        if config.train_mode not in TRAIN_MODES:
            raise FollowfixError(
                f"train mode must be one of {', '.join(TRAIN_MODES)}, got {config.train_mode!r}"
            )
        self.cfg = config
        self.cfg.workdir.mkdir(parents=True, exist_ok=True)

    @property
    def steps(self) -> tuple[str, ...]:
        return GRPO_STEPS if self.cfg.train_mode == "grpo" else STEPS

    def path(self, step: str) -> Path:
        return self.cfg.workdir / self.outputs[step]

    def _marker(self, step: str) -> Path:
        return self.cfg.workdir / f"{self.outputs[step]}.done"

    def done(self, step: str) -> bool:
        return self._marker(step).is_file() and self.path(step).exists()

    def _finish(self, step: str, /, **info: Any) -> None:
        self._marker(step).write_text(json.dumps(info) + "\n")
        log.info("pipeline: %s done %s", step, info)

    def reset_from(self, step: str) -> None:
        """Forget ``step`` and every later one (their outputs are removed)."""
        for name in STEPS[STEPS.index(step) :]:
            self._marker(name).unlink(missing_ok=True)
            if name == "eval":
                for answers in self.cfg.workdir.glob("eval_*.jsonl"):
                    answers.unlink()
            target = self.path(name)
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)

    def run(self, on_step: Callable[[str, bool], None] | None = None) -> dict[str, Any]:
        """Run every step not yet done; returns the eval report."""
        steps = self.steps
        for step in steps:
            skipped = self.done(step)
            if on_step is not None:
                on_step(step, skipped)
            if not skipped:
                later = steps[steps.index(step) + 1 :]
                if later:
                    self.reset_from(later[0])  # a redone step makes every later output stale
                getattr(self, f"step_{step}")()
        report: dict[str, Any] = json.loads(self.path("eval").read_text())
        return report

    def _prompts(self) -> list[PromptRow]:
        return load_prompts(self.cfg.prompts, self.cfg.limit)

    def step_generate(self) -> None:
        backend = make_backend(
            self.cfg.backend,
            self.cfg.model,
            base_url=self.cfg.base_url,
            batch_size=self.cfg.batch_size,
            gguf_file=None if self.cfg.base_url else self.cfg.gguf_file,
        )
        prompts = self._prompts()
        generate_rows(prompts, backend, self.path("generate"), params=self.cfg.params)
        self._finish("generate", rows=len(prompts), backend=backend.name)

    def step_verify(self) -> None:
        rows, failing = verify_file(self.path("generate"), self.path("verify"))
        self._finish("verify", rows=rows, failing=failing)

    def step_correct(self) -> None:
        from graph.context import RunContext

        strategy: Any = self.cfg.strategy if self.cfg.teacher else "rules"
        context = RunContext(strategy=strategy, teacher=self.cfg.teacher)
        failing = correct_file(self.path("verify"), self.path("correct"), context)
        self._finish("correct", failing=failing)

    def step_pairs(self) -> None:
        pairs, corrections = pairs_files(
            self.path("correct"), self.path("pairs"), self.cfg.workdir / "sft.jsonl", self.cfg.pair_mode
        )
        self._finish("pairs", pairs=pairs, corrections=corrections)

    def step_train(self) -> None:
        from training.train import main as train_main

        grpo = self.cfg.train_mode == "grpo"
        argv = [
            *(["--mode", "grpo"] if grpo else []),
            "--model_name_or_path", self.cfg.model,
            "--train_file", str(self.cfg.prompts if grpo else self.path("pairs")),
            "--output_dir", str(self.path("train")),
            *(["--gguf_file", self.cfg.gguf_file] if self.cfg.gguf_file else []),
            *self.cfg.train_args,
        ]  # fmt: skip
        metrics = train_main(argv)
        self._finish("train", **{k: v for k, v in metrics.items() if isinstance(v, int | float)})

    def trained_model(self) -> str:
        merged = self.path("train") / "merged"
        return str(merged if merged.is_dir() else self.path("train"))

    def step_eval(self) -> None:
        prompts = load_prompts(self.cfg.eval_prompts or self.cfg.prompts, self.cfg.eval_limit)
        reports = {}
        arms = (("before", self.cfg.model, self.cfg.gguf_file), ("after", self.trained_model(), None))
        for name, model, gguf_file in arms:
            backend = make_backend(
                self.cfg.eval_backend, model, batch_size=self.cfg.batch_size, gguf_file=gguf_file
            )
            answers = self.cfg.workdir / f"eval_{name}.jsonl"
            generate_rows(prompts, backend, answers, params=self.cfg.params)
            rows = [row for _, row in read_records(answers)]
            reports[name] = score_rows(rows, skip_unsupported=True).as_dict()
        data = {"before": reports["before"], "after": reports["after"]}
        tmp = self.path("eval").with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        tmp.replace(self.path("eval"))
        self._finish("eval", prompts=len(prompts))
