"""punctuation:no_comma: not one ASCII comma (full-width commas are not counted, as officially)."""

from __future__ import annotations

import re

from graph.constraints.base import CheckResult, Constraint, NoParams
from graph.constraints.registry import register
from graph.constraints.text import excerpt

_GLUING_COMMA = re.compile(r"(?<=\w),+(?=\w)")


@register
class NoComma(Constraint[NoParams]):
    id = "punctuation:no_comma"
    has_repair = True

    def describe(self) -> str:
        return "Do not use any commas in the response."

    def _check(self, response: str) -> CheckResult:
        count = response.count(",")
        if not count:
            return self.result(True, "", 0)
        first = response.index(",")
        return self.result(False, f"{count} commas, first at: '{excerpt(response, first, first + 1)}'", count)

    def _repair(self, response: str) -> str:
        """Drop each comma; one between two words ("a,b") becomes a space so no words are glued."""
        return _GLUING_COMMA.sub(" ", response).replace(",", "")
