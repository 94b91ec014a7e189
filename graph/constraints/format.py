"""detectable_format:*: bullets, fixed answers, highlights, sections, JSON and a <<title>>."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field, field_validator

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.bullets import exact_bullets
from graph.constraints.layout import highlight
from graph.constraints.patterns import KwargPattern
from graph.constraints.registry import register

STAR_BULLET = re.compile(r"^\s*\*[^\*].*$", re.MULTILINE)
DASH_BULLET = re.compile(r"^\s*-.*$", re.MULTILINE)
SINGLE_HIGHLIGHT = re.compile(r"\*[^\n\*]*\*")
DOUBLE_HIGHLIGHT = re.compile(r"\*\*[^\n\*]*\*\*")
TITLE = re.compile(r"<<[^\n]+>>")
CONSTRAINED_OPTIONS = ("My answer is yes.", "My answer is no.", "My answer is maybe.")
_WORDS = re.compile(r"\w")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPELLED_ANSWER = re.compile(r"\bmy answer is\W{0,6}(yes|no|maybe)\b[\"'*\u201d]*[.?!]*", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_MARKDOWN_HEADING = re.compile(r"\A\s*#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


class BulletParams(Params):
    num_bullets: int = Field(ge=0)


@register
class NumberBulletLists(Constraint[BulletParams]):
    id = "detectable_format:number_bullet_lists"
    params_model = BulletParams
    example: ClassVar[dict[str, Any]] = {"num_bullets": 3}
    has_repair = True

    def describe(self) -> str:
        return f"Use exactly {self.params.num_bullets} markdown bullet points, such as:\n* point one\n* point two"

    def _check(self, response: str) -> CheckResult:
        count = len(STAR_BULLET.findall(response)) + len(DASH_BULLET.findall(response))
        if count == self.params.num_bullets:
            return self.result(True, "", count)
        return self.result(
            False, f"has {count} bullet points (* or -); needs exactly {self.params.num_bullets}", count
        )

    def _repair(self, response: str) -> str | None:
        """Merge or split the response's own items and lines into exactly N bullets."""
        return exact_bullets(response, self.params.num_bullets)


@register
class ConstrainedResponse(Constraint[NoParams]):
    id = "detectable_format:constrained_response"
    has_repair = True

    def describe(self) -> str:
        return "Answer with one of the following options: " + ", ".join(repr(o) for o in CONSTRAINED_OPTIONS)

    def _check(self, response: str) -> CheckResult:
        text = response.strip()
        if any(option in text for option in CONSTRAINED_OPTIONS):
            return self.result(True, "", True)
        return self.result(
            False, "contains none of " + " / ".join(repr(o) for o in CONSTRAINED_OPTIONS), False
        )

    def _repair(self, response: str) -> str | None:
        """Only when the response itself gives the verdict: the verdict is not ours to pick.

        An answer already spelled out ("my answer is: \"Yes\"") is put in the exact form (case and
        punctuation only); else a response that opens with yes / no / maybe gets the phrase first.
        """
        spelled = _SPELLED_ANSWER.search(response)
        if spelled:
            exact = f"My answer is {spelled.group(1).lower()}."
            return response[: spelled.start()] + exact + response[spelled.end() :]
        match = re.match(r"\s*[\"'*]*(yes|no|maybe)\b", response, re.IGNORECASE)
        if not match:
            return None
        return f"My answer is {match.group(1).lower()}. " + response.strip()


class HighlightParams(Params):
    num_highlights: int = Field(ge=0)


def count_highlights(response: str) -> int:
    """Non-empty *single* and **double** highlights, counted as the official checker does."""
    single = sum(1 for h in SINGLE_HIGHLIGHT.findall(response) if h.strip("*").strip())
    double = sum(
        1 for h in DOUBLE_HIGHLIGHT.findall(response) if h.removeprefix("**").removesuffix("**").strip()
    )
    return single + double


@register
class NumberHighlightedSections(Constraint[HighlightParams]):
    id = "detectable_format:number_highlighted_sections"
    params_model = HighlightParams
    example: ClassVar[dict[str, Any]] = {"num_highlights": 2}
    has_repair = True

    def describe(self) -> str:
        n = self.params.num_highlights
        return f"Highlight at least {n} sections with markdown, i.e. *highlighted section*."

    def _check(self, response: str) -> CheckResult:
        count = count_highlights(response)
        if count >= self.params.num_highlights:
            return self.result(True, "", count)
        detail = f"has {count} *highlighted* sections; needs at least {self.params.num_highlights}"
        return self.result(False, detail, count)

    def _repair(self, response: str) -> str | None:
        """Highlight existing sentences (the shortest first): no new words."""
        return highlight(response, self.params.num_highlights - count_highlights(response))


class SectionsParams(Params):
    section_spliter: str = Field(min_length=1)
    num_sections: int = Field(ge=1)

    @field_validator("section_spliter")
    @classmethod
    def _valid(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"is not a valid pattern: {exc}") from None
        return value


@lru_cache(maxsize=1024)
def _section_pattern(spliter: str) -> KwargPattern:
    """The official splitter regex, unescaped as the official checker has it (time-bounded)."""
    return KwargPattern(r"\s?" + spliter + r"\s?\d+\s?", field="section_spliter", core=spliter)


@register
class MultipleSections(Constraint[SectionsParams]):
    """Counts splitter markers followed by a number (``SECTION 2``); the splitter is case-sensitive."""

    id = "detectable_format:multiple_sections"
    params_model = SectionsParams
    example: ClassVar[dict[str, Any]] = {"section_spliter": "SECTION", "num_sections": 3}
    has_repair = True

    def _pattern(self) -> KwargPattern:
        return _section_pattern(self.params.section_spliter)

    def describe(self) -> str:
        p = self.params
        return f"Write {p.num_sections} sections; mark the start of each with '{p.section_spliter} X' (X = 1, 2, ...)."

    def _check(self, response: str) -> CheckResult:
        count = len(self._pattern().split(response)) - 1
        if count >= self.params.num_sections:
            return self.result(True, "", count)
        p = self.params
        return self.result(
            False, f"has {count} '{p.section_spliter} N' markers; needs {p.num_sections}", count
        )

    def _repair(self, response: str) -> str | None:
        """Relabel existing markers written in another case, else group paragraphs into sections."""
        p = self.params
        relabelled = re.sub(
            r"(?im)^([#*\s]*)" + re.escape(p.section_spliter) + r"\s?(\d+)",
            lambda m: m.group(1) + f"{p.section_spliter} {m.group(2)}",
            response,
        )
        if self.check(relabelled).passed:
            return relabelled
        paragraphs = [piece.strip() for piece in _PARAGRAPH_BREAK.split(response.strip()) if piece.strip()]
        if len(paragraphs) < p.num_sections:
            paragraphs = [line.strip() for line in response.strip().splitlines() if line.strip()]
        if len(paragraphs) < p.num_sections:
            return None
        size, extra = divmod(len(paragraphs), p.num_sections)
        sections, start = [], 0
        for index in range(p.num_sections):
            end = start + size + (1 if index < extra else 0)
            sections.append(f"{p.section_spliter} {index + 1}\n" + "\n\n".join(paragraphs[start:end]))
            start = end
        return "\n\n".join(sections)


def strip_json_fence(response: str) -> str:
    """The official normalisation: drop a ```json / ``` fence around the payload."""
    return (
        response.strip()
        .removeprefix("```json")
        .removeprefix("```Json")
        .removeprefix("```JSON")
        .removeprefix("```")
        .removesuffix("```")
        .strip()
    )


@register
class JsonFormat(Constraint[NoParams]):
    id = "detectable_format:json_format"
    has_repair = True

    def describe(self) -> str:
        return "Wrap the entire output in JSON format; markdown ticks such as ``` may be used."

    def _check(self, response: str) -> CheckResult:
        payload = strip_json_fence(response)
        try:
            json.loads(payload)
        except ValueError as exc:
            return self.result(False, f"is not valid JSON: {exc}", False)
        return self.result(True, "", True)

    def _repair(self, response: str) -> str:
        """Keep an embedded JSON value when nothing but markup surrounds it; else the lines as a JSON list.

        Words around an embedded value are content: dropping them is not a repair, so the whole
        text becomes a list of its lines (control characters as spaces, so no word is glued to an
        escape such as ``\\t``).
        """
        text = response.strip()
        for opener, closer in (("{", "}"), ("[", "]")):
            start, end = text.find(opener), text.rfind(closer)
            if 0 <= start < end and not _WORDS.search(text[:start] + " " + text[end + 1 :]):
                try:
                    json.loads(text[start : end + 1])
                except ValueError:
                    continue
                return text[start : end + 1]
        lines = [_CONTROL.sub(" ", line) for line in text.split("\n")]
        return json.dumps(lines, ensure_ascii=False, indent=2)


@register
class Title(Constraint[NoParams]):
    id = "detectable_format:title"
    has_repair = True

    def describe(self) -> str:
        return "Give the response a title wrapped in double angular brackets, such as <<poem of joy>>."

    def _check(self, response: str) -> CheckResult:
        titles = TITLE.findall(response)
        if any(t.lstrip("<").rstrip(">").strip() for t in titles):
            return self.result(True, "", True)
        why = "only empty <<>> titles" if titles else "no title in double angular brackets like <<title>>"
        return self.result(False, f"has {why}", False)

    def _repair(self, response: str) -> str | None:
        """Turn a leading markdown heading into the title, else title it with its first words."""
        heading = _MARKDOWN_HEADING.match(response)
        if heading:
            name = heading.group(1).strip("*# ")
            return (
                response[: heading.start(1)].rstrip("# \t").rstrip()
                + f"<<{name}>>"
                + response[heading.end() :]
            )
        words = re.findall(r"[\w'-]+", response)[:6]
        if not words:
            return None
        return f"<<{' '.join(words)}>>\n\n" + response.lstrip()
