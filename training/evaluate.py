"""IFEval-style scoring of a model's answers with our verifier: the four headline metrics.

Prompt-level = every instruction of a prompt followed; instruction-level = each instruction
counted alone; strict checks the response as is, loose also tries IFEval's 8 relaxed variants.
An empty answer follows nothing (as in the official checker, which requires ``response.strip()``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graph.constraints.scoring import RowVerdict, headline, score_row
from graph.errors import FollowfixError, InputFormatError, UnknownConstraintError
from training.data import PromptRow, clean_kwargs, read_records

log = logging.getLogger(__name__)

METRICS = ("prompt_strict", "instruction_strict", "prompt_loose", "instruction_loose")


@dataclass
class EvalReport:
    """Accuracies in percent, with the counts they come from."""

    prompt_strict: float
    instruction_strict: float
    prompt_loose: float
    instruction_loose: float
    prompts: int
    instructions: int
    unsupported: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def row_verdict(row: Mapping[str, Any], modes: Sequence[str] = ("strict", "loose")) -> RowVerdict:
    """Verdicts of one answered row; an empty answer follows nothing."""
    response = row.get("response") or ""
    ids = list(row["instruction_id_list"])
    kwargs = [clean_kwargs(k) for k in row.get("kwargs") or [{}] * len(ids)]
    verdict = score_row(response, ids, kwargs, modes)
    if response.strip():
        return verdict
    empty = [False] * len(ids)
    return RowVerdict(ids, empty if verdict.strict else [], empty if verdict.loose else [], verdict.details)


def follows(row: Mapping[str, Any], mode: str = "strict") -> list[bool]:
    """Per-instruction verdicts of one answered row in one mode."""
    verdict = row_verdict(row, (mode,))
    return verdict.strict if mode == "strict" else verdict.loose


def score_rows(rows: Iterable[Mapping[str, Any]], *, skip_unsupported: bool = False) -> EvalReport:
    """Score answered rows; a constraint id we do not implement is an error unless skipped (and listed)."""
    verdicts: list[RowVerdict] = []
    unsupported: list[str] = []
    for row in rows:
        try:
            verdicts.append(row_verdict(row))
        except UnknownConstraintError as exc:
            if not skip_unsupported:
                raise FollowfixError(
                    f"{exc} (key {row.get('key')}); use --skip-unsupported to score the rest"
                ) from exc
            unsupported.append(str(row.get("key")))
    if unsupported:
        log.warning("%d prompts not scored: constraints not in the catalogue", len(unsupported))
    if not verdicts:
        raise FollowfixError("no prompt could be scored")
    return EvalReport(**asdict(headline(verdicts)), unsupported=unsupported)


def per_instruction(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Per constraint id: instructions seen and percent followed, strict and loose (unknown ids skipped)."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        try:
            verdict = row_verdict(row)
        except UnknownConstraintError:
            continue
        for i, cid in enumerate(verdict.instruction_id_list):
            tally = counts.setdefault(cid, [0, 0, 0])
            tally[0] += 1
            tally[1] += bool(verdict.strict[i])
            tally[2] += bool(verdict.loose[i])
    return {
        cid: {"n": n, "strict": 100.0 * s / n, "loose": 100.0 * lo / n}
        for cid, (n, s, lo) in sorted(counts.items())
    }


def join_responses(
    prompts: Sequence[PromptRow], responses_path: str | Path, *, missing_fails: bool = False
) -> list[dict[str, Any]]:
    """Attach answers (rows with ``response`` plus ``key`` or the ``prompt``) to benchmark prompts.

    A prompt also matches without its surrounding whitespace, as IFBench's reader allows. A
    prompt with no answer is an error, unless ``missing_fails``: then it is scored as an empty
    answer that follows nothing, as IFBench's ``evaluation_lib`` scores it.
    """
    by_key: dict[str, str] = {}
    by_prompt: dict[str, str] = {}
    for where, row in read_records(responses_path):
        if not isinstance(row.get("response"), str):
            raise InputFormatError(f"{responses_path}:{where}: needs a string 'response'")
        if "key" in row:
            by_key[str(row["key"])] = row["response"]
        if isinstance(row.get("prompt"), str):
            by_prompt[row["prompt"]] = row["response"]
            by_prompt.setdefault(row["prompt"].strip(), row["response"])
    joined = []
    for p in prompts:
        response = by_key.get(p.key, by_prompt.get(p.prompt, by_prompt.get(p.prompt.strip())))
        if response is None:
            if not missing_fails:
                raise InputFormatError(f"{responses_path}: no response for key {p.key}")
            response = ""
        joined.append(p.to_json(response))
    return joined


def write_report(report: EvalReport, path: str | Path, extra: Mapping[str, Any] | None = None) -> None:
    """The report as JSON (written last, so its presence marks a finished eval)."""
    data = {**report.as_dict(), **(extra or {})}
    tmp = Path(f"{path}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)
