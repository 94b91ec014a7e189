"""IFBench ``format:*`` on lines and sentences: emoji endings, stairs, quotes, bullets, theses, lists.

Each checker follows the official one step by step, its quirks included (see docs/constraints.md).
Repairs change only layout and markup: spaces, indentation, blank lines, list markers, italics.
"""

from __future__ import annotations

import re
import string
from typing import Any, ClassVar

import emoji

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.ifbench.common import delete_punctuation
from graph.constraints.ifbench.common import sentences as split_sentences
from graph.constraints.registry import register

_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3})(?=[^\s*])([^*\n]*?[^\s*])\1(?![\w*])")
_STAR_BULLET = re.compile(r"[ \t]*\*(?=[ \t])")
_LIST_MARKER = re.compile(r"^([ \t]*)(?:[*\-+\u2022]|\d+[.)])[ \t]+", re.MULTILINE)


def _emoji_end(sentence: str) -> bool | None:
    """True if one of the last two characters (ASCII punctuation removed) is an emoji; None if empty."""
    text = delete_punctuation(sentence).strip()
    if not text:
        return None
    return emoji.is_emoji(text[-1]) or emoji.is_emoji(text[-2] if len(text) > 1 else text[-1])


@register
class EmojiSentence(Constraint[NoParams]):
    """A sentence may also count its emoji at the start of the next one (Punkt splits before it)."""

    id = "format:emoji"
    has_repair = True

    def describe(self) -> str:
        return "Please use an emoji at the end of every sentence."

    def _check(self, response: str) -> CheckResult:
        sentences = split_sentences(response)
        for index, sentence in enumerate(sentences):
            ends = _emoji_end(sentence)
            if ends:
                continue
            if ends is None:
                return self.result(False, f"sentence {index + 1} is only punctuation", index + 1)
            if index < len(sentences) - 1:
                following = delete_punctuation(sentences[index + 1]).strip()
                if not following:
                    return self.result(False, f"sentence {index + 2} is only punctuation", index + 2)
                if emoji.is_emoji(following[0]):
                    continue
            return self.result(
                False,
                f"sentence {index + 1} of {len(sentences)} ({sentence[-40:]!r}) does not end with an emoji",
                index + 1,
            )
        return self.result(True, "", len(sentences))

    def _repair(self, response: str) -> str | None:
        """Close the gap between an emoji and the marks after it (``🙂 ”`` reads as no emoji)."""
        out: list[str] = []
        index = 0
        while index < len(response):
            char = response[index]
            out.append(char)
            index += 1
            if not emoji.is_emoji(char):
                continue
            gap = index
            while gap < len(response) and response[gap] in " \t":
                gap += 1
            if (
                gap > index
                and gap < len(response)
                and not response[gap].isalnum()
                and not response[gap].isspace()
            ):
                index = gap
        return "".join(out)


def _stair_lines(response: str) -> list[str]:
    """The lines left by the official loop, which removes blank lines while iterating over them.

    It skips the line after each removal and removes the first equal line, so some blank lines stay.
    """
    lines = response.split("\n")
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            lines.remove(lines[index])
        index += 1
    return lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


@register
class IndentStairs(Constraint[NoParams]):
    """Indentation is leading spaces only (a tab is not indentation); each line needs more than the last."""

    id = "format:line_indent"
    has_repair = True

    def describe(self) -> str:
        return "Create stairs by incrementally indenting each new line."

    def _check(self, response: str) -> CheckResult:
        lines = _stair_lines(response)
        for index in range(len(lines) - 1):
            before, after = _indent(lines[index]), _indent(lines[index + 1])
            if after <= before:
                return self.result(
                    False,
                    f"line {index + 2} is indented {after} spaces, not more than line {index + 1}'s {before}",
                    index + 2,
                )
        return self.result(True, "", len(lines))

    def _repair(self, response: str) -> str | None:
        """Drop blank lines; indent each line by at least one space more than the one before."""
        out: list[str] = []
        previous = -1
        for line in response.split("\n"):
            if not line.strip():
                continue
            width = max(_indent(line), previous + 1)
            out.append(" " * width + line.lstrip())
            previous = width
        return "\n".join(out)


@register
class QuoteExplanation(Constraint[NoParams]):
    """Only straight double quotes count; curly quotes are not normalised (the official replace is a no-op)."""

    id = "format:quote_unquote"

    def describe(self) -> str:
        return "Every quoted phrase must be followed by an unquoted explanation."

    def _check(self, response: str) -> CheckResult:
        text = "".join(response.replace("'\"'", "").split())
        if '""' in text:
            return self.result(
                False, "two quoted phrases follow each other with no explanation between", None
            )
        stripped = text.strip(string.digits + string.punctuation.replace('"', ""))
        if stripped and stripped[-1] == '"':
            return self.result(False, "ends with a quoted phrase that no explanation follows", None)
        return self.result(True, "", None)


class SeparatorParams(Params):
    sep: str


@register
class SpecialBulletPoints(Constraint[SeparatorParams]):
    """Counts occurrences of the separator anywhere (the official check ignores line starts)."""

    id = "format:list"
    params_model = SeparatorParams
    example: ClassVar[dict[str, Any]] = {"sep": "SEPARATOR"}
    has_repair = True

    def describe(self) -> str:
        return f"Answer with a list of items, instead of bullet points use {self.params.sep}."

    def _check(self, response: str) -> CheckResult:
        count = len(re.findall(re.escape(self.params.sep), response))
        if count >= 2:
            return self.result(True, "", count)
        return self.result(
            False, f"uses the separator {self.params.sep!r} {count} times; needs at least 2", count
        )

    def _repair(self, response: str) -> str | None:
        """Replace markdown list markers (``*``, ``-``, ``+``, ``•``, ``1.``) with the separator."""
        return _LIST_MARKER.sub(lambda m: m.group(1) + self.params.sep + " ", response)


@register
class ItalicsThesis(Constraint[NoParams]):
    """Looks at the first ``<i>`` (else ``<em>``) only; ``<em>`` offsets are counted as ``<i>``'s."""

    id = "format:thesis"
    has_repair = True

    def describe(self) -> str:
        return "Each section must begin with a thesis statement in italics, use HTML to indicate the italics."

    def _check(self, response: str) -> CheckResult:
        start = response.find("<i>")
        if start == -1:
            start = response.find("<em>")
            if start == -1:
                return self.result(False, "has no <i> or <em> italics", None)
        text = response[start:]
        end = text.find("</i>")
        if end == -1:
            end = text.find("</em>")
            if end == -1:
                return self.result(False, "its first italics are never closed (</i> or </em>)", None)
        if not text[3:end].strip():
            return self.result(False, "its first italic thesis is empty", None)
        if not text[end + 4 :].strip():
            return self.result(False, "nothing follows the italic thesis", None)
        return self.result(True, "", None)

    def _repair(self, response: str) -> str | None:
        """Turn markdown italics (``*thesis*`` or ``_thesis_``) into HTML ``<i>`` italics."""
        pattern = re.compile(r"(?<![*\w])([*_])(?![*_\s])([^*_\n]+?)(?<!\s)\1(?![*\w])")
        return pattern.sub(lambda m: f"<i>{m.group(2)}</i>", response)


@register
class SubBulletPoints(Constraint[NoParams]):
    """Every ``*`` anywhere needs a ``-`` before the next ``*``; no ``*`` at all passes (vacuously)."""

    id = "format:sub-bullets"
    has_repair = True

    def describe(self) -> str:
        return (
            "Your response must include bullet points denoted by * and at least one sub-bullet point "
            "denoted by - for each bullet point."
        )

    def _check(self, response: str) -> CheckResult:
        pieces = response.split("*")
        for index, piece in enumerate(pieces[1:], start=1):
            if "-" not in piece:
                return self.result(
                    False,
                    f"'*' number {index} is not followed by a '-' sub-bullet before the next '*'",
                    index,
                )
        return self.result(True, "", len(pieces) - 1)

    def _repair(self, response: str) -> str | None:
        """Unwrap ``**bold**`` and ``*italic*`` emphasis; the ``*`` that start bullet lines stay."""
        lines = []
        for line in response.split("\n"):
            bullet = _STAR_BULLET.match(line)
            head = bullet.group(0) if bullet else ""
            lines.append(head + _EMPHASIS.sub(r"\2", line[len(head) :]))
        return "\n".join(lines)


@register
class SomeBulletPoints(Constraint[NoParams]):
    """Sentence lines, then only ``*`` lines: a blank line after the bullets (or after a blank line) fails."""

    id = "format:no_bullets_bullets"
    has_repair = True

    def describe(self) -> str:
        return (
            "Your answer must contain at least two sentences ending in a period followed by at least "
            "two bullet points denoted by *."
        )

    def _check(self, response: str) -> CheckResult:
        in_sentences: bool = True
        sentences = bullets = 0
        for number, line in enumerate(response.split("\n"), start=1):
            if line.strip().startswith("*"):
                in_sentences = False
                if sentences < 2:
                    return self.result(
                        False, f"has {sentences} sentences before the first bullet; needs 2", 0
                    )
                bullets += 1
            elif in_sentences:
                found = split_sentences(line.strip())
                in_sentences = bool(found)  # the official loop keeps this list as its flag
                sentences += len(found)
            else:
                where = "after the '*' bullets" if bullets else "after a blank line"
                return self.result(
                    False,
                    f"line {number} ({line.strip()[:30]!r}) comes {where}, where only '*' lines may come",
                    bullets,
                )
        if bullets >= 2:
            return self.result(True, "", bullets)
        return self.result(False, f"has {bullets} '*' bullets after the sentences; needs at least 2", bullets)

    def _repair(self, response: str) -> str | None:
        """Drop blank lines and turn ``-``, ``+``, ``•`` and numbered list markers into ``*``."""
        lines = [line for line in response.split("\n") if line.strip()]
        return "\n".join(_LIST_MARKER.sub(lambda m: m.group(1) + "* ", line) for line in lines)
