"""OpenRLHF: its remote reward protocol and its ``--reward_func`` file, on our scorer.

OpenRLHF sends ``query`` (prompt + response as decoded by the trainer, special tokens included),
``prompts`` and ``labels`` (the dataset's ``--label_key`` column: our spec in any spelling). The
response is the query with the prompt prefix removed and trailing end-of-sequence / padding
tokens dropped. Replies carry ``rewards`` (advantages), ``scores`` (dynamic filtering, in [0, 1])
and ``extra_logs`` (logged by the trainer).

Use as a file: ``--reward_func /path/to/graph/reward/openrlhf.py`` (OpenRLHF imports
``reward_func(queries, prompts, labels)`` from it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.reward.score import Aggregate, Reward, family_pass_rates, score

# End-of-sequence and padding tokens of the common chat templates, removed from the query's end.
END_TOKENS = (
    "<|im_end|>", "<|endoftext|>", "<|end_of_text|>", "<|eot_id|>", "<|end|>", "</s>", "<eos>",
    "<end_of_turn>", "<pad>", "<|pad|>", "<｜end▁of▁sentence｜>", "[PAD]", "<|return|>",
)  # fmt: skip
PAD_TOKENS = ("<pad>", "<|pad|>", "<|endoftext|>", "[PAD]", "<｜end▁of▁sentence｜>")


def _lstrip_tokens(text: str, tokens: Sequence[str]) -> str:
    changed = True
    while changed:
        changed = False
        for token in tokens:
            if text.startswith(token):
                text, changed = text[len(token) :], True
    return text


def _rstrip_tokens(text: str, tokens: Sequence[str]) -> str:
    changed = True
    while changed:
        changed = False
        stripped = text.rstrip()
        for token in tokens:
            if stripped.endswith(token):
                text, changed = stripped[: -len(token)], True
                break
    return text


def response_of(query: str, prompt: str | None, end_tokens: Sequence[str] = END_TOKENS) -> str:
    """The response inside an OpenRLHF query: prompt prefix and end/padding tokens removed.

    Left padding may precede both the query and the prompt, so pads are dropped from both before
    the prefix is matched. A query that does not start with its prompt is scored whole (a
    trainer that sends responses alone does this), never guessed at.
    """
    body = _lstrip_tokens(query, PAD_TOKENS)
    if prompt:
        head = _lstrip_tokens(prompt, PAD_TOKENS)
        if body.startswith(head):
            body = body[len(head) :]
        elif query.startswith(prompt):
            body = query[len(prompt) :]
    return _rstrip_tokens(body, end_tokens)


def score_queries(
    queries: Sequence[str],
    prompts: Sequence[str] | None,
    labels: Sequence[Any] | None,
    *,
    aggregate: Aggregate = "fraction",
    scale: float = 1.0,
    strip_think: bool = True,
) -> list[Reward]:
    """One :class:`Reward` per query (a missing label is a spec error: reward 0)."""
    n = len(queries)
    prompt_list = list(prompts) if prompts is not None else [None] * n
    label_list = list(labels) if labels is not None else [None] * n
    if len(prompt_list) != n or len(label_list) != n:
        raise ValueError(f"{n} queries, {len(prompt_list)} prompts, {len(label_list)} labels: lengths differ")
    return [
        score(response_of(q, p), label, aggregate=aggregate, scale=scale, strip_think=strip_think)
        for q, p, label in zip(queries, prompt_list, label_list, strict=True)
    ]


def reply(results: Sequence[Reward]) -> dict[str, Any]:
    """The protocol's response body: ``rewards``, ``scores`` (fraction passed) and ``extra_logs``."""
    n = len(results) or 1
    logs: dict[str, float] = {
        "followfix/prompt_pass": sum(r.passed_all for r in results) / n,
        "followfix/fraction": sum(r.fraction for r in results) / n,
        "followfix/spec_errors": sum(r.error is not None for r in results) / n,
    }
    logs |= {f"followfix/pass_rate/{k}": v for k, v in family_pass_rates(results).items()}
    return {
        "rewards": [r.reward for r in results],
        "scores": [r.fraction for r in results],
        "extra_logs": logs,
    }


def reward_func(queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any]) -> dict[str, Any]:
    """OpenRLHF's ``--reward_func`` entry point: tensors when torch is present (it always is there)."""
    body = reply(score_queries(queries, prompts, labels))
    try:
        import torch
    except ImportError:  # pragma: no cover - OpenRLHF always has torch
        return body
    return {
        "rewards": torch.tensor(body["rewards"], dtype=torch.float32),
        "scores": torch.tensor(body["scores"], dtype=torch.float32),
        "extra_logs": body["extra_logs"],
    }
