"""langdetect's language profiles as a sparse matrix, with an integer index of their n-grams.

Built from the installed langdetect package (55 JSON profiles, ~0.4 s to parse); a sparse copy is
cached on disk (``$FOLLOWFIX_CACHE_DIR`` or ``~/.cache/followfix``), so later processes load it in
milliseconds. The cache is keyed by langdetect's version and rebuilt if unreadable.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

CP_BITS = 21  # a code point fits in 21 bits; three fit in one int64 gram key


def gram_keys(grams: list[str]) -> NDArray[np.int64]:
    """One int64 per gram: its code points left-padded with zeros (NUL never occurs in a gram).

    Vectorised over all grams at once: every process builds the keys of ~90k grams on first use.
    """
    lengths = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
    cps = np.frombuffer("".join(grams).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    keys = np.zeros(len(grams), dtype=np.int64)
    for offset in range(int(lengths.max(initial=0))):
        longer = lengths > offset
        keys[longer] = (keys[longer] << CP_BITS) | cps[starts[longer] + offset]
    return keys


class Profiles:
    """langdetect's n-gram probabilities per language as a sparse matrix, with an n-gram index."""

    def __init__(
        self,
        langs: list[str],
        grams: list[str] | bytes,
        data: NDArray[Any],
        cols: NDArray[Any],
        ptr: NDArray[Any],
        index: tuple[NDArray[Any], NDArray[Any]] | None = None,
    ):
        """``grams`` may be the cache's newline-joined UTF-8 (decoded only when asked for);
        ``index`` (gram order by key, sorted keys) comes from the disk cache, built if absent."""
        self.langs = langs
        self._grams = grams
        # Fixed dtypes, contiguous: the compiled walk reads these as raw buffers.
        self.data = np.ascontiguousarray(data, dtype=np.float64)
        self.cols = np.ascontiguousarray(cols, dtype=np.int16)
        self.ptr = np.ascontiguousarray(ptr, dtype=np.int64)
        if index is None:
            keys = gram_keys(self.grams)
            order = np.argsort(keys)
            index = order, keys[order]
        self.key_order: NDArray[np.int64] = np.ascontiguousarray(index[0], dtype=np.int64)
        self.sorted_keys: NDArray[np.int64] = np.ascontiguousarray(index[1], dtype=np.int64)

    @property
    def grams(self) -> list[str]:
        """The n-grams, by row (detection only needs the integer index)."""
        if isinstance(self._grams, bytes):
            self._grams = self._grams.decode("utf-8").split("\n")
        return self._grams

    def rows_of(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """Profile rows of the gram keys that langdetect knows, in order; unknown grams dropped."""
        at = np.searchsorted(self.sorted_keys, keys)
        at[at == len(self.sorted_keys)] = 0
        known = self.sorted_keys[at] == keys
        rows: NDArray[np.int64] = self.key_order[at[known]]
        return rows

    def dense(self, rows: NDArray[Any]) -> NDArray[np.float64]:
        """Dense probability rows for the given n-gram ids (a vectorised CSR gather)."""
        starts, ends = self.ptr[rows], self.ptr[rows + 1]
        lengths = ends - starts
        owner = np.repeat(np.arange(len(rows)), lengths)
        firsts = np.cumsum(lengths) - lengths
        offsets = np.arange(int(lengths.sum())) - np.repeat(firsts - starts, lengths)
        out = np.zeros((len(rows), len(self.langs)))
        out[owner, self.cols[offsets]] = self.data[offsets]
        return out


def _cache_file() -> Path:
    base = os.environ.get("FOLLOWFIX_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "followfix"
    )
    return Path(base) / f"langdetect-{metadata.version('langdetect')}-profiles-v4.npz"


def _build_from_langdetect() -> tuple[list[str], list[str], NDArray[Any], NDArray[Any], NDArray[Any]]:
    from langdetect import detector_factory

    detector_factory.init_factory()
    factory = detector_factory._factory
    assert factory is not None
    grams = list(factory.word_lang_prob_map)
    matrix = np.array([factory.word_lang_prob_map[g] for g in grams])
    nonzero = matrix != 0
    ptr = np.concatenate([[0], np.cumsum(nonzero.sum(axis=1))]).astype(np.int64)
    cols = np.nonzero(nonzero)[1].astype(np.int16)
    return list(factory.langlist), grams, matrix[nonzero], cols, ptr


@lru_cache(maxsize=1)
def profiles() -> Profiles:
    """Load the profiles from the disk cache, building (and caching) them from langdetect once."""
    path = _cache_file()
    try:
        with np.load(path, allow_pickle=False) as cached:
            langs = str(cached["langs"]).split("\n")
            grams = cached["grams"].tobytes()
            index = cached["key_order"], cached["sorted_keys"]
            return Profiles(langs, grams, cached["data"], cached["cols"], cached["ptr"], index)
    except (OSError, KeyError, ValueError):
        pass
    built = Profiles(*_build_from_langdetect())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(
            tmp,
            langs="\n".join(built.langs),
            grams=np.frombuffer("\n".join(built.grams).encode("utf-8"), dtype=np.uint8),
            data=built.data,
            cols=built.cols,
            ptr=built.ptr,
            key_order=built.key_order,
            sorted_keys=built.sorted_keys,
        )
        os.replace(tmp, path)
    except OSError as exc:
        log.info("language profiles not cached (%s); they load from langdetect each time", exc)
    return built
