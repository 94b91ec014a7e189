"""IFBench words:* constraints on the letters of words: alphabet chains, vowels, consonant
clusters, palindromes, prime lengths, first letters, syllable parity, repeats, a starting verb.

Words are whitespace runs, with ASCII punctuation deleted first or stripped from their ends
exactly where the official checker does so; letters are ASCII (``é`` is neither vowel nor
consonant). ``words:start_verb`` tags with NLTK's perceptron (see ``tagger``).
"""

from __future__ import annotations

import string
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from typing import Any, ClassVar

import syllapy

from graph.constraints.base import CheckResult, Constraint, NoParams, Params
from graph.constraints.ifbench import tagger
from graph.constraints.ifbench.common import (
    STRIP,
    Count,
    delete_punctuation,
    quote,
    strip_punctuation,
    word_tokenize,
)
from graph.constraints.registry import register

ALPHABET = string.ascii_lowercase
VOWELS = frozenset("aeiou")
CONSONANTS = frozenset("bcdfghjklmnpqrstvwxyz")
_syllables = lru_cache(maxsize=65536)(syllapy.count)  # words repeat across loose variants
PRIMES = frozenset(
    {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97}
)


@register
class AlphabetLoop(Constraint[NoParams]):
    id = "words:alphabet"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "Each word must start with the next letter of the alphabet, looping back to 'A' after 'Z'."

    def _check(self, response: str) -> CheckResult:
        words = delete_punctuation(response).strip(STRIP).split()
        if not words:
            return self.result(False, "has no words", None)
        letter = words[0][0].lower()
        if letter not in ALPHABET:  # officially a substring test; a digit or non-ASCII start fails
            return self.result(False, f"the first word {quote(words[0])} does not start with a letter a-z", 1)
        for index, raw in enumerate(words[1:], start=2):
            word = strip_punctuation(raw).lower()
            if not word:
                continue
            letter = ALPHABET[(ALPHABET.index(letter) + 1) % 26]
            if word[0] != letter:
                return self.result(False, f"word {index} {quote(raw)} should start with {letter!r}", index)
        return self.result(True, "", len(words))


@register
class SingleVowelParagraph(Constraint[NoParams]):
    id = "words:vowel"
    example: ClassVar[dict[str, Any]] = {}
    has_repair = True

    def describe(self) -> str:
        return "Write a paragraph using words that contain only three types of vowels."

    def _check(self, response: str) -> CheckResult:
        lines = response.strip().split("\n")
        if len(lines) != 1:
            return self.result(False, f"has {len(lines)} lines; needs one paragraph on one line", len(lines))
        used = sorted(VOWELS.intersection(lines[0].lower()))
        if len(used) <= 3:
            return self.result(True, "", used)
        return self.result(False, f"uses {len(used)} vowels ({''.join(used)}), at most 3 allowed", used)

    def _repair(self, response: str) -> str | None:
        """One paragraph: the lines joined by spaces (words and order unchanged)."""
        return " ".join(line.strip() for line in response.strip().split("\n") if line.strip())


@register
class ConsonantCluster(Constraint[NoParams]):
    id = "words:consonants"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return (
            "Ensure each word in your response has at least one consonant cluster (two or more "
            "consonants together)."
        )

    def _check(self, response: str) -> CheckResult:
        for index, word in enumerate(response.lower().strip().split(), start=1):
            if not any(a in CONSONANTS and b in CONSONANTS for a, b in pairwise(word)):
                return self.result(False, f"word {index} {quote(word)} has no two consonants in a row", index)
        return self.result(True, "", None)


@register
class Palindromes(Constraint[NoParams]):
    id = "words:palindrome"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "Include at least 10 single-word palindromes, each at least 5 characters long."

    def _check(self, response: str) -> CheckResult:
        # Every occurrence counts: "level" ten times is ten palindromes, as officially.
        found = [w for w in delete_punctuation(response).lower().split() if len(w) >= 5 and w == w[::-1]]
        if len(found) >= 10:
            return self.result(True, "", len(found))
        return self.result(
            False, f"has {len(found)} palindromes of 5 or more characters, needs at least 10", len(found)
        )


@register
class PrimeLengths(Constraint[NoParams]):
    id = "words:prime_lengths"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "Use only words with lengths that are prime numbers."

    def _check(self, response: str) -> CheckResult:
        for index, word in enumerate(delete_punctuation(response).split(), start=1):
            if len(word) not in PRIMES:
                return self.result(
                    False, f"word {index} {quote(word)} has {len(word)} characters, not a prime", index
                )
        return self.result(True, "", None)


@register
class NoConsecutiveFirstLetter(Constraint[NoParams]):
    id = "words:no_consecutive"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "No two consecutive words can share the same first letter."

    def _check(self, response: str) -> CheckResult:
        words = delete_punctuation(response.lower()).split()
        for index in range(len(words) - 1):
            if words[index][0] == words[index + 1][0]:
                pair = f"{quote(words[index])} {quote(words[index + 1])}"
                return self.result(
                    False, f"words {index + 1} and {index + 2} ({pair}) start alike", index + 1
                )
        return self.result(True, "", None)


@register
class AlternateParitySyllables(Constraint[NoParams]):
    id = "words:odd_even_syllables"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "Alternate between words with odd and even numbers of syllables."

    def _check(self, response: str) -> CheckResult:
        words = delete_punctuation(response).lower().split()
        parities = [_syllables(word) % 2 for word in words]
        for index in range(len(parities) - 1):
            if parities[index] == parities[index + 1]:
                kind = "even" if parities[index] == 0 else "odd"
                pair = f"{quote(words[index])} {quote(words[index + 1])}"
                return self.result(
                    False,
                    f"words {index + 1} and {index + 2} ({pair}) both have an {kind} syllable count",
                    index + 1,
                )
        return self.result(True, "", None)


class RepeatParams(Params):
    small_n: Count


@register
class LimitedWordRepeat(Constraint[RepeatParams]):
    id = "words:repeats"
    params_model = RepeatParams
    example: ClassVar[dict[str, Any]] = {"small_n": 3}

    def describe(self) -> str:
        return f"The response should not repeat any word more than {self.params.small_n} times."

    def _check(self, response: str) -> CheckResult:
        counts = Counter(delete_punctuation(response.lower()).split())
        over = sorted((w for w, c in counts.items() if c > self.params.small_n), key=lambda w: -counts[w])
        if not over:
            return self.result(True, "", None)
        listed = ", ".join(f"{quote(w)} {counts[w]} times" for w in over[:5])
        return self.result(False, f"repeats words more than {self.params.small_n} times: {listed}", over)


@register
class StartWithVerb(Constraint[NoParams]):
    id = "words:start_verb"
    example: ClassVar[dict[str, Any]] = {}

    def describe(self) -> str:
        return "The response must start with a verb."

    def _check(self, response: str) -> CheckResult:
        tokens = word_tokenize(response)
        tag = tagger.first_tag(tokens)
        if tag is not None and "VB" in tag:
            return self.result(True, "", tag)
        if tag is None:
            return self.result(False, "has no tokens", None)
        return self.result(False, f"starts with {quote(tokens[0])}, tagged {tag}, not a verb (VB*)", tag)
