"""detectable_content:*: a postscript at the end, and square-bracket placeholders like [name]."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field, field_validator

from graph.constraints.base import CheckResult, Constraint, Params
from graph.constraints.bounds import MAX_COUNT
from graph.constraints.patterns import KwargPattern
from graph.constraints.registry import register

PLACEHOLDER = re.compile(r"\[.*?\]")
POSTSCRIPT_FILLER = "I hope this helps."


@lru_cache(maxsize=1024)
def postscript_pattern(marker: str) -> re.Pattern[str] | KwargPattern:
    """The official patterns: P.S. and P.P.S tolerate a space after each dot; others are regexes
    (time-bounded: see ``graph.constraints.patterns``)."""
    if marker == "P.P.S":
        return re.compile(r"\s*p\.\s?p\.\s?s.*$", re.MULTILINE)
    if marker == "P.S.":
        return re.compile(r"\s*p\.\s?s\..*$", re.MULTILINE)
    core = marker.lower()
    return KwargPattern(r"\s*" + core + r".*$", field="postscript_marker", core=core, flags=re.MULTILINE)


def insert_before_closing_quote(response: str, addition: str) -> str:
    """Append text, but inside a final double quote so a quoted response stays quoted."""
    body = response.rstrip()
    quotes = len(body) - len(body.rstrip('"'))
    core = body[: len(body) - quotes] if quotes and len(body) > quotes else body
    closing = '"' * quotes if core is not body else ""
    return core.rstrip() + addition + closing


class PostscriptParams(Params):
    postscript_marker: str

    @field_validator("postscript_marker")
    @classmethod
    def _valid(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        try:
            re.compile(value.lower())
        except re.error as exc:
            raise ValueError(f"is not a valid pattern: {exc}") from None
        return value


@register
class Postscript(Constraint[PostscriptParams]):
    """Passes when any line holds the marker (case-insensitive), as the official checker does."""

    id = "detectable_content:postscript"
    params_model = PostscriptParams
    example: ClassVar[dict[str, Any]] = {"postscript_marker": "P.S."}
    has_repair = True

    def describe(self) -> str:
        return f"At the end of the response, add a postscript starting with {self.params.postscript_marker}"

    def _check(self, response: str) -> CheckResult:
        if postscript_pattern(self.params.postscript_marker).search(response.lower()):
            return self.result(True, "", True)
        marker = self.params.postscript_marker
        return self.result(False, f"no postscript starting with {marker!r} found", False)

    def _repair(self, response: str) -> str:
        """Add a one-line postscript (a neutral sentence; the teacher can do better)."""
        return insert_before_closing_quote(
            response, f"\n\n{self.params.postscript_marker} {POSTSCRIPT_FILLER}"
        )


class PlaceholderParams(Params):
    num_placeholders: int = Field(ge=0)


@register
class NumberPlaceholders(Constraint[PlaceholderParams]):
    id = "detectable_content:number_placeholders"
    params_model = PlaceholderParams
    example: ClassVar[dict[str, Any]] = {"num_placeholders": 2}
    has_repair = True

    def describe(self) -> str:
        n = self.params.num_placeholders
        return f"Include at least {n} placeholders in square brackets, such as [address]."

    def _check(self, response: str) -> CheckResult:
        found = PLACEHOLDER.findall(response)
        if len(found) >= self.params.num_placeholders:
            return self.result(True, "", len(found))
        shown = f" ({', '.join(found[:3])})" if found else ""
        detail = f"has {len(found)} [placeholders]{shown}; needs at least {self.params.num_placeholders}"
        return self.result(False, detail, len(found))

    def _repair(self, response: str) -> str | None:
        """Append the missing placeholders as numbered fields on a last line."""
        missing = self.params.num_placeholders - len(PLACEHOLDER.findall(response))
        if missing * len("[placeholder 1]") > MAX_COUNT:
            return None  # longer than any response the API takes: no mechanical fix
        fields = " ".join(f"[placeholder {i + 1}]" for i in range(missing))
        return insert_before_closing_quote(response, "\n\n" + fields)
