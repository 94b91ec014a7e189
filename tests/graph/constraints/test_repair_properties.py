"""Property: whatever the text, a repair is either refused (None) or passes its checker."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import build

REPAIRABLE: list[tuple[str, dict[str, Any]]] = [
    ("change_case:english_lowercase", {}),
    ("change_case:english_capital", {}),
    ("punctuation:no_comma", {}),
    ("detectable_content:postscript", {"postscript_marker": "P.S."}),
    ("detectable_content:postscript", {"postscript_marker": "P.P.S"}),
    ("startend:end_checker", {"end_phrase": "Any other questions?"}),
    ("startend:quotation", {}),
    ("detectable_format:title", {}),
    ("detectable_format:json_format", {}),
    ("detectable_format:constrained_response", {}),
    ("combination:two_responses", {}),
    ("combination:repeat_prompt", {"prompt_to_repeat": "Tell me about the sea."}),
    ("detectable_content:number_placeholders", {"num_placeholders": 3}),
    ("detectable_format:multiple_sections", {"section_spliter": "SECTION", "num_sections": 2}),
]

PIECES = [
    *"abcXYZ ,.;:!?*#-<>[]{}\"'\n\t0123456789éß，「」",
    "******",
    "\n\n",
    "***",
    "```json",
    "yes ",
    "Yes",
]
texts = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, which=st.integers(min_value=0, max_value=len(REPAIRABLE) - 1))
def test_repair_is_none_or_passes(text: str, which: int) -> None:
    constraint_id, kwargs = REPAIRABLE[which]
    constraint = build(constraint_id, kwargs)
    fixed = constraint.repair(text)
    if fixed is not None:
        assert constraint.check(fixed).passed, (constraint_id, text, fixed)
        assert fixed != text
