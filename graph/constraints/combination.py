"""combination:*: two different answers split by ******; repeating the request before answering."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from graph.constraints.base import CheckResult, Constraint, NonBlank, NoParams, Params
from graph.constraints.registry import register

SEPARATOR = "******"
_LOOSE_SEPARATOR = re.compile(r"(?m)^[ \t]*(?:\*{3,}|-{3,}|_{3,}|={3,})[ \t]*$")
_NUMBERED_LABEL = re.compile(r"(?im)^[#*\s]*(?:response|answer|option|version)\s*(?:2|two|b)\b.*$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def two_answers(response: str) -> tuple[list[str], str]:
    """The non-blank parts around ``******``, and why they fail (empty when they pass)."""
    parts = response.split(SEPARATOR)
    valid = []
    for index, part in enumerate(parts):
        if part.strip():
            valid.append(part)
        elif index not in (0, len(parts) - 1):
            return valid, f"answer {index + 1} between ****** separators is empty"
    if len(valid) != 2:
        return valid, f"has {len(valid)} answers separated by ******; needs exactly 2"
    if valid[0].strip() == valid[1].strip():
        return valid, "the two answers are identical; they must differ"
    return valid, ""


@register
class TwoResponses(Constraint[NoParams]):
    id = "combination:two_responses"
    has_repair = True

    def describe(self) -> str:
        return "Give two different responses, separated by exactly six asterisks: ******."

    def _check(self, response: str) -> CheckResult:
        parts, why = two_answers(response)
        return self.result(not why, why, len(parts))

    def _repair(self, response: str) -> str | None:
        """Normalise a divider line or a 'Response 2' label to ******; else split at the middle paragraph."""
        text = response.strip().strip(SEPARATOR).strip()
        if SEPARATOR in text:
            first, _, rest = text.partition(SEPARATOR)
            return first.rstrip() + f"\n{SEPARATOR}\n" + rest.replace(SEPARATOR, "\n").strip()
        divider = _LOOSE_SEPARATOR.search(text) or _NUMBERED_LABEL.search(text)
        if divider and divider.start() > 0:
            tail = text[divider.end() :] if divider.re is _LOOSE_SEPARATOR else text[divider.start() :]
            return text[: divider.start()].rstrip() + f"\n{SEPARATOR}\n" + tail.strip()
        paragraphs = [p for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
        if len(paragraphs) < 2:
            return None
        middle = len(paragraphs) // 2
        return "\n\n".join(paragraphs[:middle]) + f"\n{SEPARATOR}\n" + "\n\n".join(paragraphs[middle:])


class RepeatParams(Params):
    prompt_to_repeat: NonBlank


@register
class RepeatPrompt(Constraint[RepeatParams]):
    id = "combination:repeat_prompt"
    params_model = RepeatParams
    example: ClassVar[dict[str, Any]] = {"prompt_to_repeat": "What is the capital of France?"}
    has_repair = True

    def describe(self) -> str:
        return (
            "First repeat the request word for word without change, then give your answer "
            f"(do not say anything before repeating it). The request is: {self.params.prompt_to_repeat}"
        )

    def _check(self, response: str) -> CheckResult:
        wanted = self.params.prompt_to_repeat.strip().lower()
        if response.strip().lower().startswith(wanted):
            return self.result(True, "", True)
        shown = response.strip()[:50].replace("\n", " ")
        return self.result(False, f"starts with '{shown}...', not with the request repeated verbatim", False)

    def _repair(self, response: str) -> str:
        return self.params.prompt_to_repeat.strip() + "\n\n" + response.lstrip()
