"""Reading the store's exports (and the benchmarks' prompt files) into rows TRL accepts.

Every loader validates as it reads and names the file, line and field of a bad row
(:class:`InputFormatError`): a training run that dies at step 900 on row 12 wastes a GPU.
Metadata fields of the exports (ids, constraint ids) are dropped here, never passed to TRL.
"""

from __future__ import annotations

import ast
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.data.jsonl import iter_jsonl
from graph.errors import InputFormatError

Message = dict[str, str]
_SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant"}
_SHAREGPT_ROLES |= {"system": "system", "chatgpt": "assistant", "bing": "assistant", "bard": "assistant"}


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_or_index, row)`` from a JSONL file or a JSON array file."""
    path = Path(path)
    if not path.is_file():
        raise InputFormatError(f"{path}: no such file")
    with path.open(encoding="utf-8") as fh:
        head = fh.read(1)
        while head.isspace():
            head = fh.read(1)
        fh.seek(0)
        if head == "[":
            try:
                rows = json.load(fh)
            except json.JSONDecodeError as exc:
                raise InputFormatError(f"{path}: invalid JSON: {exc}") from exc
            for index, row in enumerate(rows):
                yield index, _as_object(row, path, index)
            return
    yield from iter_jsonl(path)


def _as_object(row: Any, path: Path, where: int) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise InputFormatError(f"{path}:{where}: expected a JSON object, got {type(row).__name__}")
    return row


def _messages(value: Any, role: str, where: str) -> list[Message]:
    """A conversational field as a message list; a bare string becomes one message of ``role``."""
    if isinstance(value, str):
        return [{"role": role, "content": value}]
    if not isinstance(value, list) or not value:
        raise InputFormatError(f"{where}: expected a non-empty list of messages or a string")
    out = []
    for i, msg in enumerate(value):
        if not isinstance(msg, Mapping) or not isinstance(msg.get("content"), str) or "role" not in msg:
            raise InputFormatError(f"{where}[{i}]: a message needs 'role' and string 'content'")
        out.append({"role": str(msg["role"]), "content": msg["content"]})
    return out


def load_preferences(path: str | Path) -> list[dict[str, list[Message]]]:
    """The ``trl`` export (or the paper's string rows) as conversational prompt/chosen/rejected rows."""
    rows = []
    for where, row in read_records(path):
        loc = f"{path}:{where}"
        missing = [k for k in ("prompt", "chosen", "rejected") if k not in row]
        if missing:
            raise InputFormatError(f"{loc}: missing field(s) {', '.join(missing)}")
        chosen = _messages(row["chosen"], "assistant", f"{loc}: chosen")
        rejected = _messages(row["rejected"], "assistant", f"{loc}: rejected")
        if chosen == rejected:
            raise InputFormatError(f"{loc}: chosen and rejected are identical")
        rows.append(
            {
                "prompt": _messages(row["prompt"], "user", f"{loc}: prompt"),
                "chosen": chosen,
                "rejected": rejected,
            }
        )
    if not rows:
        raise InputFormatError(f"{path}: no preference rows")
    return rows


def load_sft(path: str | Path) -> list[dict[str, list[Message]]]:
    """The ``sft`` export, or general chat data in ShareGPT form (``conversations`` of from/value)."""
    rows = []
    for where, row in read_records(path):
        loc = f"{path}:{where}"
        if "messages" in row:
            messages = _messages(row["messages"], "user", f"{loc}: messages")
        elif "conversations" in row and isinstance(row["conversations"], list):
            messages = []
            for i, turn in enumerate(row["conversations"]):
                role = (
                    _SHAREGPT_ROLES.get(str(turn.get("from", "")).lower())
                    if isinstance(turn, Mapping)
                    else None
                )
                if role is None or not isinstance(turn.get("value"), str):
                    raise InputFormatError(f"{loc}: conversations[{i}]: needs 'from' (human/gpt) and 'value'")
                messages.append({"role": role, "content": turn["value"]})
        else:
            raise InputFormatError(f"{loc}: needs 'messages' (or ShareGPT 'conversations')")
        if messages[-1]["role"] != "assistant":
            raise InputFormatError(f"{loc}: the last message must be the assistant's answer")
        rows.append({"messages": messages})
    if not rows:
        raise InputFormatError(f"{path}: no SFT rows")
    return rows


def sft_as_self_pairs(rows: Sequence[Mapping[str, list[Message]]]) -> list[dict[str, list[Message]]]:
    """General chat rows as DPO rows with chosen == rejected.

    For such a row the preference term's gradient is exactly zero (the two log-ratios cancel), so
    the row contributes only through the SFT term: general data mixed into one DPO+SFT run.
    """
    return [
        {"prompt": row["messages"][:-1], "chosen": row["messages"][-1:], "rejected": row["messages"][-1:]}
        for row in rows
    ]


def mix(
    primary: Sequence[dict[str, Any]], extra: Sequence[dict[str, Any]], ratio: float, seed: int = 0
) -> list[dict[str, Any]]:
    """Primary rows plus ``ratio * len(primary)`` extra rows (sampled, seeded), shuffled together."""
    if ratio < 0:
        raise InputFormatError(f"mix ratio must be >= 0, got {ratio}")
    rng = random.Random(seed)
    want = round(ratio * len(primary))
    picked: list[dict[str, Any]] = []
    if extra and want:
        full, rest = divmod(want, len(extra))
        picked = list(extra) * full + rng.sample(list(extra), rest)
    mixed = [*primary, *picked]
    rng.shuffle(mixed)
    return mixed


@dataclass
class PromptRow:
    """One instruction to answer, with the constraints its answer is checked against."""

    key: str
    prompt: str
    instruction_id_list: list[str] = field(default_factory=list)
    kwargs: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, response: str) -> dict[str, Any]:
        """The row the bulk corrector reads (the paper's ``llama2_checked.jsonl`` shape)."""
        return {
            "key": self.key,
            "prompt": self.prompt,
            "response": response,
            "instruction_id_list": self.instruction_id_list,
            "kwargs": self.kwargs,
        }


def _maybe_literal(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


def clean_kwargs(kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drop null kwargs (IFBench lists every name with null for the unused ones)."""
    return {k: v for k, v in (kwargs or {}).items() if v is not None}


def load_prompts(path: str | Path, limit: int | None = None) -> list[PromptRow]:
    """IFEval / IFBench / paper rows (``prompt`` text) or ``rlvr`` export rows (messages + ground_truth)."""
    out: list[PromptRow] = []
    for where, row in read_records(path):
        loc = f"{path}:{where}"
        truth = row.get("ground_truth")
        spec: Mapping[str, Any] = truth if isinstance(truth, Mapping) else row
        prompt = row.get("prompt")
        if isinstance(prompt, list):
            users = [m.get("content") for m in prompt if isinstance(m, Mapping) and m.get("role") == "user"]
            prompt = users[-1] if users else None
        if not isinstance(prompt, str) or not prompt.strip():
            raise InputFormatError(f"{loc}: needs a non-empty 'prompt'")
        ids = _maybe_literal(spec.get("instruction_id_list", []))
        kwargs = _maybe_literal(spec.get("kwargs")) or [{} for _ in ids]
        if not isinstance(ids, list) or not isinstance(kwargs, list) or len(ids) != len(kwargs):
            raise InputFormatError(f"{loc}: instruction_id_list and kwargs must be lists of equal length")
        key = str(row.get("key", row.get("id", where)))
        out.append(PromptRow(key, prompt, [str(i) for i in ids], [clean_kwargs(k) for k in kwargs]))
        if limit is not None and len(out) >= limit:
            break
    return out
