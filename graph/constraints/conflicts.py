"""Pairs of constraints that no text can satisfy together, derived from what their checks require.

Each entry is keyed by an id pair and decides from the two constraints' kwargs; its docstring
says why the checks exclude each other, and tests/graph/constraints/test_conflicts.py shows it
on generated texts (and on texts repaired to pass one side). Language rules are absent on purpose:
an undetectable text passes ``language:response_language`` whatever the language (official rule),
so "German" and "all lowercase" are not provably exclusive. The engine consults the table before
any fix: an infeasible set stops at once, naming the pair, and costs no teacher call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graph.constraints.base import Constraint
from graph.constraints.format import CONSTRAINED_OPTIONS
from graph.constraints.text import count_words

Rule = Callable[[dict[str, Any], dict[str, Any]], str | None]
_REGEX_SYNTAX = re.compile(r"[.^$*+?{}\[\]\\|()]")
_PLAIN = re.compile(r"[A-Za-z0-9' -]+")
_JSON_WORDS = ("true", "false", "null", "nan", "infinity")


@dataclass(frozen=True, slots=True)
class Conflict:
    """Constraints ``first`` and ``second`` (indices in the set) cannot both pass, and why."""

    first: int
    second: int
    ids: tuple[str, str]
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"ids": list(self.ids), "indices": [self.first, self.second], "reason": self.reason}


def _literal(pattern: str) -> bool:
    return not _REGEX_SYNTAX.search(pattern)


def _prompt(kwargs: dict[str, Any]) -> str:
    return str(kwargs.get("prompt_to_repeat", "")).strip()


def repeat_vs_comma(repeat: dict[str, Any], _: dict[str, Any]) -> str | None:
    """The response starts with the prompt (case aside); a comma in it is a comma in the response."""
    return "the prompt to repeat contains a comma" if "," in _prompt(repeat) else None


def end_vs_comma(end: dict[str, Any], _: dict[str, Any]) -> str | None:
    """The response ends with the phrase (case and quotes aside), so it holds the phrase's comma."""
    return "the end phrase contains a comma" if "," in str(end.get("end_phrase", "")).strip() else None


def keyword_vs_comma(existence: dict[str, Any], _: dict[str, Any]) -> str | None:
    """A literal keyword with a comma can only be found where the response has that comma."""
    for keyword in existence.get("keywords", []):
        if isinstance(keyword, str) and "," in keyword and _literal(keyword):
            return f"the required keyword {keyword!r} contains a comma"
    return None


def repeat_vs_quotation(repeat: dict[str, Any], _: dict[str, Any]) -> str | None:
    """Both fix the response's first character: the prompt's, and a double quote."""
    prompt = _prompt(repeat)
    if prompt and not prompt.startswith('"'):
        return "the response must start with the prompt, which does not start with a double quote"
    return None


def repeat_vs_json(repeat: dict[str, Any], _: dict[str, Any]) -> str | None:
    """A response that opens with a letter parses as JSON only if it is exactly true/false/null/NaN/Infinity."""
    prompt = _prompt(repeat).lower()
    if prompt[:1].isalpha() and not any(word.startswith(prompt) for word in _JSON_WORDS):
        return "a response that starts with the prompt's words is not valid JSON"
    return None


def repeat_vs_forbidden(repeat: dict[str, Any], forbidden: dict[str, Any]) -> str | None:
    """A forbidden word inside the prompt (not at its very end) appears, word-bounded, in the response."""
    prompt = _prompt(repeat)
    if not prompt.isascii():
        return None
    for word in forbidden.get("forbidden_words", []):
        if not isinstance(word, str) or not _PLAIN.fullmatch(word):
            continue
        for match in re.finditer(r"\b" + re.escape(word) + r"\b", prompt, re.IGNORECASE):
            if match.end() < len(prompt):
                return f"the prompt to repeat contains the forbidden word {word!r}"
    return None


def words_vs_fixed_text(words: dict[str, Any], other: dict[str, Any]) -> str | None:
    """The response contains the prompt (or ends with the phrase): at least that many words."""
    fixed = _prompt(other) or str(other.get("end_phrase", "")).strip()
    if words.get("relation") == "less than" and count_words(fixed) >= int(words.get("num_words", 0)):
        return f"the text it must contain has {count_words(fixed)} words; fewer than {words['num_words']} allowed"
    return None


def lower_vs_capital(_: dict[str, Any], __: dict[str, Any]) -> str | None:
    """str.islower and str.isupper both need a cased letter, and exclude each other on it."""
    return "all lowercase and all capitals exclude each other"


def _splitter_case(sections: dict[str, Any], want_upper: bool) -> str | None:
    splitter = str(sections.get("section_spliter", ""))
    if not _literal(splitter):
        return None
    wrong = [c for c in splitter if (c.isupper() if not want_upper else c.islower())]
    if wrong:
        case = "capital" if not want_upper else "lowercase"
        return f"the section splitter {splitter!r} (matched case-sensitively) has {case} letters"
    return None


def sections_vs_lowercase(sections: dict[str, Any], _: dict[str, Any]) -> str | None:
    """The splitter must appear exactly as written; its capitals break all-lowercase."""
    return _splitter_case(sections, want_upper=False)


def sections_vs_capital(sections: dict[str, Any], _: dict[str, Any]) -> str | None:
    """The splitter must appear exactly as written; its lowercase letters break all-capitals."""
    return _splitter_case(sections, want_upper=True)


def options_vs_lowercase(_: dict[str, Any], __: dict[str, Any]) -> str | None:
    """Every option ("My answer is ...") must appear verbatim and holds a capital M."""
    assert all(any(c.isupper() for c in option) for option in CONSTRAINED_OPTIONS)
    return "the required answer phrase ('My answer is ...') has a capital letter"


def options_vs_capital(_: dict[str, Any], __: dict[str, Any]) -> str | None:
    """Every option must appear verbatim and holds lowercase letters."""
    return "the required answer phrase ('My answer is ...') has lowercase letters"


def capitals_vs_lowercase(frequency: dict[str, Any], _: dict[str, Any]) -> str | None:
    """An all-capital word is a capital letter, which all-lowercase forbids."""
    if frequency.get("capital_relation") == "at least" and int(frequency.get("capital_frequency", 0)) >= 1:
        return "all-capital words are required, but no capital letter is allowed"
    return None


def capitals_vs_capital(frequency: dict[str, Any], _: dict[str, Any]) -> str | None:
    """An all-capitals response has at least one all-capital word."""
    if frequency.get("capital_relation") == "less than" and int(frequency.get("capital_frequency", 0)) <= 1:
        return "an all-capitals response has at least one all-capital word"
    return None


def _bounds(count: str, relation: str, same: str | None = None) -> Rule:
    def rule(a: dict[str, Any], b: dict[str, Any]) -> str | None:
        if same is not None and str(a.get(same, "")).lower() != str(b.get(same, "")).lower():
            return None
        for low, high in ((a, b), (b, a)):
            bounded = low.get(relation) == "at least" and high.get(relation) == "less than"
            if bounded and int(low[count]) >= int(high[count]):
                return f"needs at least {low[count]} and fewer than {high[count]}"
        return None

    rule.__doc__ = "Two bounds on one count that no value satisfies."
    return rule


def _exactly(key: str) -> Rule:
    def rule(a: dict[str, Any], b: dict[str, Any]) -> str | None:
        if a.get(key) != b.get(key):
            return f"needs exactly {a.get(key)} and exactly {b.get(key)}"
        return None

    rule.__doc__ = "Two different exact values for one count."
    return rule


TABLE: dict[tuple[str, str], Rule] = {
    ("combination:repeat_prompt", "punctuation:no_comma"): repeat_vs_comma,
    ("startend:end_checker", "punctuation:no_comma"): end_vs_comma,
    ("keywords:existence", "punctuation:no_comma"): keyword_vs_comma,
    ("combination:repeat_prompt", "startend:quotation"): repeat_vs_quotation,
    ("combination:repeat_prompt", "detectable_format:json_format"): repeat_vs_json,
    ("combination:repeat_prompt", "keywords:forbidden_words"): repeat_vs_forbidden,
    ("length_constraints:number_words", "combination:repeat_prompt"): words_vs_fixed_text,
    ("length_constraints:number_words", "startend:end_checker"): words_vs_fixed_text,
    ("change_case:english_lowercase", "change_case:english_capital"): lower_vs_capital,
    ("detectable_format:multiple_sections", "change_case:english_lowercase"): sections_vs_lowercase,
    ("detectable_format:multiple_sections", "change_case:english_capital"): sections_vs_capital,
    ("detectable_format:constrained_response", "change_case:english_lowercase"): options_vs_lowercase,
    ("detectable_format:constrained_response", "change_case:english_capital"): options_vs_capital,
    ("change_case:capital_word_frequency", "change_case:english_lowercase"): capitals_vs_lowercase,
    ("change_case:capital_word_frequency", "change_case:english_capital"): capitals_vs_capital,
    ("length_constraints:number_words", "length_constraints:number_words"): _bounds("num_words", "relation"),
    ("length_constraints:number_sentences", "length_constraints:number_sentences"): _bounds(
        "num_sentences", "relation"
    ),
    ("change_case:capital_word_frequency", "change_case:capital_word_frequency"): _bounds(
        "capital_frequency", "capital_relation"
    ),
    ("keywords:letter_frequency", "keywords:letter_frequency"): _bounds(
        "let_frequency", "let_relation", "letter"
    ),
    ("keywords:frequency", "keywords:frequency"): _bounds("frequency", "relation", "keyword"),
    ("length_constraints:number_paragraphs", "length_constraints:number_paragraphs"): _exactly(
        "num_paragraphs"
    ),
    ("detectable_format:number_bullet_lists", "detectable_format:number_bullet_lists"): _exactly(
        "num_bullets"
    ),
    ("length_constraints:nth_paragraph_first_word", "length_constraints:nth_paragraph_first_word"): _exactly(
        "num_paragraphs"
    ),
}


def conflict_between(a: Constraint[Any], b: Constraint[Any]) -> str | None:
    """Why ``a`` and ``b`` cannot both pass, or None when the table knows no reason."""
    rule = TABLE.get((a.id, b.id))
    if rule is not None:
        return rule(a.kwargs(), b.kwargs())
    rule = TABLE.get((b.id, a.id))
    return rule(b.kwargs(), a.kwargs()) if rule is not None else None


def conflicts_of_specs(specs: Sequence[Any]) -> list[dict[str, Any]]:
    """Conflicts of specs (objects with ``id`` and ``kwargs``) as data; [] when one does not build."""
    from graph.constraints.registry import build
    from graph.errors import ConstraintError

    try:
        built = [build(spec.id, spec.kwargs) for spec in specs]
    except ConstraintError:
        return []
    return [conflict.as_dict() for conflict in find_conflicts(built)]


def find_conflicts(constraints: Sequence[Constraint[Any]]) -> list[Conflict]:
    """Every pair of the set that the table proves infeasible, in order."""
    found = []
    for i, a in enumerate(constraints):
        for j in range(i + 1, len(constraints)):
            reason = conflict_between(a, constraints[j])
            if reason is not None:
                found.append(Conflict(i, j, (a.id, constraints[j].id), reason))
    return found
