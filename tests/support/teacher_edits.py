"""The test teacher's editing skills: simple, deterministic text edits driven by a constraint spec.

A competent teacher applies the fix the spec names (the library's repair where one exists, else a
plain edit such as adding a keyword or padding words); a sloppy one then breaks a kept constraint.
"""

from __future__ import annotations

import re
from typing import Any

from graph.constraints import build

FILLER = "indeed"


def insert_after_first_line(text: str, addition: str) -> str:
    """Add words where they disturb least: at the end of the first line (keeps endings and P.S.)."""
    cut = text.find("\n")
    if cut < 0:
        return f"{text.rstrip()} {addition}"
    return f"{text[:cut].rstrip()} {addition}{text[cut:]}"


def _count(text: str, word: str) -> int:
    return len(re.findall(rf"\b{re.escape(word)}\b", text, flags=re.IGNORECASE))


def _word_edit(text: str, cid: str, kw: dict[str, Any]) -> str:
    if cid == "keywords:existence":
        missing = [
            k for k in kw.get("keywords", []) if not re.search(rf"\b{re.escape(k)}\b", text, re.IGNORECASE)
        ]
        return insert_after_first_line(text, " ".join(missing) + ".") if missing else text
    if cid == "keywords:frequency":
        word, target, relation = kw["keyword"], kw["frequency"], kw["relation"]
        have = _count(text, word)
        if relation == "at least" and have < target:
            return insert_after_first_line(text, " ".join([word] * (target - have)) + ".")
        if relation == "less than" and have >= target:
            pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
            keep = [max(0, target - 1)]

            def drop(match: re.Match[str]) -> str:
                keep[0] -= 1
                return match.group(0) if keep[0] >= 0 else ""

            return pattern.sub(drop, text)
        return text
    if cid == "keywords:forbidden_words":
        for word in kw.get("forbidden_words", []):
            text = re.sub(rf"\b{re.escape(word)}\b", "", text, flags=re.IGNORECASE)
        return text
    if cid == "length_constraints:number_words":
        have = int(build(cid, kw).check(text).measured or 0)
        target, relation = kw["num_words"], kw["relation"]
        if relation == "at least" and have < target:
            return insert_after_first_line(text, " ".join([FILLER] * (target - have + 1)) + ".")
        if relation == "less than" and have >= target:
            return " ".join(text.split()[: max(1, target - 2)])
        return text
    if cid == "detectable_format:number_highlighted_sections":
        have = len(re.findall(r"\*[^\n\*]+\*", text))
        need = kw["num_highlights"] - have
        return insert_after_first_line(text, " ".join(["*note*"] * need)) if need > 0 else text
    return text


def fix(text: str, spec: dict[str, Any]) -> str:
    """Apply one constraint's fix, as a competent editor would."""
    constraint = build(spec["id"], spec.get("kwargs") or {})
    if constraint.check(text).passed:
        return text
    repaired = constraint.repair(text)
    if repaired is not None:
        return repaired
    return _word_edit(text, spec["id"], dict(spec.get("kwargs") or {}))


def break_one(text: str, keep: list[dict[str, Any]]) -> str:
    """Break the first kept constraint it knows how to break (a comma when it knows none)."""
    for spec in keep:
        cid, kw = spec["id"], spec.get("kwargs") or {}
        if cid == "punctuation:no_comma":
            return insert_after_first_line(text, "Also, this holds.")
        if cid == "change_case:english_lowercase":
            return insert_after_first_line(text, "ALSO TRUE.")
        if cid == "change_case:english_capital":
            return insert_after_first_line(text, "also true.")
        if cid == "keywords:forbidden_words" and kw.get("forbidden_words"):
            return insert_after_first_line(text, kw["forbidden_words"][0] + ".")
        if cid == "startend:end_checker":
            return text.rstrip() + " Anything else?"
    return insert_after_first_line(text, "Also, this holds.")
