"""startend:* constraints: a fixed closing phrase; the whole response wrapped in double quotes."""

from __future__ import annotations

from typing import Any, ClassVar

from graph.constraints.base import CheckResult, Constraint, NonBlank, NoParams, Params
from graph.constraints.registry import register


class EndParams(Params):
    end_phrase: NonBlank


@register
class EndChecker(Constraint[EndParams]):
    id = "startend:end_checker"
    params_model = EndParams
    example: ClassVar[dict[str, Any]] = {"end_phrase": "Is there anything else I can help with?"}
    has_repair = True

    def describe(self) -> str:
        return f"Finish the response with the exact phrase {self.params.end_phrase!r}; nothing may follow it."

    def _check(self, response: str) -> CheckResult:
        text = response.strip().strip('"').lower()
        phrase = self.params.end_phrase.strip().lower()
        if text.endswith(phrase):
            return self.result(True, "", True)
        tail = response.strip()[-40:].replace("\n", " ")
        return self.result(
            False, f"ends with '...{tail}'; must end with {self.params.end_phrase.strip()!r}", False
        )

    def _repair(self, response: str) -> str:
        """Append the phrase, inside a closing double quote if the response is quoted."""
        body = response.rstrip()
        quotes = len(body) - len(body.rstrip('"'))
        core = body[: len(body) - quotes] if quotes else body
        separator = "" if not core or core.endswith(("\n", " ")) else " "
        return core + separator + self.params.end_phrase.strip() + '"' * quotes


@register
class Quotation(Constraint[NoParams]):
    id = "startend:quotation"
    has_repair = True

    def describe(self) -> str:
        return "Wrap the entire response in double quotation marks."

    def _check(self, response: str) -> CheckResult:
        text = response.strip()
        if len(text) > 1 and text[0] == '"' and text[-1] == '"':
            return self.result(True, "", True)
        where = "start" if not text.startswith('"') else "end"
        return self.result(False, f'does not {where} with a double quotation mark (")', False)

    def _repair(self, response: str) -> str:
        text = response.strip()
        opened = text if text.startswith('"') else '"' + text
        return opened if len(opened) > 1 and opened.endswith('"') else opened + '"'
