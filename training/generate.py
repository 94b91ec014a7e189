"""Bulk student generation: prompts in, the rows the bulk corrector reads out, resumably.

Rows are appended in chunks and flushed, so a crash loses at most one chunk; a rerun skips the
keys already written (a torn last line is cut off first). Output rows have the shape of the
paper's ``llama2_checked.jsonl``: key, prompt, response, instruction_id_list, kwargs.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from training.backends import Backend, GenParams
from training.data import PromptRow

log = logging.getLogger(__name__)


def done_keys(path: str | Path) -> set[str]:
    """Keys already answered in ``path``; a torn (unparseable) last line is truncated away."""
    path = Path(path)
    if not path.is_file():
        return set()
    keys: set[str] = set()
    good_end = 0
    with path.open("rb") as fh:
        for raw in fh:
            try:
                row = json.loads(raw)
            except json.JSONDecodeError:
                break
            if not raw.endswith(b"\n"):
                break
            keys.add(str(row["key"]))
            good_end = fh.tell()
    if good_end != path.stat().st_size:
        log.warning("%s: dropping a partial last row left by an interrupted run", path)
        with path.open("r+b") as fh:
            fh.truncate(good_end)
    return keys


def generate_rows(
    prompts: Sequence[PromptRow],
    backend: Backend,
    output: str | Path,
    *,
    params: GenParams | None = None,
    chunk_size: int = 256,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Answer every prompt not yet in ``output``; returns how many rows this call wrote."""
    params = params or GenParams()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    seen = done_keys(output)
    todo = [p for p in prompts if p.key not in seen]
    if len(todo) < len(prompts):
        log.info("%s: %d of %d prompts already answered", output, len(prompts) - len(todo), len(prompts))
    written = 0
    with output.open("a", encoding="utf-8") as fh:
        for start in range(0, len(todo), chunk_size):
            chunk = todo[start : start + chunk_size]
            answers = backend.generate([p.prompt for p in chunk], params)
            fh.writelines(
                json.dumps(p.to_json(a), ensure_ascii=False) + "\n"
                for p, a in zip(chunk, answers, strict=True)
            )
            fh.flush()
            os.fsync(fh.fileno())
            written += len(chunk)
            if on_progress is not None:
                on_progress(len(chunk))
    return written
