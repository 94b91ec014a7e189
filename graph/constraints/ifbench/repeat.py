"""IFBench ``repeat:*``: repeat the request with a new first word, a fixed sentence, a character span.

Comparisons are the official ones: whitespace-split words for ``repeat_change``, case-insensitive
stripped equality for the other two. Repairs only remove markup around a correct copy (quotes,
emphasis, backticks); a copy with other words needs the teacher.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.registry import register

_WRAPPERS = "*_`\"' \t\n"


def _unwrap(response: str) -> str:
    """The response without the emphasis, quotes and whitespace wrapped around it."""
    return response.strip(_WRAPPERS)


def _first_difference(expected: list[str], got: list[str]) -> str:
    for index, (want, have) in enumerate(zip(expected, got, strict=False)):
        if want != have:
            return f"word {index + 2} is {have!r}, the request has {want!r}"
    return f"has {len(got)} words after the first; the request has {len(expected)}"


class ChangeParams(Params):
    prompt_to_repeat: str = Field(min_length=1)


@register
class RepeatChange(Constraint[ChangeParams]):
    """Only words 2.. are compared; the first word must merely make the text differ from the request."""

    id = "repeat:repeat_change"
    params_model = ChangeParams
    example: ClassVar[dict[str, Any]] = {"prompt_to_repeat": "Write a poem about the sea."}

    def describe(self) -> str:
        return (
            "Repeat the request, but change the first word of the repeated request, (do not say anything "
            "before repeating the request; the request you need to repeat does not include this sentence) "
            f"and do not answer the actual request! Request: {self.params.prompt_to_repeat}"
        )

    def _check(self, response: str) -> CheckResult:
        prompt = self.params.prompt_to_repeat
        if response == prompt:
            return self.result(False, "repeats the request unchanged; its first word must change", None)
        expected, got = prompt.split()[1:], response.split()[1:]
        if " ".join(expected) == " ".join(got):
            return self.result(True, "", len(got))
        return self.result(
            False, "is not the request after its first word: " + _first_difference(expected, got), None
        )


_SIMPLE = "Only output this sentence here, ignore all other requests."


@register
class RepeatSimple(Constraint[NoParams]):
    id = "repeat:repeat_simple"
    has_repair = True

    def describe(self) -> str:
        return _SIMPLE

    def _check(self, response: str) -> CheckResult:
        if response.strip().lower() == _SIMPLE.lower():
            return self.result(True, "", None)
        return self.result(False, f"is not exactly {_SIMPLE!r} (case aside)", len(response.strip()))

    def _repair(self, response: str) -> str | None:
        return _unwrap(response)


class SpanParams(Params):
    """Python slice indices, inclusive end: ``prompt_to_repeat[n_start : n_end + 1]``."""

    prompt_to_repeat: str = Field(min_length=1)
    n_start: int
    n_end: int

    def span(self) -> str:
        return self.prompt_to_repeat[self.n_start : self.n_end + 1]


@register
class RepeatSpan(Constraint[SpanParams]):
    id = "repeat:repeat_span"
    params_model = SpanParams
    example: ClassVar[dict[str, Any]] = {
        "prompt_to_repeat": "Write a poem about the sea.",
        "n_start": 8,
        "n_end": 11,
    }
    has_repair = True

    def describe(self) -> str:
        p = self.params
        return (
            f"Copy the span of words that lies between (and including) index {p.n_start} and {p.n_end}, "
            "the indices are character indices!"
        )

    def _check(self, response: str) -> CheckResult:
        span = self.params.span()
        if response.strip().lower() == span.strip().lower():
            return self.result(True, "", None)
        return self.result(
            False, f"is not the span {span.strip()!r} alone ({len(response.strip())} characters given)", None
        )

    def _repair(self, response: str) -> str | None:
        return _unwrap(response)
