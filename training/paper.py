"""The paper's experiment at small scale: backbone vs SFT ("Discrimination") vs DPO+SFT ("Contrastive").

Steps, in order: a GGUF student dequantized once into a plain model directory; student answers to N training prompts; strict verification; correction with each
strategy (``rules``, ``hybrid``) keeping only pairs whose chosen text passes every constraint; the
trained arms (SFT on corrected answers, DPO+SFT on the pairs, one run per seed, same start); the
same greedy generation on the held-out eval prompts for every arm; scoring (four headline figures
and per constraint id). Each step writes its output atomically (row steps append and resume) and
then ``steps/<step>.json`` with its wall time; a rerun skips every step that has its marker.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import FollowfixError
from training.backends import GenParams, make_backend
from training.data import load_prompts, read_records
from training.evaluate import per_instruction, score_rows
from training.generate import generate_rows
from training.loading import resolve_gguf
from training.pipeline import correct_file, pairs_files, verify_file

log = logging.getLogger(__name__)

ARMS = {"sft": "Discrimination (SFT)", "dpo": "Contrastive (DPO+SFT)"}
STRATEGIES = ("rules", "hybrid")
GENERATIONS = ("transformers", "llamacpp")


@dataclass
class PaperConfig:
    """One experiment; ``train_args`` are extra ``followfix train`` flags shared by every arm."""

    train_prompts: Path
    eval_prompts: Path
    workdir: Path
    model: str
    gguf_file: str | None = None
    n_train: int = 200
    eval_limit: int | None = None
    student_base_url: str | None = None  # an OpenAI-compatible server of the same GGUF, for step 1
    strategies: tuple[str, ...] = ("rules",)
    teacher: Any = None  # graph.teacher.TeacherConfig, needed by ``hybrid``
    train_on: str | None = None  # whose pairs train the arms (default: the last strategy)
    seeds: tuple[int, ...] = (0,)
    train_args: Sequence[str] = ()
    params: GenParams = field(default_factory=lambda: GenParams(max_tokens=256))
    batch_size: int = 8
    generation: str = "transformers"  # or "llamacpp": every arm exported to float32 GGUF, ~10x faster


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f"{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)


class PaperLoop:
    """Runs the steps not yet done; ``report()`` collects the figures of the finished ones."""

    def __init__(self, config: PaperConfig) -> None:
        for strategy in config.strategies:
            if strategy not in STRATEGIES:
                raise FollowfixError(f"strategies: {strategy!r} is not one of {', '.join(STRATEGIES)}")
        if "hybrid" in config.strategies and config.teacher is None:
            raise FollowfixError("strategies: 'hybrid' needs a teacher (--teacher-base-url)")
        if config.train_on is not None and config.train_on not in config.strategies:
            raise FollowfixError(f"train_on: {config.train_on!r} is not among the strategies run")
        if config.generation not in GENERATIONS:
            raise FollowfixError(f"generation: {config.generation!r} is not one of {', '.join(GENERATIONS)}")
        if config.generation == "llamacpp" and not config.gguf_file:
            raise FollowfixError("generation: 'llamacpp' needs a GGUF student (gguf_file) for its tokenizer")
        if config.train_prompts.resolve() == config.eval_prompts.resolve():
            raise FollowfixError("eval_prompts must be disjoint from train_prompts (a different file)")
        config.workdir = config.workdir.resolve()  # adapters name their base by this path
        self.cfg = config
        self.train_on = config.train_on or config.strategies[-1]
        (config.workdir / "steps").mkdir(parents=True, exist_ok=True)

    # -- bookkeeping -------------------------------------------------------------------------
    @property
    def arms(self) -> list[str]:
        return [f"{arm}_s{seed}" for seed in self.cfg.seeds for arm in ARMS]

    @property
    def steps(self) -> list[str]:
        return [
            "backbone",
            "answers",
            "verify",
            *(f"correct_{s}" for s in self.cfg.strategies),
            *(f"pairs_{s}" for s in self.cfg.strategies),
            *(f"train_{a}" for a in self.arms),
            "eval_backbone",
            *(f"eval_{a}" for a in self.arms),
        ]

    def _marker(self, step: str) -> Path:
        return self.cfg.workdir / "steps" / f"{step}.json"

    def done(self, step: str) -> bool:
        return self._marker(step).is_file()

    def info(self, step: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self._marker(step).read_text())
        return data

    def path(self, name: str) -> Path:
        return self.cfg.workdir / name

    def run(self, on_step: Callable[[str, bool], None] | None = None) -> dict[str, Any]:
        """Every step not yet done, in order; returns :meth:`report`."""
        for step in self.steps:
            skipped = self.done(step)
            if on_step is not None:
                on_step(step, skipped)
            if skipped:
                continue
            start = time.perf_counter()
            kind, _, arg = step.partition("_")
            info = getattr(self, f"step_{kind}")(arg) if arg else getattr(self, f"step_{kind}")()
            _write_json(self._marker(step), {"seconds": round(time.perf_counter() - start, 1), **info})
            log.info("paper loop: %s done", step)
        return self.report()

    # -- steps -------------------------------------------------------------------------------
    def _generate(self, arm: str, prompts: Sequence[Any], output: Path, base_url: str | None = None) -> str:
        """Answers of one arm (resumable), with the loop's one generation setup; returns the backend name."""
        backend: Any
        if base_url:  # the server's first model (llama.cpp serves one; its name is not our path)
            backend = make_backend("server", None, base_url=base_url)
        elif self.cfg.generation == "llamacpp":
            from training.llamacpp import LlamaCppBackend, export_llama_gguf

            exported = self.path(f"gguf/{arm}.gguf")
            if not exported.is_file():
                exported.parent.mkdir(exist_ok=True)
                assert self.cfg.gguf_file is not None
                source = resolve_gguf(self.cfg.model, self.cfg.gguf_file)
                export_llama_gguf(self.arm_model(arm), source, exported)
            backend = LlamaCppBackend(exported)
        else:
            backend = make_backend("transformers", self.arm_model(arm), batch_size=self.cfg.batch_size)
        try:
            generate_rows(prompts, backend, output, params=self.cfg.params)
        finally:
            if hasattr(backend, "close"):
                backend.close()
        return str(backend.name)

    def student(self) -> str:
        """The backbone every step starts from: the GGUF converted once, else the model as given."""
        return str(self.path("backbone")) if self.cfg.gguf_file else self.cfg.model

    def step_backbone(self) -> dict[str, Any]:
        """Dequantize a GGUF student once into a safetensors directory (loading a GGUF takes ~1 min)."""
        if not self.cfg.gguf_file:
            return {"model": self.cfg.model}
        from training.loading import load_causal_lm, load_tokenizer

        out, tmp = self.path("backbone"), self.path("backbone.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        model = load_causal_lm(self.cfg.model, self.cfg.gguf_file)
        model.save_pretrained(tmp)
        load_tokenizer(self.cfg.model, self.cfg.gguf_file).save_pretrained(tmp)
        shutil.rmtree(out, ignore_errors=True)
        tmp.replace(out)
        return {
            "model": self.cfg.model,
            "gguf_file": self.cfg.gguf_file,
            "parameters": model.num_parameters(),
        }

    def step_answers(self) -> dict[str, Any]:
        prompts = load_prompts(self.cfg.train_prompts, self.cfg.n_train)
        name = self._generate("backbone", prompts, self.path("answers.jsonl"), self.cfg.student_base_url)
        return {"rows": len(prompts), "backend": name}

    def step_verify(self) -> dict[str, Any]:
        tmp = self.path("verified.jsonl.tmp")
        rows, failing = verify_file(self.path("answers.jsonl"), tmp)
        tmp.replace(self.path("verified.jsonl"))
        return {"rows": rows, "failing": failing}

    def step_correct(self, strategy: str) -> dict[str, Any]:
        from graph.context import RunContext

        context = RunContext(strategy=strategy, teacher=self.cfg.teacher if strategy != "rules" else None)  # type: ignore[arg-type]
        failing = correct_file(self.path("verified.jsonl"), self.path(f"corrected_{strategy}.jsonl"), context)
        return {"failing": failing}

    def step_pairs(self, strategy: str) -> dict[str, Any]:
        pairs, sft = self.path(f"pairs_{strategy}.jsonl"), self.path(f"sft_{strategy}.jsonl")
        tmp_pairs, tmp_sft = pairs.with_suffix(".tmp"), sft.with_suffix(".tmp")
        corrected = self.path(f"corrected_{strategy}.jsonl")
        n_pairs, n_results = pairs_files(corrected, tmp_pairs, tmp_sft)
        tmp_sft.replace(sft)
        tmp_pairs.replace(pairs)
        paired = {row["correction_id"] for _, row in read_records(pairs)}
        types: Counter[str] = Counter()
        statuses: Counter[str] = Counter()
        for _, result in read_records(corrected):
            statuses[result["status"]] += 1
            if result["id"] in paired:
                types.update(spec["id"] for spec in result["constraints"])
        return {"pairs": n_pairs, "corrections": n_results, "statuses": dict(statuses), "types": dict(types)}

    def step_train(self, arm: str) -> dict[str, Any]:
        from training.train import main as train_main

        mode, _, seed = arm.partition("_s")
        out = self.path(f"arms/{arm}")
        if out.exists():
            shutil.rmtree(out)  # a half-written run from an interrupted step
        data = self.path(f"{'sft' if mode == 'sft' else 'pairs'}_{self.train_on}.jsonl")
        argv = [
            "--mode", mode,
            "--model_name_or_path", self.student(),
            "--train_file", str(data),
            "--output_dir", str(out),
            "--seed", seed,
            "--save_strategy", "no", "--report_to", "none",
            *self.cfg.train_args,
        ]  # fmt: skip
        metrics = train_main(argv)
        return {
            "rows": sum(1 for _ in read_records(data)),
            "trained_on": self.train_on,
            **{k: v for k, v in metrics.items() if isinstance(v, int | float)},
        }

    def arm_model(self, arm: str) -> str:
        if arm == "backbone":
            return self.student()
        out = self.path(f"arms/{arm}")
        return str(out / "merged" if (out / "merged").is_dir() else out)

    def step_eval(self, arm: str) -> dict[str, Any]:
        prompts = load_prompts(self.cfg.eval_prompts, self.cfg.eval_limit)
        answers = self.path(f"eval/{arm}.jsonl")
        answers.parent.mkdir(exist_ok=True)
        backend = self._generate(arm, prompts, answers)
        rows = [row for _, row in read_records(answers)]
        scores = {
            "headline": score_rows(rows, skip_unsupported=True).as_dict(),
            "per_instruction": per_instruction(rows),
        }
        _write_json(self.path(f"eval/{arm}.json"), scores)
        return {"prompts": len(prompts), "backend": backend}

    # -- figures -----------------------------------------------------------------------------
    def report(self) -> dict[str, Any]:
        """Everything measured so far: step infos, and the scores of every evaluated arm."""
        steps = {s: self.info(s) for s in self.steps if self.done(s)}
        scores = {}
        for arm in ["backbone", *self.arms]:
            path = self.path(f"eval/{arm}.json")
            if self.done(f"eval_{arm}") and path.is_file():
                scores[arm] = json.loads(path.read_text())
        return {"train_on": self.train_on, "steps": steps, "scores": scores}
