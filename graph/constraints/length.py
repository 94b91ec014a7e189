"""length_constraints:*: counts of words, sentences and paragraphs, and a paragraph's first word.

Words are ``\\w+`` runs, sentences are Punkt's, ``***``-paragraphs and blank-line paragraphs follow
the official definitions (an empty piece at the start or end does not count; one in the middle
breaks the constraint).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field, model_validator

from graph.constraints.base import (
    CheckResult,
    Constraint,
    NonBlank,
    Params,
    Relation,
    compare,
    relation_text,
)
from graph.constraints.layout import fewer_sentences, paragraphs_starting, star_paragraphs
from graph.constraints.registry import register
from graph.constraints.text import count_sentences, count_words

STAR_SEPARATOR = re.compile(r"\s?\*\*\*\s?")
_FIRST_WORD_STOPS = frozenset(".,?!'\"")


class WordsParams(Params):
    num_words: int = Field(ge=0)
    relation: Relation


@register
class NumberWords(Constraint[WordsParams]):
    id = "length_constraints:number_words"
    params_model = WordsParams
    example: ClassVar[dict[str, Any]] = {"num_words": 100, "relation": "at least"}

    def describe(self) -> str:
        return f"Answer with {relation_text(self.params.relation, self.params.num_words)} words."

    def _check(self, response: str) -> CheckResult:
        count = count_words(response)
        if compare(count, self.params.relation, self.params.num_words):
            return self.result(True, "", count)
        needs = relation_text(self.params.relation, self.params.num_words)
        return self.result(False, f"has {count} words; needs {needs}", count)


class SentencesParams(Params):
    num_sentences: int = Field(ge=0)
    relation: Relation


@register
class NumberSentences(Constraint[SentencesParams]):
    id = "length_constraints:number_sentences"
    params_model = SentencesParams
    example: ClassVar[dict[str, Any]] = {"num_sentences": 5, "relation": "less than"}
    has_repair = True

    def describe(self) -> str:
        return f"Answer with {relation_text(self.params.relation, self.params.num_sentences)} sentences."

    def _check(self, response: str) -> CheckResult:
        count = count_sentences(response)
        if compare(count, self.params.relation, self.params.num_sentences):
            return self.result(True, "", count)
        needs = relation_text(self.params.relation, self.params.num_sentences)
        return self.result(False, f"has {count} sentences; needs {needs}", count)

    def _repair(self, response: str) -> str | None:
        """Too many: join adjacent sentences with ';'. Too few needs new content (the teacher)."""
        if self.params.relation != "less than":
            return None
        return fewer_sentences(response, self.params.num_sentences)


class ParagraphsParams(Params):
    num_paragraphs: int = Field(ge=1)


@register
class NumberParagraphs(Constraint[ParagraphsParams]):
    id = "length_constraints:number_paragraphs"
    params_model = ParagraphsParams
    example: ClassVar[dict[str, Any]] = {"num_paragraphs": 3}
    has_repair = True

    def describe(self) -> str:
        n = self.params.num_paragraphs
        return f"Write exactly {n} paragraphs, separated from each other by the markdown divider ***."

    def _check(self, response: str) -> CheckResult:
        pieces = STAR_SEPARATOR.split(response)
        count = len(pieces)
        for index, piece in enumerate(pieces):
            if piece.strip():
                continue
            if index in (0, len(pieces) - 1):
                count -= 1
            else:
                return self.result(False, f"paragraph {index + 1} between *** dividers is empty", None)
        if count == self.params.num_paragraphs:
            return self.result(True, "", count)
        detail = f"has {count} paragraphs separated by ***; needs exactly {self.params.num_paragraphs}"
        return self.result(False, detail, count)

    def _repair(self, response: str) -> str | None:
        """Regroup existing paragraphs (then sentences) into N, divided by ***."""
        return star_paragraphs(response, self.params.num_paragraphs)


class NthParagraphParams(Params):
    num_paragraphs: int = Field(ge=1)
    nth_paragraph: int = Field(ge=1)
    first_word: NonBlank

    @model_validator(mode="after")
    def _nth_within(self) -> NthParagraphParams:
        if self.nth_paragraph > self.num_paragraphs:
            raise ValueError("nth_paragraph must not exceed num_paragraphs")
        return self


def first_word_of(paragraph: str) -> str:
    """The official notion: leading quotes dropped, cut at the first punctuation mark, lowercased."""
    word = paragraph.split(maxsplit=1)[0].strip().lstrip("'").lstrip('"')
    letters = []
    for char in word:
        if char in _FIRST_WORD_STOPS:
            break
        letters.append(char.lower())
    return "".join(letters)


@register
class NthParagraphFirstWord(Constraint[NthParagraphParams]):
    id = "length_constraints:nth_paragraph_first_word"
    params_model = NthParagraphParams
    example: ClassVar[dict[str, Any]] = {"num_paragraphs": 3, "nth_paragraph": 2, "first_word": "however"}
    has_repair = True

    def describe(self) -> str:
        p = self.params
        return (
            f"Write exactly {p.num_paragraphs} paragraphs separated by blank lines; "
            f"paragraph {p.nth_paragraph} must start with the word {p.first_word!r}."
        )

    def _check(self, response: str) -> CheckResult:
        p = self.params
        pieces = response.split("\n\n")
        count = sum(1 for piece in pieces if piece.strip())
        if p.nth_paragraph > count:
            return self.result(False, f"has {count} paragraphs; needs exactly {p.num_paragraphs}", count)
        paragraph = pieces[p.nth_paragraph - 1].strip()
        if not paragraph:
            return self.result(False, f"paragraph {p.nth_paragraph} is empty (extra blank lines?)", count)
        word = first_word_of(paragraph)
        problems = []
        if count != p.num_paragraphs:
            problems.append(
                f"has {count} paragraphs separated by blank lines; needs exactly {p.num_paragraphs}"
            )
        if word != p.first_word.strip().lower():
            problems.append(
                f"paragraph {p.nth_paragraph} starts with {word!r}; must start with {p.first_word!r}"
            )
        return self.result(not problems, "; ".join(problems), count)

    def _repair(self, response: str) -> str | None:
        """Regroup sentences so paragraph n opens on an existing sentence that starts with the word."""
        p = self.params
        word = p.first_word.strip().lower()
        return paragraphs_starting(
            response,
            p.num_paragraphs,
            p.nth_paragraph,
            lambda s: bool(s.strip()) and first_word_of(s) == word,
        )
