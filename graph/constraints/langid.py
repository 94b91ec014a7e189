"""Seeded langdetect, made fast without changing its answers.

langdetect (the official checker's detector) runs 7 random-walk trials over a text's n-grams, in
pure Python. With a fixed seed the random stream is the same for every text, so this module
replays it: it reads Mersenne Twister words from one precomputed stream, reproduces
``random.gauss`` and ``random.choice`` exactly, and runs each trial's products as a cumulative
sum of logarithms in numpy, stopping once the leader cannot be overtaken. N-gram extraction
follows langdetect's own state machine, vectorised over the text. Profiles: ``langprofiles``. ``tests/graph/constraints/test_langid.py`` checks that the
answers equal ``langdetect.detect`` (seeded) on every benchmark response and its loose variants.
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
                fresh = np.fromiter(
                    (self._rng.getrandbits(32) for _ in range(more)), dtype=np.uint32, count=more
                )
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
def _langdetect_parts() -> tuple[Any, Any, Any, Any, Any]:
    from langdetect.detector import Detector
    from langdetect.utils.ngram import NGram
    from langdetect.utils.unicode_block import UNICODE_LATIN_EXTENDED_ADDITIONAL, unicode_block

    return Detector.URL_RE, Detector.MAIL_RE, NGram, unicode_block, UNICODE_LATIN_EXTENDED_ADDITIONAL


_LATIN = re.compile("[A-z]")
_ABOVE_COMBINING = re.compile("[\u0300-\U0010ffff]")
_normal_chars: dict[int, str] = {}


@lru_cache(maxsize=65536)
def _counts_as_non_latin(ch: str) -> bool:
    _, _, _, unicode_block, extended_additional = _langdetect_parts()
    return bool(unicode_block(ch) != extended_additional)


def _clean_latin(text: str) -> bool:
    """langdetect's ``cleaning_text`` rule: drop Latin letters when non-Latin script dominates."""
    if text.isascii():
        return False
    latin = len(_LATIN.findall(text))
    non_latin = sum(1 for ch in _ABOVE_COMBINING.findall(text) if _counts_as_non_latin(ch))
    return latin * 2 < non_latin


def prepare(text: str) -> str:
    """The text langdetect scores: URLs and mails dropped, 10k chars, spaces collapsed, normalised."""
    url_re, mail_re, ngram, _, _ = _langdetect_parts()
    text = ngram.normalize_vi(mail_re.sub(" ", url_re.sub(" ", text)))
    text = _SPACES.sub(" ", text[:10000])
    if _clean_latin(text):
        text = _LATIN.sub("", text)
    for ch in set(text):
        if ord(ch) not in _normal_chars:
            _normal_chars[ord(ch)] = ngram.normalize(ch)
    return text.translate(_normal_chars)


_upper_code_points: dict[int, bool] = {}


def _is_upper(code_points: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``str.isupper`` per code point, memoised per distinct code point."""
    distinct, inverse = np.unique(code_points, return_inverse=True)
    flags = np.empty(len(distinct), dtype=bool)
    for i, cp in enumerate(distinct.tolist()):
        flag = _upper_code_points.get(cp)
        if flag is None:
            flag = _upper_code_points[cp] = chr(cp).isupper()
        flags[i] = flag
    return flags[inverse]


def ngram_ids(text: str) -> list[int]:
    """The profile rows of the n-grams langdetect samples from, in its order."""
    rows: list[int] = ngram_rows(text).tolist()
    return rows


def ngram_rows(text: str) -> NDArray[np.int64]:
    """``ngram_ids`` as an array.

    langdetect's NGram buffer restarts after a space, so the grams ending at a character are
    slices of the text: always the character itself and the pair with its predecessor; the
    triple unless the character starts a word; after a word, the pair and triple ending in the
    space. A character continuing a run of capitals emits nothing. That makes the whole
    extraction three shifted integer arrays instead of a per-character loop.
    """
    prepared = " " + prepare(text)
    cps = np.frombuffer(prepared.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    if len(cps) < 2:
        return np.zeros(0, dtype=np.int64)
    char, prev = cps[1:], cps[:-1]
    prev2 = np.concatenate(([0], cps[:-2]))
    space, prev_space = char == 32, prev == 32
    upper = _is_upper(cps)
    capital_run = upper[1:] & upper[:-1]
    letter = ~space & ~capital_run
    after_word = space & ~prev_space
    pair = (prev << CP_BITS) | char
    grams = np.stack([char, pair, (prev2 << (2 * CP_BITS)) | pair], axis=1)
    valid = np.stack([letter, letter | after_word, (letter & ~prev_space) | after_word], axis=1)
    return profiles().rows_of(grams[valid])


# --- the seeded random walk ---


def _draws(stream: _Stream, pos: int, n: int, count: int) -> tuple[NDArray[Any], NDArray[Any]]:
    """The next ``count`` values of ``random.choice`` over n items, and their stream offsets.

    CPython draws ``getrandbits(n.bit_length())`` (one 32-bit word shifted right) until it is < n.
    """
    shift = 32 - n.bit_length()
    window = 2 * count + 64
    while True:
        values = stream.upto(pos + window)[pos : pos + window] >> shift
        accepted = np.flatnonzero(values < n)
        if len(accepted) >= count:
            accepted = accepted[:count]
            return values[accepted].astype(np.int64), accepted
        window *= 2


def _trial(
    probs: NDArray[np.float64], inverse: NDArray[Any], alpha: float, n: int, stream: _Stream, pos: int
) -> tuple[NDArray[np.float64], int]:
    """One trial: its normalised probabilities and how many stream words it consumed.

    langdetect multiplies in one n-gram's weights per draw and, every 5th draw, normalises and
    stops once the top language exceeds CONV_THRESHOLD (or after ITERATION_LIMIT draws).
    """
    last_check = ITERATION_LIMIT // 5
    wanted = 128
    while True:
        draws, offsets = _draws(stream, pos, n, wanted)
        logs = np.cumsum(np.log(alpha / BASE_FREQ + probs[inverse[draws]]), axis=0)
        checks = logs[::5]
        peaks = checks.max(axis=1)
        sums = np.exp(checks - peaks[:, None]).sum(axis=1)
        converged = np.flatnonzero(1.0 / sums > CONV_THRESHOLD)
        if len(converged) and converged[0] <= last_check:
            check = int(converged[0])
        elif len(checks) > last_check:
            check = last_check
        else:
            wanted = min(wanted * 4, ITERATION_LIMIT + 1)
            continue
        return np.exp(checks[check] - peaks[check]) / sums[check], int(offsets[5 * check]) + 1


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
    prof = profiles()
    unique, inverse = np.unique(rows, return_inverse=True)
    probs = prof.dense(unique)
    stream = _stream(seed)
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
        prob, used = _trial(probs, inverse, ALPHA + z * ALPHA_WIDTH, len(rows), stream, pos)
        pos += used
        total += prob / N_TRIAL
    best = int(np.argmax(total))
    return prof.langs[best] if total[best] > PROB_THRESHOLD else "unknown"


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
