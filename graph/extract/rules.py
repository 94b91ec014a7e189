"""The rule extractor: every family's rules over one segmented instruction, validated, de-duplicated.

Rules are precise and free, so they always run first; a hit whose kwargs fail the catalogue's own
parameter model is dropped with a warning rather than passed on.
"""

from __future__ import annotations

import logging

from graph.errors import ConstraintError
from graph.extract import rules_case, rules_format, rules_keywords, rules_length, rules_startend
from graph.extract.model import ExtractedConstraint
from graph.extract.rulebase import Rule
from graph.extract.text import Doc

log = logging.getLogger(__name__)

RULES: list[Rule] = [
    *rules_length.RULES,
    *rules_format.RULES,
    *rules_case.RULES,
    *rules_keywords.RULES,
    *rules_startend.RULES,
]


def extract_rules(instruction: str) -> list[ExtractedConstraint]:
    """All constraints the rules find in ``instruction``, ordered by where they appear."""
    doc = Doc.of(instruction)
    found: dict[tuple[str, str], ExtractedConstraint] = {}
    for rule in RULES:
        for hit in rule(doc):
            try:
                item = ExtractedConstraint.validated(hit.id, hit.kwargs, hit.span, "rule")
            except ConstraintError as exc:
                log.warning("rule %s produced invalid kwargs %r: %s", rule.__name__, hit.kwargs, exc)
                continue
            found.setdefault(item.key(), item)
    return sorted(found.values(), key=lambda c: (c.span, c.id))
