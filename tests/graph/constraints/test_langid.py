"""The fast seeded detector answers exactly as langdetect does with the same seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langdetect import DetectorFactory
from langdetect import detect as langdetect_detect
from langdetect.detector import Detector
from langdetect.lang_detect_exception import LangDetectException

from graph.constraints import compiled, langid
from tests.graph.constraints.conftest import benchmark_response_variants

OWN_TEXTS = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Der schnelle braune Fuchs springt über den faulen Hund am Flussufer.",
    "Быстрая коричневая лиса прыгает через ленивую собаку у реки.",
    "敏捷的棕色狐狸跳过了河边的懒狗。",
    "素早い茶色の狐が川岸で怠け者の犬を飛び越える。",
    "빠른 갈색 여우가 강둑에서 게으른 개를 뛰어넘는다.",
    "ताज़ा भूरी लोमड़ी नदी के किनारे आलसी कुत्ते के ऊपर कूदती है।",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG. NASA AND THE UN AGREE.",
    "Visit https://example.com/path?q=1 or mail me at someone@example.org today, friend.",
    "Tiếng Việt có dấu: người Việt Nam rất thân thiện và hiếu khách.",
    "Mixed English text with a few Русские слова and some más español aquí.",
    "A",
    "12345 !!! ???",
    "<|eot_id|> cut off mid sente",
]


def _reference(text: str) -> str | None:
    DetectorFactory.seed = 0
    try:
        return str(langdetect_detect(text))
    except LangDetectException:
        return None


@pytest.mark.parametrize("text", OWN_TEXTS)
def test_same_answer_as_seeded_langdetect(text: str) -> None:
    assert langid.detect(text) == _reference(text)


def test_ngram_extraction_matches_langdetect() -> None:
    from langdetect import detector_factory

    detector_factory.init_factory()
    for text in OWN_TEXTS:
        detector = Detector(detector_factory._factory)
        detector.append(text)
        detector.cleaning_text()
        expected = detector._extract_ngrams()
        index = {gram: row for row, gram in enumerate(langid.profiles().grams)}
        assert [index[g] for g in expected] == langid.ngram_ids(text)


needs_compiled = pytest.mark.skipif(
    not compiled.BUILT, reason="graph.constraints._kernels was not built (no C compiler at install)"
)


@pytest.fixture(params=["compiled", "numpy"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once per implementation of extraction and walk (the C one where it was built)."""
    if request.param == "compiled" and not compiled.BUILT:
        pytest.skip("graph.constraints._kernels was not built (no C compiler at install)")
    monkeypatch.setattr(compiled, "ENABLED", request.param == "compiled")
    langid.clear_caches()
    return str(request.param)


def _benchmark_texts(benchmarks_dir: Path) -> list[str]:
    unique = [t for t in benchmark_response_variants(benchmarks_dir) if t.strip()]
    return unique[::12]  # ~1,500 texts: every script and length the data has, in bounded time


@pytest.fixture(scope="module")
def benchmark_references(benchmarks_dir: Path) -> dict[str, str | None]:
    """langdetect's own answers (slow: computed once for both implementations)."""
    return {text: _reference(text) for text in _benchmark_texts(benchmarks_dir)}


@pytest.mark.benchmarks
def test_same_answers_on_benchmark_responses_and_their_loose_variants(
    path: str, benchmark_references: dict[str, str | None]
) -> None:
    assert len(benchmark_references) > 1000
    mismatches = [t[:60] for t, expected in benchmark_references.items() if langid.detect(t) != expected]
    assert mismatches == []


@pytest.mark.benchmarks
def test_compiled_extraction_equals_numpy_extraction(benchmarks_dir: Path) -> None:
    if not compiled.BUILT:
        pytest.skip("graph.constraints._kernels was not built (no C compiler at install)")
    texts = _benchmark_texts(benchmarks_dir) + OWN_TEXTS + ["", " ", "ÀÉÎ ÕÜ ŸÆ", "a\u0301b \U0001f600 x"]
    for text in texts:
        assert np.array_equal(
            langid.ngram_rows(text, use_kernels=True), langid.ngram_rows(text, use_kernels=False)
        )


def _langdetect_probabilities(text: str) -> list[float]:
    """All 7 trials' summed probabilities, straight from langdetect's Detector."""
    from langdetect import detector_factory

    detector_factory.init_factory()
    detector = detector_factory._factory.create()
    detector.seed = 0
    detector.append(text)
    detector._detect_block()
    return list(detector.langprob)


@needs_compiled
@pytest.mark.parametrize("text", [t for t in OWN_TEXTS if t.strip("0123456789 !?")] + ["OK " * 40])
def test_compiled_walk_reproduces_langdetect_probabilities_bit_for_bit(text: str) -> None:
    """With every trial run, the C walk's top probability is langdetect's own float, not a near one."""
    expected = _langdetect_probabilities(text)
    best, probability = langid._walk_compiled(langid.ngram_rows(text, use_kernels=True), 0, all_trials=True)
    assert best == expected.index(max(expected))
    assert probability == expected[best]


def test_random_stream_is_pythons_mersenne_twister() -> None:
    import random

    rng = random.Random(0)
    expected = [rng.getrandbits(32) for _ in range(20000)]
    assert langid._Stream(0).upto(20000)[:20000].tolist() == expected


def test_threads_sharing_the_random_stream_get_the_same_answers(path: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    langid._stream.cache_clear()
    langid.clear_caches()
    texts = [t + " " + "x" * i for i, t in enumerate(OWN_TEXTS * 4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(langid.detect, texts))
    assert threaded == [_reference(t) for t in texts]


def test_profile_cache_round_trip_keeps_grams_and_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.constraints import langprofiles

    default = langprofiles.profiles()
    monkeypatch.setenv("FOLLOWFIX_CACHE_DIR", str(tmp_path))
    try:
        langprofiles.profiles.cache_clear()
        built = langprofiles.profiles()  # from langdetect, written to tmp_path
        langprofiles.profiles.cache_clear()
        loaded = langprofiles.profiles()  # read back
    finally:
        langprofiles.profiles.cache_clear()
    assert len(list(tmp_path.glob("*.npz"))) == 1
    for got in (built, loaded):
        assert got.grams == default.grams and got.langs == default.langs
        assert (got.key_order == default.key_order).all() and (got.sorted_keys == default.sorted_keys).all()
        assert (got.data == default.data).all() and (got.ptr == default.ptr).all()
    keys = langprofiles.gram_keys(default.grams)
    assert (keys[default.key_order] == default.sorted_keys).all()
    assert (np.diff(default.sorted_keys) > 0).all()


def _plain_trial(text: str, alpha: float, pos: int) -> tuple[np.ndarray, int]:
    """One trial the straightforward way: all 1001 draws, every language, one cumulative sum."""
    rows = langid.ngram_rows(text)
    words = langid._stream(0).upto(pos + 8192)[pos : pos + 8192] >> (32 - len(rows).bit_length())
    offsets = np.flatnonzero(words < len(rows))[: langid.ITERATION_LIMIT + 1]
    weights = langid.profiles().dense(rows[words[offsets]])
    checks = np.cumsum(np.log(alpha / langid.BASE_FREQ + weights), axis=0)[::5]
    peaks = checks.max(axis=1)
    sums = np.exp(checks - peaks[:, None]).sum(axis=1)
    converged = np.flatnonzero(1.0 / sums > langid.CONV_THRESHOLD)
    check = int(converged[0]) if len(converged) else len(checks) - 1
    return np.exp(checks[check] - peaks[check]) / sums[check], pos + int(offsets[5 * check]) + 1


@pytest.mark.parametrize("text", [t for t in OWN_TEXTS if len(t) > 20] + ["A", "OK " * 40])
@pytest.mark.parametrize("pos", [4, 777, 3000])
def test_chunked_trial_is_bit_identical_to_one_cumulative_sum(text: str, pos: int) -> None:
    """Chunks, drawn-only lookups and the shared column of unsupported languages change no bit."""
    draws = langid._Draws(langid._stream(0), langid.ngram_rows(text))
    for alpha in (0.45, 0.5, 0.56):
        expected, expected_pos = _plain_trial(text, alpha, pos)
        got, got_pos = langid._trial(draws, alpha, pos)
        assert got_pos == expected_pos
        assert np.array_equal(got, expected)


def _langdetect_drops_latin(text: str) -> bool:
    """langdetect's Detector.cleaning_text decision, computed with its own block lookup."""
    from langdetect.utils.unicode_block import UNICODE_LATIN_EXTENDED_ADDITIONAL, unicode_block

    latin = sum(1 for ch in text if "A" <= ch <= "z")
    non_latin = sum(
        1 for ch in text if ch >= "\u0300" and unicode_block(ch) != UNICODE_LATIN_EXTENDED_ADDITIONAL
    )
    return latin * 2 < non_latin


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=st.sampled_from("abZ_[é\u0300\u1dff\u1e00\u1e9e\u1eff\u1f00ж中\U0001f600\U000e0001 "))
)
def test_latin_cleaning_rule_counts_as_langdetect_does(sample: str) -> None:
    assert langid._clean_latin(sample) == _langdetect_drops_latin(sample)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_prepared_text_equals_langdetect_cleaned_text(sample: str) -> None:
    """Guards and the ASCII byte table change nothing: langdetect's cleaned text, each character
    normalised as its NGram buffer does on the way in."""
    from langdetect import detector_factory
    from langdetect.utils.ngram import NGram

    detector_factory.init_factory()
    detector = Detector(detector_factory._factory)
    detector.append(sample)
    detector.cleaning_text()
    assert langid.prepare(sample) == "".join(NGram.normalize(ch) for ch in detector.text)


def test_latin_extended_additional_bounds_are_langdetects() -> None:
    from langdetect.utils import unicode_block as blocks

    (bounds,) = [b[1:] for b in blocks._unicode_blocks if b[0] == blocks.UNICODE_LATIN_EXTENDED_ADDITIONAL]
    assert bounds == langid.LATIN_EXTENDED_ADDITIONAL
    assert langid._NON_LATIN.pattern == f"[^\x00-\u02ff{chr(bounds[0])}-{chr(bounds[1])}]"
