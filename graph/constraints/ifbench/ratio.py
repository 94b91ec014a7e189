"""IFBench ratio:* constraints: stop-word share, sentence-type ratios, trigram overlap, equal
sentence lengths.

Sentences are Punkt's (``nltk.sent_tokenize``); a sentence's type is its last character
(``.``, ``?``, ``!``), so one closed by a quote or a bracket has no type. Zero sentences of each
type is a 2:1 ratio and a balance (vacuous passes, as officially).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.ifbench.common import Percentage, count_word_runs, listed, sentences, word_runs
from graph.constraints.registry import register

# NLTK's English stopword list (``nltk.corpus.stopwords.words("english")``, the 179-word
# version). Words are ``\w+`` runs, so the entries with an apostrophe can never match; the
# 198-word list of later NLTK data adds only such entries, and gives the same verdicts.
STOPWORDS = frozenset(
    listed(
        """i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
    yourselves he him his himself she she's her hers herself it it's its itself they them their
    theirs themselves what which who whom this that that'll these those am is are was were be been
    being have has had having do does did doing a an the and but if or because as until while of
    at by for with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how all any
    both each few more most other some such no nor not only own same so than too very s t can will
    just don don't should should've now d ll m o re ve y ain aren aren't couldn couldn't didn
    didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't mustn
    mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn
    wouldn't"""
    )
)


class PercentageParams(Params):
    percentage: Percentage


@register
class StopWordPercentage(Constraint[PercentageParams]):
    id = "ratio:stop_words"
    params_model = PercentageParams
    example: ClassVar[dict[str, Any]] = {"percentage": 30}

    def describe(self) -> str:
        return (
            f"Ensure that stop words constitute no more than {self.params.percentage:g}% of the "
            "total words in your response."
        )

    def _check(self, response: str) -> CheckResult:
        total = count_word_runs(response)
        if total == 0:
            return self.result(False, "has no words", None)
        stop = sum(1 for word in word_runs(response) if word.lower() in STOPWORDS)
        share = (stop / total) * 100
        if share <= self.params.percentage:
            return self.result(True, "", share)
        return self.result(
            False,
            f"{stop} of {total} words are stop words ({share:.1f}%), allowed at most "
            f"{self.params.percentage:g}%",
            share,
        )


def _endings(response: str) -> tuple[int, int, int]:
    """Declarative, interrogative and exclamatory sentences (by their last character)."""
    found = sentences(response)
    return (
        sum(1 for s in found if s.endswith(".")),
        sum(1 for s in found if s.endswith("?")),
        sum(1 for s in found if s.endswith("!")),
    )


@register
class SentenceTypeRatio(Constraint[NoParams]):
    id = "ratio:sentence_type"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "Maintain a 2:1 ratio of declarative to interrogative sentences."

    def _check(self, response: str) -> CheckResult:
        declarative, interrogative, _ = _endings(response)
        if declarative == 2 * interrogative:
            return self.result(True, "", (declarative, interrogative))
        return self.result(
            False,
            f"{declarative} declarative and {interrogative} interrogative sentences; needs exactly "
            f"twice as many declarative as interrogative ({2 * interrogative} for {interrogative})",
            (declarative, interrogative),
        )


@register
class SentenceBalance(Constraint[NoParams]):
    id = "ratio:sentence_balance"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return (
            "Ensure that the ratio of sentence types (declarative, interrogative, exclamatory) is balanced."
        )

    def _check(self, response: str) -> CheckResult:
        counts = _endings(response)
        if counts[0] == counts[1] == counts[2]:
            return self.result(True, "", counts)
        return self.result(
            False,
            f"{counts[0]} declarative, {counts[1]} interrogative and {counts[2]} exclamatory "
            "sentences; needs the same number of each",
            counts,
        )


def _trigrams(value: str) -> set[str]:
    """Character trigrams (``nltk.ngrams`` on a string walks its characters)."""
    return {value[i : i + 3] for i in range(len(value) - 2)}


@lru_cache(maxsize=256)
def _reference_trigrams(reference: str) -> frozenset[str]:
    return frozenset(_trigrams(reference))


class OverlapParams(Params):
    reference_text: str
    percentage: Percentage


@register
class NGramOverlap(Constraint[OverlapParams]):
    id = "ratio:overlap"
    params_model = OverlapParams
    example: ClassVar[dict[str, Any]] = {"reference_text": "The quick brown fox.", "percentage": 50}

    def describe(self) -> str:
        return (
            f"Maintain a trigram overlap of {self.params.percentage:g}% (\u00b12%) with the "
            "provided reference text."
        )

    def _check(self, response: str) -> CheckResult:
        grams = _trigrams(response)
        if not grams:
            return self.result(False, "is shorter than one trigram", None)
        share = len(grams & _reference_trigrams(self.params.reference_text)) / len(grams) * 100
        target = self.params.percentage
        if target - 2 <= share <= target + 2:
            return self.result(True, "", share)
        return self.result(
            False,
            f"{share:.1f}% of its character trigrams are in the reference text, needs "
            f"{target - 2:g}-{target + 2:g}%",
            share,
        )


@register
class SentenceLengths(Constraint[NoParams]):
    id = "ratio:sentence_words"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return (
            "Respond with three sentences, all containing the same number of characters but "
            "using all different words."
        )

    def _check(self, response: str) -> CheckResult:
        # Officially only the sentence count and lengths are checked, not the "different words".
        found = sentences(response)
        if len(found) != 3:
            return self.result(False, f"has {len(found)} sentences, needs exactly 3", len(found))
        lengths = [len(s.strip()) for s in found]
        if len(set(lengths)) == 1:
            return self.result(True, "", lengths)
        return self.result(
            False,
            "sentence lengths differ: " + ", ".join(str(n) for n in lengths) + " characters",
            lengths,
        )
