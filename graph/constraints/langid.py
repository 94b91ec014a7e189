"""Seeded langdetect, made fast without changing its answers.

langdetect (the official checker's detector) runs 7 random-walk trials over a text's n-grams, in
pure Python. With a fixed seed the random stream is the same for every text, so this module
replays it: it reads Mersenne Twister words from one precomputed stream and reproduces
``random.gauss`` and ``random.choice`` exactly, stopping once the leader cannot be overtaken.

Two implementations of the extraction and the walk, with the same answers:

- ``_kernels`` (C, built at install where a compiler exists; see ``compiled``): langdetect's own loops and float
  arithmetic, products and all; about 20x faster than the numpy path on short texts.
- numpy (always available): n-gram extraction vectorised over the text, each trial's products as
  a cumulative sum of logarithms.

``tests/graph/constraints/test_langid.py`` checks both against ``langdetect.detect`` (seeded) on
benchmark responses and their loose variants. Profiles: ``langprofiles``.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graph.constraints import compiled
from graph.constraints.langprofiles import CP_BITS, profiles

__all__ = ["clear_caches", "detect", "ngram_ids", "prepare", "profiles"]

ALPHA, ALPHA_WIDTH, N_TRIAL = 0.5, 0.05, 7
ITERATION_LIMIT, PROB_THRESHOLD, CONV_THRESHOLD, BASE_FREQ = 1000, 0.1, 0.99999, 10000
_TWOPI = 2.0 * math.pi
_SPACES = re.compile(" +")


class _Stream:
    """The 32-bit outputs of ``random.Random(seed)``, generated once and extended on demand.

    Extending is locked: threads (the service's worker threads, a threaded bulk run) share it,
    and two interleaved extensions would scramble the stream.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.words = np.zeros(0, dtype=np.uint32)

    def upto(self, end: int) -> NDArray[np.uint32]:
        words = self.words
        if end <= len(words):
            return words
        with self._lock:
            if end > len(self.words):
                more = max(end - len(self.words), 16384)
                # randbytes(4n) is the next n 32-bit outputs, little-endian (getrandbits's order).
                fresh = np.frombuffer(self._rng.randbytes(4 * more), dtype="<u4").astype(np.uint32)
                self.words = np.concatenate([self.words, fresh])
            return self.words


@lru_cache(maxsize=4)
def _stream(seed: int) -> _Stream:
    return _Stream(seed)


def _unit(a: int, b: int) -> float:
    """``random.random()`` from two consecutive 32-bit words (CPython's formula)."""
    return ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0)


# --- text preparation: langdetect's Detector.append, cleaning_text and n-gram extraction ---


@lru_cache(maxsize=1)
def _langdetect_parts() -> tuple[Any, Any, Any]:
    from langdetect.detector import Detector
    from langdetect.utils.ngram import NGram

    return Detector.URL_RE, Detector.MAIL_RE, NGram


_LATIN = re.compile("[A-z]")
_normal_chars: dict[int, str] = {}


# langdetect's Latin Extended Additional block (its unicode_block table; test_langid.py checks).
LATIN_EXTENDED_ADDITIONAL = (0x1E00, 0x1EFF)
# What langdetect counts as non-Latin: from U+0300 up, bar that block. A negated class: one
# spanning up to U+10FFFF takes ~10 ms to compile.
_NON_LATIN = re.compile("[^\x00-\u02ff\u1e00-\u1eff]")


def _clean_latin(text: str) -> bool:
    """langdetect's ``cleaning_text`` rule: drop Latin letters when non-Latin script dominates.

    Counted with ``subn`` (the number of matches, no list of characters).
    """
    if text.isascii():
        return False
    latin = _LATIN.subn("", text)[1]
    non_latin = _NON_LATIN.subn("", text)[1]
    return latin * 2 < non_latin


def prepare(text: str) -> str:
    """The text langdetect scores: URLs and mails dropped, 10k chars, spaces collapsed, normalised.

    Each substitution is skipped where it provably cannot match (no "://", no '@', no double
    space, no Vietnamese combining mark) and ASCII text is normalised by a byte table: same
    result, without regex scans or a per-character dict lookup.
    """
    url_re, mail_re, ngram = _langdetect_parts()
    if "://" in text:  # every URL match has it
        text = url_re.sub(" ", text)
    if "@" in text:
        text = mail_re.sub(" ", text)
    if not text.isascii() and not _vi_marks().isdisjoint(text):
        text = ngram.normalize_vi(text)
    text = text[:10000]
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if text.isascii():  # never Latin-cleaned (no non-Latin letters); a byte table normalises it
        return text.encode("ascii").translate(_ascii_table()).decode("ascii")
    if _clean_latin(text):
        text = _LATIN.sub("", text)
    for ch in set(text).difference(_normalised):
        _normal_chars[ord(ch)] = ngram.normalize(ch)
        _normalised.add(ch)
    return text.translate(_normal_chars)


_normalised: set[str] = set()


@lru_cache(maxsize=1)
def _vi_marks() -> frozenset[str]:
    """The combining marks langdetect's Vietnamese normaliser looks for; without one it is a no-op."""
    return frozenset(_langdetect_parts()[2].DMARK_CLASS)


@lru_cache(maxsize=1)
def _ascii_table() -> bytes:
    """langdetect's ``NGram.normalize`` of each ASCII character, as a ``bytes.translate`` table."""
    ngram = _langdetect_parts()[2]
    normal = [ngram.normalize(chr(code)) for code in range(128)]
    assert all(len(ch) == 1 and ch.isascii() for ch in normal), "ASCII must normalise to ASCII"
    return bytes(ord(ch) for ch in normal) + bytes(range(128, 256))


def _is_upper(prepared: str, code_points: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``str.isupper`` per code point: asked once per distinct character, then a table lookup."""
    upper = [ord(ch) for ch in set(prepared) if ch.isupper()]
    table = np.zeros(int(code_points.max()) + 1, dtype=bool)
    table[upper] = True
    flags: NDArray[np.bool_] = table[code_points]
    return flags


@lru_cache(maxsize=1)
def _gram_table() -> bytes:
    """The compiled path's hash table of profile n-gram keys (built once per process)."""
    prof = profiles()
    return compiled.kernels.gram_table(prof.sorted_keys, prof.key_order)


def ngram_ids(text: str) -> list[int]:
    """The profile rows of the n-grams langdetect samples from, in its order."""
    rows: list[int] = ngram_rows(text).tolist()
    return rows


def ngram_rows(text: str, use_kernels: bool | None = None) -> NDArray[np.int64]:
    """``ngram_ids`` as an array, by the C path where enabled (``use_kernels`` forces one path).

    langdetect's NGram buffer restarts after a space, so the grams ending at a character are
    slices of the text: always the character itself and the pair with its predecessor; the
    triple unless the character starts a word; after a word, the pair and triple ending in the
    space. A character continuing a run of capitals emits nothing. That makes the whole
    extraction three shifted integer arrays instead of a per-character loop.
    """
    prepared = " " + prepare(text)
    if compiled.ENABLED if use_kernels is None else use_kernels:
        found = compiled.kernels.ngram_rows(prepared, _gram_table())
        return np.frombuffer(found, dtype=np.int64)
    cps = np.frombuffer(prepared.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    if len(cps) < 2:
        return np.zeros(0, dtype=np.int64)
    char, prev = cps[1:], cps[:-1]
    prev2 = np.concatenate(([0], cps[:-2]))
    space, prev_space = char == 32, prev == 32
    upper = _is_upper(prepared, cps)
    capital_run = upper[1:] & upper[:-1]
    letter = ~space & ~capital_run
    after_word = space & ~prev_space
    pair = (prev << CP_BITS) | char
    grams = np.stack([char, pair, (prev2 << (2 * CP_BITS)) | pair], axis=1)
    valid = np.stack([letter, letter | after_word, (letter & ~prev_space) | after_word], axis=1)
    return profiles().rows_of(grams[valid])


# --- the seeded random walk ---

_FIRST_CHUNK = 65  # draws a trial scores at first (a multiple of 5); most trials converge within it
_FIRST_WORDS = 1024  # stream words whose draws are weighed up front; 4 short trials fit in them


class _Draws:
    """Every ``random.choice`` over the n-grams along the stream, with its language weights.

    CPython draws ``getrandbits(n.bit_length())`` (one 32-bit word shifted right) until it is
    < n, so the accepted draws of all trials of a walk come from one vectorised pass, and only
    the n-grams actually drawn are looked up in the profiles: draw i weighs ``weights[picks[i]]``.
    ``weights`` keeps the columns of the languages some drawn n-gram supports, plus one column
    for all the others: those get the same smoothing factor at every draw, so they share one
    running sum, which ``spread`` copies back to every language (None when all are supported).
    """

    def __init__(self, stream: _Stream, rows: NDArray[np.int64]) -> None:
        self._stream, self._rows = stream, rows
        self._shift = 32 - len(rows).bit_length()
        self._end = 0
        self.offsets: NDArray[np.intp] = np.zeros(0, dtype=np.intp)
        self.picks: NDArray[np.intp] = np.zeros(0, dtype=np.intp)
        self.weights: NDArray[np.float64] = np.zeros((0, 0))
        self.columns: NDArray[np.intp] | None = None
        self.spread: NDArray[np.intp] | None = None
        self._extend(_FIRST_WORDS)

    def _extend(self, end: int) -> None:
        values = self._stream.upto(end)[:end] >> self._shift
        self.offsets = np.flatnonzero(values < len(self._rows))
        drawn, self.picks = np.unique(self._rows[values[self.offsets]], return_inverse=True)
        full = profiles().dense(drawn)
        supported: NDArray[np.bool_] = np.any(full, axis=0)
        if supported.all():
            self.weights, self.columns, self.spread = full, None, None
        else:
            live = np.flatnonzero(supported)
            self.columns = np.append(live, np.argmin(supported))
            self.spread = np.full(supported.shape[0], len(live), dtype=np.intp)
            self.spread[live] = np.arange(len(live))
            self.weights = full[:, self.columns]
        self._end = end

    def first_at(self, pos: int, count: int) -> int:
        """Index of the first draw at stream word ``pos`` or later, with ``count`` draws available.

        Growing the window can add supported languages (new columns): callers keep running sums
        per language and re-read ``columns`` after each call.
        """
        while True:
            start = int(np.searchsorted(self.offsets, pos))
            if start + count <= len(self.offsets):
                return start
            self._extend(2 * self._end)


def _trial(draws: _Draws, alpha: float, pos: int) -> tuple[NDArray[np.float64], int]:
    """One trial: its normalised probabilities and the stream position after it.

    langdetect multiplies in one n-gram's weights per draw and, every 5th draw, normalises and
    stops once the top language exceeds CONV_THRESHOLD (or after ITERATION_LIMIT draws). The
    draws are scored in growing chunks, each continuing the previous chunk's running sums, so
    the probabilities are bit for bit those of one cumulative sum over all draws and languages
    (``test_langid.py`` checks it).
    """
    smoothing = alpha / BASE_FREQ
    done, chunk, carry = 0, _FIRST_CHUNK, None
    while True:
        count = min(chunk, ITERATION_LIMIT + 1 - done)
        start = draws.first_at(pos, done + count)
        logs = np.log(smoothing + draws.weights[draws.picks[start + done : start + done + count]])
        if carry is not None:
            logs[0] += carry if draws.columns is None else carry[draws.columns]
        logs = np.cumsum(logs, axis=0)
        # take() keeps rows C-ordered: numpy then sums each row as it would the full-width rows.
        checks = logs[::5] if draws.spread is None else logs[::5].take(draws.spread, axis=1)
        peaks = checks.max(axis=1)
        sums = np.exp(checks - peaks[:, None]).sum(axis=1)
        converged = np.flatnonzero(1.0 / sums > CONV_THRESHOLD)
        done += count
        if len(converged) or done > ITERATION_LIMIT:
            check = int(converged[0]) if len(converged) else len(checks) - 1
            last = start + done - count + 5 * check
            return np.exp(checks[check] - peaks[check]) / sums[check], int(draws.offsets[last]) + 1
        carry = logs[-1] if draws.spread is None else logs[-1, draws.spread]
        chunk *= 2


def detect(text: str, seed: int = 0) -> str | None:
    """langdetect's answer for ``text`` with ``DetectorFactory.seed = seed``; None for no features.

    Returns ``"unknown"`` where langdetect would (no language above its probability threshold).
    The random walk depends only on the n-gram sequence, so answers are memoised by a digest of
    it: texts that differ only in characters langdetect ignores (loose mode's '*'-free variant)
    share one result, and the memo stays small whatever the texts' length.
    """
    rows = ngram_rows(text)
    if not len(rows):
        return None
    key = hashlib.blake2b(rows.tobytes(), digest_size=16, salt=seed.to_bytes(8, "little")).digest()
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    answer = _walk(rows, seed)
    with _memo_lock:
        _memo[key] = answer
        if len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return answer


_MEMO_SIZE = 8192
_memo: OrderedDict[bytes, str] = OrderedDict()
_memo_lock = threading.Lock()


def _walk(rows: NDArray[np.int64], seed: int) -> str:
    """langdetect's 7 seeded trials over the n-gram rows (stopping once the answer is settled)."""
    best, probability = (_walk_compiled if compiled.ENABLED else _walk_numpy)(rows, seed)
    return profiles().langs[best] if probability > PROB_THRESHOLD else "unknown"


def _walk_compiled(rows: NDArray[np.int64], seed: int, all_trials: bool = False) -> tuple[int, float]:
    """The C walk, handed a longer stream whenever it runs out of words."""
    prof = profiles()
    stream, end = _stream(seed), _FIRST_WORDS
    while True:
        words = stream.upto(end)
        found = compiled.kernels.walk(
            rows, words, prof.data, prof.cols, prof.ptr, len(prof.langs), all_trials
        )
        if found is not None:
            return found
        end = 2 * len(words)


def _walk_numpy(rows: NDArray[np.int64], seed: int) -> tuple[int, float]:
    """The walk in numpy: chunks of draws scored as cumulative sums of logarithms."""
    prof = profiles()
    stream = _stream(seed)
    draws = _Draws(stream, rows)
    pos, spare, total = 0, None, np.zeros(len(prof.langs))
    for trial in range(N_TRIAL):
        if trial >= N_TRIAL // 2 + 1 and _decided(total, N_TRIAL - trial):
            break
        if spare is None:
            words = stream.upto(pos + 4)[pos : pos + 4].tolist()
            pos += 4
            x2pi = _unit(words[0], words[1]) * _TWOPI
            g2rad = math.sqrt(-2.0 * math.log(1.0 - _unit(words[2], words[3])))
            z, spare = math.cos(x2pi) * g2rad, math.sin(x2pi) * g2rad
        else:
            z, spare = spare, None
        prob, pos = _trial(draws, ALPHA + z * ALPHA_WIDTH, pos)
        total += prob / N_TRIAL
    best = int(np.argmax(total))
    return best, float(total[best])


def _decided(total: NDArray[np.float64], trials_left: int) -> bool:
    """True when the leader cannot be overtaken: each remaining trial adds at most 1/N_TRIAL to
    any language (its probabilities are normalised), so a lead above that bound settles the
    answer exactly as running every trial would."""
    runner_up, leader = np.partition(total, -2)[-2:]
    return bool(leader - runner_up > trials_left / N_TRIAL + 1e-9 and leader > PROB_THRESHOLD)


def clear_caches() -> None:
    """Forget memoised n-grams and detections (benchmarks measure the code, not the cache)."""
    with _memo_lock:
        _memo.clear()
