"""IFBench ``custom:*`` that are fixed tasks: multiples of 7, quiz questions, reversed text, lists.

Each checker follows the official one step by step, its quirks included (see docs/constraints.md).
Repairs only rearrange what the response already says in the way the task dictates (reverse its
words or letters) or change list separators; anything else needs the teacher.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import ConfigDict

from graph.constraints.base import CheckResult, Constraint, Params
from graph.constraints.ifbench.common import STRIP, delete_punctuation
from graph.constraints.ifbench.common import sentences as split_sentences
from graph.constraints.registry import register

_LIST_MARKER = re.compile(r"^[ \t]*(?:[*\-+\u2022]|\d+[.)])[ \t]+")


class TaskParams(Params):
    """No parameters; any kwarg given is ignored, as the official ``build_description(**kwargs)`` does."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def ascii_fold(text: str) -> str:
    """NFKD, then every non-ASCII character dropped ('São Tomé' -> 'Sao Tome'), as officially."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _comma_list(response: str) -> str | None:
    """The items of a response listed one a line (bullets, numbers) joined by commas instead."""
    lines = [_LIST_MARKER.sub("", line).strip() for line in response.split("\n") if line.strip()]
    if len(lines) < 2 or any("," in line for line in lines):
        return None
    return ", ".join(lines)


_MULTIPLES = [str(i) for i in range(14, 51, 7)]


@register
class PrintMultiples(Constraint[TaskParams]):
    """Every run of digits counts, so '10 to 50' in a preamble fails."""

    id = "custom:multiples"
    params_model = TaskParams

    def describe(self) -> str:
        return "Count from 10 to 50 but only print multiples of 7."

    def _check(self, response: str) -> CheckResult:
        numbers = re.findall(r"\d+", response.replace(",", ", "))
        if numbers == _MULTIPLES:
            return self.result(True, "", numbers)
        return self.result(False, f"prints the numbers {numbers[:12]}; needs exactly {_MULTIPLES}", numbers)


_QUESTION_SPLIT = re.compile(r"\n*(?:Question \d+[\.|\):;]?\s*)")
_OPTION = re.compile(r"^[A-Ea-e][\.|\)]\s*\w+")


@register
class MultipleChoiceQuestions(Constraint[TaskParams]):
    """Starts with 'Question'; 4 questions of exactly 5 options each; question texts strictly longer."""

    id = "custom:mcq_count_length"
    params_model = TaskParams

    def describe(self) -> str:
        return (
            "Generate 4 multiple choice questions with 5 options each about '20th century art history'. "
            'Each question should start with the label "Question". The questions should get '
            "progressively longer. Do not provide an explanation."
        )

    def _check(self, response: str) -> CheckResult:
        if response[response.find("Question") :] != response:
            return self.result(False, "does not start with 'Question' (text comes before it)", None)
        questions = [q.strip() for q in _QUESTION_SPLIT.split(response) if q.strip()]
        if len(questions) != 4:
            return self.result(False, f"has {len(questions)} questions; needs 4", len(questions))
        lengths = []
        for number, question in enumerate(questions, start=1):
            text, options, done = "", 0, False
            for line in question.split("\n"):
                if _OPTION.match(line.strip()):
                    options += 1
                    done = True
                elif not done:
                    text += " " + line.strip()
            if options != 5:
                return self.result(False, f"question {number} has {options} options; needs 5", None)
            lengths.append(len(text.strip()))
        for index in range(1, 4):
            if lengths[index] <= lengths[index - 1]:
                return self.result(
                    False,
                    f"question {index + 1} is {lengths[index]} characters, not longer than question "
                    f"{index}'s {lengths[index - 1]}",
                    lengths,
                )
        return self.result(True, "", lengths)


@register
class ReverseNewline(Constraint[TaskParams]):
    """From the first line naming Zimbabwe: at least 52 lines, in reverse order once ASCII-folded."""

    id = "custom:reverse_newline"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return "List the countries of Africa in reverse alphabetical order, each on a new line."

    def _check(self, response: str) -> CheckResult:
        lines = [stripped for line in response.split("\n") if (stripped := line.strip(STRIP))]
        start = next((i for i, line in enumerate(lines) if "Zimbabwe" in line), None)
        if start is None:
            return self.result(False, "has no line naming 'Zimbabwe' to start from", 0)
        folded = [ascii_fold(line) for line in lines[start:]]
        if len(folded) < 52:
            return self.result(
                False, f"lists {len(folded)} lines from Zimbabwe on; needs at least 52", len(folded)
            )
        for index in range(1, len(folded)):
            if folded[index] > folded[index - 1]:
                return self.result(
                    False,
                    f"{folded[index]!r} comes after {folded[index - 1]!r}: not reverse alphabetical",
                    index,
                )
        return self.result(True, "", len(folded))

    def _repair(self, response: str) -> str | None:
        """The listed lines (markers such as "1." dropped) sorted Z to A; a lead-in ending in ':' stays first."""
        lines = [line.strip() for line in response.split("\n") if line.strip(STRIP)]
        lead = [lines.pop(0)] if lines and lines[0].endswith(":") else []
        items = [_LIST_MARKER.sub("", line) for line in lines]
        return "\n".join(lead + sorted(items, key=lambda line: ascii_fold(line.strip(STRIP)), reverse=True))


def _reversed_words(response: str) -> str:
    return " ".join(delete_punctuation(response.lower().strip()).split()[::-1])


@register
class WordReverseOrder(Constraint[TaskParams]):
    """Read backwards word by word (ASCII punctuation deleted) it must say 'bald eagle', in one sentence."""

    id = "custom:word_reverse"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return (
            "What animal is the national symbol of the US? Respond to this query, but make your sentence "
            "in reverse order of what it should be, per word."
        )

    def _check(self, response: str) -> CheckResult:
        backwards = _reversed_words(response)
        if "bald eagle" not in backwards:
            return self.result(False, "read backwards word by word it does not say 'bald eagle'", None)
        if backwards not in split_sentences(backwards):
            return self.result(False, "read backwards it is more than one sentence", None)
        return self.result(True, "", None)

    def _repair(self, response: str) -> str | None:
        """A response written forwards: its words in reverse order."""
        return " ".join(response.split()[::-1])


@register
class CharacterReverseOrder(Constraint[TaskParams]):
    id = "custom:character_reverse"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return (
            "What animal is the national symbol of the US? Respond to this query, but make your sentence "
            "in reverse order of what it should be, per letter."
        )

    def _check(self, response: str) -> CheckResult:
        if "elgae dlab" in response.lower():
            return self.result(True, "", None)
        return self.result(False, "does not contain 'bald eagle' written backwards ('elgae dlab')", None)

    def _repair(self, response: str) -> str | None:
        """A response written forwards: its characters in reverse order."""
        return response[::-1]


@register
class SentenceAlphabet(Constraint[TaskParams]):
    id = "custom:sentence_alphabet"
    params_model = TaskParams

    def describe(self) -> str:
        return (
            "Tell me a 26-sentence story where each sentence's first word starts with the letters of the "
            "alphabet in order."
        )

    def _check(self, response: str) -> CheckResult:
        sentences = split_sentences(response)
        if len(sentences) != 26:
            return self.result(False, f"has {len(sentences)} sentences; needs 26", len(sentences))
        for index, sentence in enumerate(sentences):
            words = sentence.split()
            letter = chr(97 + index)
            if not words or words[0].lower()[0] != letter:
                first = words[0] if words else ""
                return self.result(
                    False,
                    f"sentence {index + 1} starts with {first!r}; needs a word starting with '{letter}'",
                    index,
                )
        return self.result(True, "", 26)


# IFBench's fixed list, north to south (the order the instruction asks for).
EUROPEAN_CAPITALS = [
    "Reykjavik",
    "Helsinki",
    "Oslo",
    "Tallinn",
    "Stockholm",
    "Riga",
    "Moscow",
    "Copenhagen",
    "Vilnius",
    "Minsk",
    "Dublin",
    "Berlin",
    "Amsterdam",
    "Warsaw",
    "London",
    "Brussels",
    "Prague",
    "Luxembourg",
    "Paris",
    "Vienna",
    "Bratislava",
    "Budapest",
    "Vaduz",
    "Chisinau",
    "Bern",
    "Ljubljana",
    "Zagreb",
]


@register
class EuropeanCapitalsSort(Constraint[TaskParams]):
    """Exactly the official 27 capitals, comma-separated, in its order (ASCII-folded, case-sensitive)."""

    id = "custom:european_capitals_sort"
    params_model = TaskParams
    has_repair = True

    def describe(self) -> str:
        return (
            "Give me the names of all capital cities of european countries whose latitude is higher than "
            "than 45 degrees? List the capital cities without country names, separated by commas, sorted "
            "by latitude, from highest to lowest."
        )

    def _check(self, response: str) -> CheckResult:
        items = [item.strip() for item in ascii_fold(response).split(",") if item.strip()]
        if len(items) != len(EUROPEAN_CAPITALS):
            return self.result(
                False, f"lists {len(items)} comma-separated items; needs {len(EUROPEAN_CAPITALS)}", len(items)
            )
        for index, (got, want) in enumerate(zip(items, EUROPEAN_CAPITALS, strict=True)):
            if got != want:
                return self.result(False, f"item {index + 1} is {got[:40]!r}; needs {want!r}", index)
        return self.result(True, "", len(items))

    def _repair(self, response: str) -> str | None:
        """Capitals listed one a line (or as bullets) joined with commas; the 27 put in latitude order."""
        listed = _comma_list(response) or response
        items = [item.strip() for item in listed.split(",") if item.strip()]
        if sorted(ascii_fold(item) for item in items) == sorted(EUROPEAN_CAPITALS):
            return ", ".join(sorted(items, key=lambda item: EUROPEAN_CAPITALS.index(ascii_fold(item))))
        return listed
