"""The official ``build_description`` kwarg normalisation, per constraint id, before validation.

IFEval's and IFBench's ``build_description`` change some kwargs before any check runs; a checker
that skipped this would judge a different instruction (``keywords:frequency`` with the keyword
``" tea "`` counts ``tea`` officially, and counted nothing here before). Only what the official
code does is listed; where it replaces a value by a random draw (``None``, a negative count,
``n == 0`` in ``words:keywords_specific_position``, a letter longer than one character), the
parameter models refuse the value instead. This module imports nothing, so ``base`` can use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# id -> the string kwargs the official code passes through ``str.strip()``.
STRIPPED: dict[str, tuple[str, ...]] = {
    # IFEval (google-research instruction_following_eval/instructions.py)
    "keywords:frequency": ("keyword",),
    "detectable_content:postscript": ("postscript_marker",),
    "detectable_format:multiple_sections": ("section_spliter",),
    "startend:end_checker": ("end_phrase",),
    # IFBench (allenai/IFBench ifbench/instructions.py)
    "count:keywords_multiple": ("keyword1", "keyword2", "keyword3", "keyword4", "keyword5"),
    "words:keywords_specific_position": ("keyword",),
    "words:words_position": ("keyword",),
}


def normalize_kwargs(constraint_id: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """``kwargs`` as the official ``build_description`` leaves them (a new dict)."""
    cleaned = dict(kwargs)
    for name in STRIPPED.get(constraint_id, ()):
        value = cleaned.get(name)
        if isinstance(value, str):
            cleaned[name] = value.strip()
    return cleaned
