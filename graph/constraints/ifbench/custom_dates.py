"""IFBench ``custom:date_format_list``: Napoleon's battle dates as comma-separated YYYY-MM-DD.

The check is the official one (only upper bounds on month and day). The repair rewrites dates the
response already gives in another common spelling ("December 2, 1805", "2 Dec 1805", "1805/12/2")
as YYYY-MM-DD and joins them with commas, but only when nothing but dates, list markers and
separators is there: an explanation is content, and the teacher's to remove.
"""

from __future__ import annotations

import itertools
import re

from graph.constraints.base import CheckResult, Constraint
from graph.constraints.ifbench.custom import TaskParams
from graph.constraints.registry import register

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_DAYS = {1: 31, 3: 31, 5: 31, 7: 31, 8: 31, 10: 31, 12: 31, 4: 30, 6: 30, 9: 30, 11: 30, 2: 29}
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_STEMS = [name[:3] for name in _MONTHS]


def _spelling(pattern: str, n: int) -> str:
    month = r"(?P<month{n}>" + "|".join(_STEMS) + r")[a-z]*\.?"
    parts = {"year": r"(?P<year{n}>\d{{4}})", "day": r"(?P<day{n}>\d{{1,2}})(?:st|nd|rd|th)?", "month": month}
    parts["num"] = r"(?P<num{n}>\d{{1,2}})"
    return pattern.format(**parts).format(n=n)


_SPELLINGS = re.compile(
    "|".join(
        _spelling(pattern, n)
        for n, pattern in enumerate(
            [
                r"{year}[-/.]{num}[-/.]{day}",
                r"{month}\s+{day},?\s+{year}",
                r"{day}\s+(?:of\s+)?{month},?\s+{year}",
            ]
        )
    ),
    re.IGNORECASE,
)
_LIST_MARKER = re.compile(r"(?m)^[ \t]*(?:[*\-+\u2022]|\d+[.)])[ \t]+")
_SEPARATORS = re.compile(r"[\s,;]*(?:and[\s,;]*)?")


def _date_problem(date: str) -> str | None:
    if not _DATE.match(date):
        return "is not YYYY-MM-DD"
    year, month, day = (int(part) for part in date.split("-"))
    if not 1769 <= year <= 1821:
        return "is outside Napoleon's life (1769-1821)"
    if month > 12:
        return "has a month above 12"
    if day > _MONTH_DAYS.get(month, 99):
        return f"has day {day}, past the end of month {month}"
    return None


def _iso(match: re.Match[str]) -> str:
    groups = {name.rstrip("0123456789"): value for name, value in match.groupdict().items() if value}
    month = int(groups["num"]) if "num" in groups else _STEMS.index(groups["month"].lower()[:3]) + 1
    return f"{groups['year']}-{month:02d}-{int(groups['day']):02d}"


@register
class DateFormatList(Constraint[TaskParams]):
    """Month 00 and day 00 pass, as officially (only upper bounds are checked)."""

    id = "custom:date_format_list"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return (
            "List the start dates of all the battles Napoleon fought separated by commas, use the "
            "following date format: YYYY-MM-DD. Do not provide an explanation."
        )

    def _check(self, response: str) -> CheckResult:
        dates = response.strip().split(",")
        for index, date in enumerate(dates):
            problem = _date_problem(date.strip())
            if problem:
                return self.result(False, f"item {index + 1} ({date.strip()[:30]!r}) {problem}", index)
        return self.result(True, "", len(dates))

    def _repair(self, response: str) -> str | None:
        """Dates in other spellings, one a line, as bullets or with 'and', as one YYYY-MM-DD list."""
        text = _LIST_MARKER.sub(" ", response)
        matches = list(_SPELLINGS.finditer(text))
        gaps = [text[a.end() : b.start()] for a, b in itertools.pairwise(matches)]
        edges = [text[: matches[0].start()], text[matches[-1].end() :]] if matches else []
        if not matches or not all(_SEPARATORS.fullmatch(gap) for gap in gaps + edges):
            return None
        return ", ".join(_iso(match) for match in matches)
