"""Language names (and the codes people sometimes type) mapped to the catalogue's ISO codes."""

from __future__ import annotations

import re

from graph.constraints.language import LANGDETECT_CODES, LANGUAGE_NAMES

_ALIASES = {
    "chinese": "zh-cn", "mandarin": "zh-cn", "simplified chinese": "zh-cn",
    "traditional chinese": "zh-tw", "farsi": "fa", "filipino": "tl", "slovene": "sl",
    "bangla": "bn", "norwegian bokmal": "no", "brazilian portuguese": "pt", "castilian": "es",
}  # fmt: skip


def _names() -> dict[str, str]:
    names = {name.lower(): code for code, name in LANGUAGE_NAMES.items() if "(" not in name}
    names.update(_ALIASES)
    return names


NAME_TO_CODE = _names()
# Longest first so "Simplified Chinese" wins over "Chinese".
LANGUAGE_NAME = "|".join(re.escape(n) for n in sorted(NAME_TO_CODE, key=len, reverse=True))
LANGUAGE_CODE = "|".join(re.escape(c) for c in sorted(LANGDETECT_CODES, key=len, reverse=True))


def to_code(name_or_code: str) -> str | None:
    """ "German" / "german" / "de" -> "de"; None for anything not in the catalogue."""
    key = re.sub(r"\s+", " ", name_or_code.strip().lower())
    if key in NAME_TO_CODE:
        return NAME_TO_CODE[key]
    return key if key in LANGDETECT_CODES else None
