"""IFBench ``custom:csv_*``: CSV tables with a fixed header, row count and quoting, read by ``csv``.

Two of the official checkers triple every ``"`` before parsing, so a quoted field keeps its quotes
as text; they are followed exactly (see docs/constraints.md). Repairs rewrite only the table's
markup: code fences, blank lines, spaces after delimiters, the delimiter, and field quoting.
"""

from __future__ import annotations

import csv
import io
import re

from graph.constraints.base import CheckResult, Constraint
from graph.constraints.ifbench.custom import TaskParams
from graph.constraints.registry import register

_CITY_HEADER = ["ID", "Country", "City", "Year", "Count"]
_PRODUCT_HEADER = re.compile(
    r'^(ProductID|"ProductID"),[ \t]*(Category|"Category"),[ \t]*(Brand|"Brand"),[ \t]*(Price|"Price"),'
    r'[ \t]*(Stock|"Stock")$'
)
_STUDENT_HEADER = re.compile(
    r'^(StudentID|"StudentID")\t *(Subject|"Subject")\t *(Grade|"Grade")\t *(Semester|"Semester")\t *'
    r'(Score|"Score")$'
)
_SPECIAL = re.compile(r"[^\d\w\s]")
_FENCE = re.compile(r"^\s*```")


def quoted_special(field: str) -> bool:
    """``re.match(r'".*[^\\d\\w\\s].*"', field)`` in linear time: on the first line, an opening
    quote, then a special character before some later quote (the pattern backtracks quadratically)."""
    line = field.split("\n", 1)[0]
    end = line.rfind('"')
    return line.startswith('"') and end > 1 and _SPECIAL.search(line, 1, end) is not None


def _rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _table_lines(response: str) -> list[str]:
    """The response's non-blank lines outside code-fence markers."""
    return [line for line in response.split("\n") if line.strip() and not _FENCE.match(line)]


def _tripled(response: str, delimiter: str) -> list[list[str]]:
    """The official parse: every ``"`` tripled first, so quoted fields keep their quotes."""
    return _rows(response.replace('"', '"""'), delimiter)


@register
class CityCSV(Constraint[TaskParams]):
    id = "custom:csv_city"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return (
            'Generate CSV data: The column names are ["ID", "Country", "City", "Year", "Count"], the '
            "data should be comma delimited. Please generate 7 rows."
        )

    def _check(self, response: str) -> CheckResult:
        rows = _rows(response)
        if len(rows) != 8:
            return self.result(
                False, f"has {len(rows)} CSV rows (blank lines count); needs 8 (header + 7)", len(rows)
            )
        if rows[0] != _CITY_HEADER:
            return self.result(False, f"header is {rows[0][:6]}; needs exactly {_CITY_HEADER}", 8)
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != 5:
                return self.result(False, f"row {number} has {len(row)} fields; needs 5", 8)
        return self.result(True, "", 8)

    def _repair(self, response: str) -> str | None:
        """Drop fences and blank lines, trim spaces around fields, write it back as plain CSV."""
        rows = _rows("\n".join(_table_lines(response)))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([[field.strip() for field in row] for row in rows])
        return out.getvalue().rstrip("\n")


@register
class SpecialCharacterCSV(Constraint[TaskParams]):
    """Rows are checked in order up to the first row with a quoted field holding a special character."""

    id = "custom:csv_special_character"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return (
            'Generate CSV data: The column names are ["ProductID", "Category", "Brand", "Price", "Stock"], '
            "the data should be comma delimited. Please generate 14 rows. Add one field which contains a "
            "special character and enclose it in double quotes."
        )

    def _check(self, response: str) -> CheckResult:
        if not _PRODUCT_HEADER.match(response.split("\n", maxsplit=1)[0].strip()):
            return self.result(
                False, "first line is not the header ProductID,Category,Brand,Price,Stock", None
            )
        rows = _tripled(response, ",")
        if len(rows) != 15:
            return self.result(
                False, f"has {len(rows)} CSV rows (blank lines count); needs 15 (header + 14)", len(rows)
            )
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != 5:
                return self.result(False, f"row {number} has {len(row)} fields; needs 5", 15)
            if any(quoted_special(field) for field in row):
                return self.result(True, "", 15)
        return self.result(False, "no field holds a special character inside double quotes", 15)

    def _repair(self, response: str) -> str | None:
        """Quote the first field holding a special character (one not a digit, letter or space)."""
        lines = _table_lines(response)
        if not lines:
            return None
        rows = [[field.strip() for field in row] for row in _rows("\n".join(lines[1:]), ",")]
        target = next(
            (
                (r, f)
                for r, row in enumerate(rows)
                for f, field in enumerate(row)
                if re.search(r"[^\d\w\s]", field)
            ),
            None,
        )
        if target is None:
            return None
        rendered = []
        for r, row in enumerate(rows):
            fields = [
                '"' + field.replace('"', "") + '"' if (r, f) == target else field
                for f, field in enumerate(row)
            ]
            rendered.append(",".join(fields))
        return "\n".join([lines[0].strip(), *rendered])


@register
class QuotesCSV(Constraint[TaskParams]):
    """Every field, header included, must be in double quotes; an empty field fails (officially it raises)."""

    id = "custom:csv_quotes"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return (
            'Generate CSV data: The column names are ["StudentID", "Subject", "Grade", "Semester", "Score"], '
            "the data should be tab delimited. Please generate 3 rows and enclose each single field in double quotes."
        )

    def _check(self, response: str) -> CheckResult:
        if not _STUDENT_HEADER.match(response.split("\n", maxsplit=1)[0].strip()):
            return self.result(False, "first line is not the tab-separated header StudentID ... Score", None)
        rows = _tripled(response, "\t")
        if len(rows) != 4:
            return self.result(
                False, f"has {len(rows)} rows (blank lines count); needs 4 (header + 3)", len(rows)
            )
        for number, row in enumerate(rows, start=1):
            if len(row) != 5:
                return self.result(False, f"row {number} has {len(row)} tab-separated fields; needs 5", 4)
            for field in row:
                text = field.strip()
                if not text or text[0] != '"' or text[-1] != '"':
                    return self.result(
                        False, f"row {number} has the field {text[:30]!r} not in double quotes", 4
                    )
        return self.result(True, "", 4)

    def _repair(self, response: str) -> str | None:
        """Tab-separate the fields (commas become tabs) and put each one in double quotes."""
        out = []
        for line in _table_lines(response):
            fields = line.split("\t") if "\t" in line else next(csv.reader([line], skipinitialspace=True), [])
            quoted = []
            for field in fields:
                text = field.strip()
                quoted.append(text if len(text) > 1 and text[0] == text[-1] == '"' else f'"{text}"')
            out.append("\t".join(quoted))
        return "\n".join(out)
