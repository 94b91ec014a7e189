"""Regex kwargs (keywords, section splitters, postscript markers) that cannot hold the process.

The official checker uses these kwargs as regular expressions, unescaped, so ``(a|a)+$`` is a
legal keyword that backtracks for ever. Two engines, chosen per pattern and text:

- a *literal* pattern (no regex metacharacter) on a small enough text runs on stdlib ``re``, exactly
  as the official checker runs it; its cost is at most ``len(text) * len(pattern)`` steps, kept
  under :data:`LITERAL_WORK` (a few ms), so every real keyword keeps its exact official verdict;
- anything else runs on the ``regex`` package (``VERSION0``, the ``re``-compatible syntax) with a
  timeout. Its syntax and results equal ``re``'s on ASCII text; on other text they differ only
  where the two engines' Unicode tables differ (case folding of a few letters, ``\\w`` for
  combining marks).

Every match draws on a :class:`PatternBudget`: the matching time one verification may spend
(:data:`BUDGET_S`, 100 ms). ``verify()`` opens one per call; a caller (an API request) may open one
around several. A match that would overrun it raises :class:`PatternBudgetError`, a
:class:`ConstraintParamError` naming the kwarg (a 422 at the API): a verdict the official checker
would reach only after minutes is refused, never guessed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import lru_cache
from typing import Any

import regex

from graph.errors import PatternBudgetError

BUDGET_S = 0.1
# ``regex`` checks its timeout coarsely: a search given t seconds stops after about 2t here.
_TIMEOUT_SHARE = 0.5
# Steps (text chars x pattern chars) stdlib ``re`` may take on a literal: ~5 ms at worst.
LITERAL_WORK = 2_000_000
# A timed-out match that got less than this share of the wall time as CPU was preempted, not slow.
_PREEMPTED_SHARE = 0.5
_PREEMPTED_RETRIES = 3
_META = re.compile(r"[.^$*+?{}\[\]\\|()]")


class PatternBudget:
    """Matching time left to one verification (seconds, drawn down by each match)."""

    __slots__ = ("left", "total")

    def __init__(self, seconds: float) -> None:
        self.total = seconds
        self.left = seconds


_budget: ContextVar[PatternBudget | None] = ContextVar("followfix_pattern_budget", default=None)


def open_budget(seconds: float = BUDGET_S) -> Token[PatternBudget | None] | None:
    """:func:`pattern_budget` without a generator (the hot path of ``verify``): pass the token
    to :func:`close_budget`; None when an outer budget is already open."""
    if _budget.get() is not None:
        return None
    return _budget.set(PatternBudget(seconds))


def close_budget(token: Token[PatternBudget | None] | None) -> None:
    if token is not None:
        _budget.reset(token)


@contextmanager
def pattern_budget(seconds: float = BUDGET_S) -> Iterator[PatternBudget]:
    """Share one budget among every match in this context, unless an outer one is already open."""
    outer = _budget.get()
    if outer is not None:
        yield outer
        return
    budget = PatternBudget(seconds)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def is_literal(pattern: str) -> bool:
    """True when ``pattern`` has no regex metacharacter: it matches its own text only."""
    return _META.search(pattern) is None


@lru_cache(maxsize=4096)
def _compile_re(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


@lru_cache(maxsize=4096)
def _compile_regex(pattern: str, flags: int) -> Any:
    return regex.compile(pattern, flags | regex.VERSION0)


class KwargPattern:
    """A regex built from a kwarg; ``field`` names the kwarg for the error a runaway match raises.

    ``core`` is the kwarg's own text (its length prices a literal match); ``pattern`` the full
    expression (the kwarg plus the checker's fixed parts, e.g. ``\\b`` around a forbidden word).
    """

    __slots__ = ("_literal", "core", "field", "flags", "pattern")

    def __init__(self, pattern: str, *, field: str, core: str | None = None, flags: int = 0) -> None:
        self.pattern = pattern
        self.core = pattern if core is None else core
        self.field = field
        self.flags = flags
        self._literal = is_literal(self.core)
        _compile_regex(pattern, flags)  # syntax errors surface when the constraint is built

    def search(self, text: str) -> Any:
        return self._run("search", text)

    def findall(self, text: str) -> list[Any]:
        found: list[Any] = self._run("findall", text)
        return found

    def split(self, text: str) -> list[Any]:
        pieces: list[Any] = self._run("split", text)
        return pieces

    def _run(self, method: str, text: str) -> Any:
        if self._literal and len(text) * max(len(self.core), 1) <= LITERAL_WORK:
            # bounded work by construction: never charged, never refused, so a real keyword's
            # verdict cannot depend on how busy the machine is
            return getattr(_compile_re(self.pattern, self.flags), method)(text)
        budget = _budget.get()
        total = budget.total if budget is not None else BUDGET_S
        engine = _compile_regex(self.pattern, self.flags)
        for _attempt in range(_PREEMPTED_RETRIES + 1):
            left = budget.left if budget is not None else BUDGET_S
            if left <= 0:
                raise self._error(total)
            started = time.thread_time()  # CPU time: a preempted thread is not charged for waiting
            wall = time.perf_counter()
            try:
                return getattr(engine, method)(text, timeout=left * _TIMEOUT_SHARE, concurrent=True)
            except TimeoutError:
                # regex's timeout is wall-clock; when the thread got little of that time (a busy
                # machine), the pattern is not the problem: try again with what is left
                if time.thread_time() - started >= _PREEMPTED_SHARE * (time.perf_counter() - wall):
                    raise self._error(total) from None
            finally:
                if budget is not None:
                    budget.left -= time.thread_time() - started
        raise self._error(total)

    def _error(self, seconds: float) -> PatternBudgetError:
        return PatternBudgetError(
            f"kwarg '{self.field}': the pattern {self.core[:60]!r} needs more than the "
            f"{seconds * 1000:.0f} ms of matching one verification may spend (catastrophic "
            "backtracking?); simplify it or escape its regex characters",
            field=self.field,
        )
