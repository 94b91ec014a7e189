"""The answer part of a response: the thinking section and answer tags removed before scoring.

open-instruct's rule, so rewards agree with its IFEval verifier: drop ``<|assistant|>``, keep
the text after the last ``</think>`` (an unclosed ``<think>`` is kept: the model never answered,
and its text is checked as it stands), drop ``<answer>``/``</answer>`` tags, strip whitespace.
A reward on the thinking text would pay for what the reader never sees.
"""

from __future__ import annotations

THINK_END = "</think>"


def strip_thinking(response: str) -> str:
    """The answer the user reads; unchanged apart from whitespace when there is no thinking."""
    text = response.replace("<|assistant|>", "").strip()
    if THINK_END in text:
        text = text.rsplit(THINK_END, 1)[1]
    return text.replace("<answer>", "").replace("</answer>", "").strip()
