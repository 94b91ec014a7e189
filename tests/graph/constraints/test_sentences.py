"""The memoised Punkt splitter gives exactly the package's sentences (``punkt.sent_tokenize``)."""

from __future__ import annotations

from pathlib import Path

import punkt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.constraints import sentences, text
from graph.constraints.sentences import MemoPunkt
from tests.graph.constraints.conftest import benchmark_response_variants

TRICKY = [
    "",
    "   ",
    "Dr. Smith went home. He was tired.",
    "Wait . . . what? Really.",
    "He paused... Then spoke. Very bad acting!!! I promise.",
    "How?! You knew?! (Hi there.) Bye.",
    'She said "stop." Then left -- fast. "Quoted." "Next?"',
    "Wow!!!",
    "U.S. policy, e.g. the No. 5 rule, i.e. J. Bach. The end.",
    "A line\nwith a break. Another\u2029one.\tTabbed. \x0bVertical.\x0cFeed. Done",
    "Ellipsis.. two dots.. and -- dashes --- here. Fine.",
    "1. First item.\n2. Second item.\n3. Third.",
    "**Bold.** *Also.* Then (a) and [b]. {c}? «d»! “e.” ‘f.’",
    "See No. 5. It costs $3.50. That is 1,000.5 units. -5. Done.",
    "J. S. Bach wrote it. B. Smith agreed. s. walter and j. Walter. I. Then.",
    "It was 5 p.m. The end came at 6 a.m. Then e.g. This and etc. The rest.",
    "The mining-co. Board met. Mr. Jones, Dr. Who. U.S. Army. U.S. army.",
    "x !! y. a?! b. c.) d. (e.) F. 'g.' H. \"i.\" J.",
    "Wait. . . . The end. . . then. .. two.",
    " Leading space. Trailing space.   ",
    "\n\nParagraph one.\n\nParagraph two.\n\n",
    "Tab.\tVertical.\x0bFeed.\x0cReturn.\rDone.",
    "NBSP.\u00a0Next. Line sep.\u2028Next. Para sep.\u2029Next.",
    "Sigma ΟΔΟΣ. Next. İstanbul. Next. ǅemal. Next. snake_case. Next.",
    "An aback. Aback again. ability. Ability. aaron. Aaron. Administrators.",
    'Ends with a quote." And a bracket.) And both.")',
    "Dashes.-- Next. --. Next.--Next.",
    "Item 1.\n2. Item two.\n* Bullet.\n- Dash.\n# Heading.",
    "Done?",
    "Done.",
    "Done!!!",
    "?!",
    "...",
    ". . .",
]

FRAGMENTS = [
    " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2029", ".", ". ", "..", "...", ". . .", "!", "?",
    "?!", "!!!", "-", "--", "---", '"', "'", "(", ")", "[", "]", "*", "**", ":", ";", ",",
    "a", "word", "Word", "WORD", "Dr.", "Mr.", "e.g.", "U.S.", "J.", "No.", "5", "3.14",
    "The", "the", "However", "etc.", "«", "»", "“", "”",
    "\u2029", "\x0b", "\r\n", "ǅ", "No", "1.", "It's", "(a)", "a.m.", "s.", "walter", "Aback",
]  # fmt: skip

# Tokens chosen to reach every rule of the second pass: abbreviations (plain, dotted, hyphenated),
# initials and collocations ("j" + "walter"), numbers, frequent sentence starters, words whose
# orthographic record says yes / no / unknown, caseless and titlecase letters, punctuation.
WORDS = [
    "Dr", "dr", "U.S", "e.g", "a.m", "Co", "mining-co", "J", "j", "s", "B", "I", "A", "a", "No",
    "no", "5", "3.14", "1,000", "-5", ".5", "##number##", "etc", "Mr", "Smith", "smith", "Bach",
    "walter", "Walter", "abreast", "Abreast", "Who", "the", "The", "However", "however", "aback",
    "Aback", "ability", "Ability", "aaron", "Aaron", "administrators", "Administrators", "word",
    "Word", "WORD", "ΟΔΟΣ", "İstanbul", "ǅemal", "snake_case", "x1", "", ".", "..", ". .", "-", "--",
    "(a", "a)", '"Hi', "It's", "...and", "*", ",", ";", "?", "!", "中文",
]  # fmt: skip
SEPARATORS = [" ", "\n", "\n\n", "\u00a0", " \t"]
NON_WORD = list(")\";}]*:@'({[!?‘’“”«»")


@pytest.mark.parametrize("sample", TRICKY)
def test_same_sentences_and_spans_as_the_package(sample: str) -> None:
    splitter = MemoPunkt()
    assert splitter.tokenize(sample) == punkt.sent_tokenize(sample)
    assert list(splitter.span_tokenize(sample)) == list(punkt.tokenizer_for("english").span_tokenize(sample))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_same_sentences_on_punctuation_soup(pieces: list[str]) -> None:
    sample = "".join(pieces)
    assert text._punkt.tokenize(sample) == punkt.sent_tokenize(sample)


def test_decisions_are_memoised_and_cleared_with_the_other_caches() -> None:
    text.clear_caches()
    assert text.split_sentences("It rained. Then it stopped. It rained. Then") == (
        "It rained.",
        "Then it stopped.",
        "It rained.",
        "Then",
    )
    assert text._punkt._decisions  # one entry per distinct context
    text.clear_caches()
    assert not text._punkt._decisions


def test_memo_stays_bounded() -> None:
    splitter = MemoPunkt(memo_size=3)
    sample = "One a. Two b. Three c. Four d. Five e."
    assert splitter.tokenize(sample) == punkt.sent_tokenize(sample)
    assert len(splitter._decisions) <= 3


@pytest.mark.benchmarks
def test_same_sentences_on_every_benchmark_response_and_loose_variant(benchmarks_dir: Path) -> None:
    samples = benchmark_response_variants(benchmarks_dir)
    assert len(samples) > 10000
    text.clear_caches()
    assert [s[:60] for s in samples if text._punkt.tokenize(s) != punkt.sent_tokenize(s)] == []


_SMALL_MEMO = MemoPunkt(memo_size=8)  # its per-token and per-chunk memos refill all the time


def _package_verdict(context: str) -> bool:
    return punkt.tokenizer_for("english")._context_has_sentbreak(context)


@pytest.mark.parametrize("sample", TRICKY)
def test_same_spans_without_realignment(sample: str) -> None:
    expected = list(punkt.tokenizer_for("english").span_tokenize(sample, realign_boundaries=False))
    assert list(MemoPunkt().span_tokenize(sample, realign_boundaries=False)) == expected
    assert MemoPunkt().tokenize(sample, realign_boundaries=False) == [sample[s:e] for s, e in expected]


def test_same_verdict_on_every_pair_of_words() -> None:
    """``W. N`` for every pair: the two-plain-words shortcut, and the general path next to it."""
    splitter = MemoPunkt()
    contexts = [
        f"{first}.{gap}{second}" for first in WORDS for second in WORDS if second for gap in SEPARATORS[:2]
    ]
    mismatched = [
        context
        for context in contexts
        if splitter._verdicts.has_sentbreak(context) != _package_verdict(context)
    ]
    assert mismatched == []


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([*WORDS, "."]), min_size=1, max_size=3).map("".join),
    st.sampled_from(sentences._MARKS),
    st.one_of(
        st.sampled_from(NON_WORD),
        st.tuples(st.sampled_from(SEPARATORS), st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
        .map(lambda parts: parts[0] + "".join(parts[1]))
        .filter(lambda after: not after.isspace()),
    ),
)
def test_same_verdict_as_the_package_on_generated_contexts(word: str, mark: str, after: str) -> None:
    context = word + mark + after
    assert _SMALL_MEMO._verdicts.has_sentbreak(context) == _package_verdict(context)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS + WORDS), max_size=30))
def test_every_candidate_gets_the_package_verdict(pieces: list[str]) -> None:
    """The candidates are the package's, and "!" or "?" ones (never looked up) always break."""
    sample = "".join(pieces)
    splitter = MemoPunkt()
    candidates = splitter._candidates(sample)
    contexts = [sample[word : match.end(sentences._AFTER)] for word, match in candidates]
    assert contexts == [
        candidate.context for candidate in punkt.PunktBoundaryDetector(splitter.rules).detect(sample)
    ]
    for (_, match), context in zip(candidates, contexts, strict=True):
        verdict = _package_verdict(context)
        assert splitter._verdicts.has_sentbreak(context) == verdict
        assert verdict or sample[match.start()] == "."


def test_refuses_rules_it_was_not_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = punkt.PunktSentenceTokenizer(
        punkt.load_model("english"), rules=punkt.LanguageVars(sent_end_chars=(".",))
    )
    monkeypatch.setattr(punkt, "tokenizer_for", lambda *args, **kwargs: changed)
    with pytest.raises(RuntimeError):
        MemoPunkt()
