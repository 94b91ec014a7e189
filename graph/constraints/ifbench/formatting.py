"""IFBench ``format:*`` on characters and words: nesting, options, one word a line, title case, ...

Each checker follows the official one step by step, its quirks included (see docs/constraints.md).
Repairs change only the markup the constraint asks for: closing brackets or quotes, surrounding
markup around an option, line breaks, capital letters, label spelling, whitespace.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.ifbench.common import STRIP, delete_punctuation, word_tokenize
from graph.constraints.registry import register

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_MIN_BRACKETS = 5
_MIN_QUOTES = 3


def bracket_depth(text: str) -> tuple[bool, int]:
    """(passes, deepest nesting reached): 5 open levels then a matching close, as officially.

    A closer that does not match the innermost opener (or has none) forgets everything so far.
    """
    levels: list[str] = []
    max_depth = deepest = 0
    for char in text:
        if char in _OPENERS:
            levels.append(char)
            max_depth = max(max_depth, len(levels))
            deepest = max(deepest, max_depth)
        elif char in _CLOSERS:
            if levels and levels[-1] == _CLOSERS[char]:
                levels.pop()
                if max_depth >= _MIN_BRACKETS and len(levels) < max_depth:
                    return True, max_depth
            else:
                levels, max_depth = [], 0
    return False, deepest


@register
class NestedParentheses(Constraint[NoParams]):
    id = "format:parentheses"
    has_repair = True

    def describe(self) -> str:
        return "Nest parentheses (and [brackets {and braces}]) at least 5 levels deep."

    def _check(self, response: str) -> CheckResult:
        passed, depth = bracket_depth(response)
        if passed:
            return self.result(True, "", depth)
        return self.result(
            False,
            f"brackets nest at most {depth} levels before a matching close; needs {_MIN_BRACKETS}",
            depth,
        )

    def _repair(self, response: str) -> str | None:
        """Fix mismatched closers and append the closers still missing at the end."""
        out: list[str] = []
        stack: list[str] = []
        for char in response:
            if char in _CLOSERS and stack:
                out.append(_OPENERS[stack.pop()])
                continue
            if char in _OPENERS:
                stack.append(char)
            out.append(char)
        return "".join(out) + "".join(_OPENERS[opener] for opener in reversed(stack))


def quote_depth(text: str) -> tuple[bool, int]:
    """(passes, deepest closed nesting): a quote closes the innermost one when it is the same mark."""
    levels: list[str] = []
    reached = current = best = 0
    for char in text:
        if levels and char == levels[-1]:
            levels.pop()
            current -= 1
            best = max(best, reached - current)
            if reached - current >= _MIN_QUOTES:
                return True, reached - current
        elif char in "\"'":
            levels.append(char)
            current += 1
            reached = max(reached, current)
    return False, best


@register
class NestedQuotes(Constraint[NoParams]):
    """Apostrophes count as single quotes, and the deepest level ever reached is never forgotten."""

    id = "format:quotes"
    has_repair = True

    def describe(self) -> str:
        return (
            "Include quotes within quotes within quotes, at least 3 levels deep, alternating between "
            "double quotes and single quotes."
        )

    def _check(self, response: str) -> CheckResult:
        passed, depth = quote_depth(response)
        if passed:
            return self.result(True, "", depth)
        return self.result(False, f"quotes nest {depth} levels deep (closed); needs {_MIN_QUOTES}", depth)

    def _repair(self, response: str) -> str | None:
        """Close the quotes still open at the end, innermost first."""
        levels: list[str] = []
        for char in response:
            if levels and char == levels[-1]:
                levels.pop()
            elif char in "\"'":
                levels.append(char)
        return response + "".join(reversed(levels)) if levels else None


class OptionsParams(Params):
    options: str

    def choices(self) -> list[str]:
        """Split as officially: on "/", else on the substring "or" (even inside a word), else ","."""
        separator = "/" if "/" in self.options else "or" if "or" in self.options else ","
        return [option.strip() for option in self.options.split(separator)]

    def exact(self) -> bool:
        """Letter options (a, b, c ...) must be answered exactly, character for character."""
        return re.match(r"\W*[aA]\W*[bB]\W*[cC]\W*", self.options) is not None


@register
class OptionsResponse(Constraint[OptionsParams]):
    id = "format:options"
    params_model = OptionsParams
    example: ClassVar[dict[str, Any]] = {"options": "yes/no/maybe"}
    has_repair = True

    def describe(self) -> str:
        return (
            f"Answer with one of the following options: {self.params.options}. Do not give any explanation."
        )

    def _check(self, response: str) -> CheckResult:
        choices = self.params.choices()
        if self.params.exact():
            if response in choices:
                return self.result(True, "", response)
            return self.result(
                False, f"is not exactly one of {choices} (nothing else, not even spaces)", None
            )
        answer = response.strip(STRIP).lower()
        if any(option.strip(STRIP).lower() == answer for option in choices):
            return self.result(True, "", answer)
        return self.result(
            False, f"is not one of {choices} alone ({len(response.split())} words given)", None
        )

    def _repair(self, response: str) -> str | None:
        """Drop the whitespace, emphasis, quotes or backticks around an answer that is an option."""
        return response.strip().strip("*_`\"' \n").strip()


@register
class NewLineWords(Constraint[NoParams]):
    id = "format:newline"
    has_repair = True

    def describe(self) -> str:
        return "Write each word on a new line."

    def _check(self, response: str) -> CheckResult:
        text = delete_punctuation(response).strip()
        lines = [line for line in text.split("\n") if line != ""]
        words = len(text.split())
        if len(lines) == words:
            return self.result(True, "", words)
        return self.result(
            False, f"has {words} words on {len(lines)} non-empty lines; each word needs its own line", words
        )

    def _repair(self, response: str) -> str | None:
        return "\n".join(response.split())


@register
class TitleCase(Constraint[NoParams]):
    """Every word-token that starts with a letter, short function words included, needs a capital."""

    id = "format:title_case"
    has_repair = True

    def describe(self) -> str:
        return "Write the entire response in title case (capitalize the first letter of every major word)."

    @staticmethod
    def _bad(token: str) -> bool:
        if not token or not token[0].isalpha():
            return False
        if len(token) == 1:
            return token.islower()
        if token[0].isupper() and token[1:].islower():
            return False
        return token[0].islower() and (token[1:].isupper() or token[1:].islower())

    def _check(self, response: str) -> CheckResult:
        bad = [token for token in word_tokenize(response) if self._bad(token)]
        if not bad:
            return self.result(True, "", 0)
        shown = ", ".join(repr(token) for token in bad[:5])
        return self.result(False, f"{len(bad)} words not in title case: {shown}", len(bad))

    def _repair(self, response: str) -> str | None:
        """Capitalise the first letter of each offending token, found in order in the text."""
        chars = list(response)
        cursor = 0
        for token in word_tokenize(response):
            at = response.find(token, cursor)
            if at < 0:
                continue  # Treebank rewrote it (quotes, brackets): never a word to fix
            cursor = at + len(token)
            if self._bad(token):
                chars[at] = chars[at].upper()
        return "".join(chars)


_TEMPLATE_LABELS = ("My Answer:", "My Conclusion:", "Future Outlook:")


@register
class OutputTemplate(Constraint[NoParams]):
    id = "format:output_template"
    has_repair = True

    def describe(self) -> str:
        return (
            "Use this exact template for your response: My Answer: [answer] My Conclusion: "
            "[conclusion] Future Outlook: [outlook]"
        )

    def _check(self, response: str) -> CheckResult:
        missing = [label for label in _TEMPLATE_LABELS if label not in response]
        if not missing:
            return self.result(True, "", 0)
        return self.result(False, "lacks the labels " + ", ".join(repr(m) for m in missing), len(missing))

    def _repair(self, response: str) -> str | None:
        """Respell labels written in another case or with emphasis (``**my answer**:``)."""
        text = response
        for label in _TEMPLATE_LABELS:
            if label in text:
                continue
            words = r"\s+".join(map(re.escape, label[:-1].split()))
            pattern = re.compile(rf"[*_]*{words}[*_]*\s*:[*_]*", re.IGNORECASE)
            text, found = pattern.subn(label, text, count=1)
            if not found:
                return None
        return text


@register
class NoWhitespace(Constraint[NoParams]):
    id = "format:no_whitespace"
    has_repair = True

    def describe(self) -> str:
        return "The output should not contain any whitespace."

    def _check(self, response: str) -> CheckResult:
        count = sum(1 for char in response if char.isspace())
        if count == 0:
            return self.result(True, "", 0)
        return self.result(False, f"has {count} whitespace characters; needs none", count)

    def _repair(self, response: str) -> str | None:
        return "".join(char for char in response if not char.isspace())
