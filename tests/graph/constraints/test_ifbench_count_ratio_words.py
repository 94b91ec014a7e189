"""IFBench count:*, ratio:*, words:*: pass/fail tables at the boundaries (N-1, N, N+1) and the
official corner cases each rule has (see docs/constraints.md)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.constraints import build, verify

KW5 = {"keyword1": "sun", "keyword2": "moon", "keyword3": "star", "keyword4": "sky", "keyword5": "sea"}
KEYWORDS_OK = "sun " + "moon " * 2 + "star " * 3 + "sky " * 5 + "sea " * 7
JA = "日本"

CASES: list[tuple[str, dict[str, Any], str, bool]] = [
    # count:word_count_range: \w+ runs, inclusive bounds
    ("count:word_count_range", {"min_words": 3, "max_words": 5}, "one two", False),
    ("count:word_count_range", {"min_words": 3, "max_words": 5}, "one two three", True),
    ("count:word_count_range", {"min_words": 3, "max_words": 5}, "one two three four five", True),
    ("count:word_count_range", {"min_words": 3, "max_words": 5}, "a b c d e f", False),
    ("count:word_count_range", {"min_words": 3, "max_words": 5}, "don't stop", True),  # don, t, stop
    # count:unique_word_count: lower-cased, punctuation stripped at the ends
    ("count:unique_word_count", {"N": 3}, "Cat cat, CAT! dog", False),
    ("count:unique_word_count", {"N": 3}, "cat dog bird", True),
    ("count:unique_word_count", {"N": 3}, "cat dog ...", True),  # "..." is the unique word ""
    ("count:unique_word_count", {"N": 4}, "cat dog bird", False),
    # count:conjunctions: distinct written forms
    ("count:conjunctions", {"small_n": 2}, "bread and butter and jam", False),
    ("count:conjunctions", {"small_n": 2}, "And then and now", True),  # "And" and "and" differ
    ("count:conjunctions", {"small_n": 2}, "this or that, but why", True),
    ("count:conjunctions", {"small_n": 3}, "this or that, but why", False),
    # count:person_names: case-sensitive, word boundaries
    ("count:person_names", {"N": 2}, "Emma met Liam.", True),
    ("count:person_names", {"N": 2}, "Emma met EMMA and Emmanuel.", False),
    ("count:person_names", {"N": 3}, "Emma's friend Liam and Noah", True),
    ("count:person_names", {"N": 4}, "Emma's friend Liam and Noah", False),
    # count:numbers: punctuation deleted first
    ("count:numbers", {"N": 2}, "It costs 1,000 dollars or 3.14 euros.", True),
    ("count:numbers", {"N": 3}, "It costs 1,000 dollars or 3.14 euros.", False),
    ("count:numbers", {"N": 1}, "Born 2024-01-01.", True),
    ("count:numbers", {"N": 0}, "No digits here.", True),
    ("count:numbers", {"N": 1}, "1 2", False),
    # count:punctuation: an interrobang plus . , ! ? ; : elsewhere
    ("count:punctuation", {}, "Wait?! Yes, I see; really: fine. Wow! Why?", True),
    ("count:punctuation", {}, "Wait?! Yes, I see; really: fine. Why?", False),  # no other "!"
    ("count:punctuation", {}, "Yes, I see; really: fine. Wow! Why?", False),  # no interrobang
    ("count:punctuation", {}, "Wait\u203d Yes, I see; really: fine. Wow! Why?", True),
    # count:words_japanese: every N-th word holds Japanese
    ("count:words_japanese", {"N": 2}, f"one {JA} three {JA}", True),
    ("count:words_japanese", {"N": 2}, f"one {JA} three four", False),
    ("count:words_japanese", {"N": 2}, "one 22 three ...", True),  # digits and punctuation skipped
    ("count:words_japanese", {"N": 5}, "one two three four", True),  # shorter than N
    # count:pronouns: Treebank tokens of the lower-cased text, "/" split
    ("count:pronouns", {"N": 3}, "She/her/hers", True),
    ("count:pronouns", {"N": 3}, "I saw them", False),
    ("count:pronouns", {"N": 3}, "I saw them myself", True),
    ("count:pronouns", {"N": 4}, "I saw them myself", False),
    # count:keywords_multiple: substring counts 1, 2, 3, 5, 7
    ("count:keywords_multiple", KW5, KEYWORDS_OK, True),
    ("count:keywords_multiple", KW5, KEYWORDS_OK + "sun", False),
    ("count:keywords_multiple", KW5, KEYWORDS_OK.replace("sun ", "sunny "), True),  # substring
    ("count:keywords_multiple", KW5, KEYWORDS_OK.replace("sea ", "", 1), False),
    # ratio:stop_words: \w+ words, share <= percentage
    ("ratio:stop_words", {"percentage": 50}, "the cat", True),  # 50%
    ("ratio:stop_words", {"percentage": 49}, "the cat", False),
    ("ratio:stop_words", {"percentage": 50}, "the a cat", False),  # 66.7%
    ("ratio:stop_words", {"percentage": 100}, "...", False),  # no words
    # ratio:sentence_type: declarative = 2 x interrogative
    ("ratio:sentence_type", {}, "I run. You walk. Why?", True),
    ("ratio:sentence_type", {}, "I run. Why?", False),
    ("ratio:sentence_type", {}, "I run. You walk. We sit. Why?", False),
    ("ratio:sentence_type", {}, "Hello!", True),  # 0 and 0
    # ratio:sentence_balance: equal counts of . ? !
    ("ratio:sentence_balance", {}, "I run. Why? Wow!", True),
    ("ratio:sentence_balance", {}, "I run. Why? Wow! Go.", False),
    ("ratio:sentence_balance", {}, 'He said "hi."', True),  # ends with a quote: no type
    # ratio:overlap: character trigrams, target +- 2
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 100}, "abcdef", True),
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 50}, "abcxyz", False),  # 25%
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 27}, "abcxyz", True),
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 23}, "abcxyz", True),
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 22}, "abcxyz", False),
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 0}, "ab", False),
    # ratio:sentence_words: 3 sentences of one length (words not compared)
    ("ratio:sentence_words", {}, "I ran. I ran. I ran.", True),
    ("ratio:sentence_words", {}, "I ran. I ran.", False),
    ("ratio:sentence_words", {}, "I ran. I ran. I ran. I ran.", False),
    ("ratio:sentence_words", {}, "I ran. I ran. I sat!", True),
    ("ratio:sentence_words", {}, "I ran. I ran. I runs.", False),
    # words:alphabet
    ("words:alphabet", {}, "Yellow zebras, all bark.", True),
    ("words:alphabet", {}, "Yellow zebras bark.", False),
    ("words:alphabet", {}, "1 apple", False),
    # words:vowel: one line, at most 3 distinct vowels
    ("words:vowel", {}, "a big cat sat", True),
    ("words:vowel", {}, "a big cat sat on", True),
    ("words:vowel", {}, "a big cat sat on us", False),
    ("words:vowel", {}, "a big\ncat", False),
    # words:consonants
    ("words:consonants", {}, "strong black trucks", True),
    ("words:consonants", {}, "strong black cars", True),
    ("words:consonants", {}, "strong a trucks", False),
    ("words:consonants", {}, "it's", False),
    # words:palindrome: >= 10 occurrences of length >= 5
    ("words:palindrome", {}, "level " * 10, True),
    ("words:palindrome", {}, "level " * 9 + "civic", True),
    ("words:palindrome", {}, "level " * 9 + "wow", False),
    ("words:palindrome", {}, "Level, " * 10, True),
    # words:prime_lengths
    ("words:prime_lengths", {}, "an ant ants", False),  # 4 is not prime
    ("words:prime_lengths", {}, "an ant hello", True),
    ("words:prime_lengths", {}, "a cat", False),
    ("words:prime_lengths", {}, "it's on", True),  # "its" is 3
    # words:no_consecutive
    ("words:no_consecutive", {}, "The cat ran", True),
    ("words:no_consecutive", {}, "The tall cat", False),
    ("words:no_consecutive", {}, "The, Tall cat", False),
    # words:odd_even_syllables
    ("words:odd_even_syllables", {}, "cat apple dog", True),
    ("words:odd_even_syllables", {}, "cat dog apple", False),
    # words:repeats
    ("words:repeats", {"small_n": 2}, "go Go stop", True),
    ("words:repeats", {"small_n": 2}, "go Go go!", False),
    ("words:repeats", {"small_n": 3}, "go Go go!", True),
    # words:start_verb
    ("words:start_verb", {}, "Write a poem about the sea.", True),
    ("words:start_verb", {}, "The poem is about the sea.", False),
    # words:last_first
    ("words:last_first", {}, "I like tea. Tea is good. Good times!", True),
    ("words:last_first", {}, "I like tea. Tea is good. Good!", False),  # "Good!" keeps its "!"
    ("words:last_first", {}, "I like tea. Coffee is good.", False),
    ("words:last_first", {}, "Just one sentence.", True),
    # words:paragraph_last_first
    ("words:paragraph_last_first", {}, "Hello world and hello.\n\nBye then, bye", True),
    ("words:paragraph_last_first", {}, "Hello world and hello.\nBye then", False),
    ("words:paragraph_last_first", {}, "Hello, and hello", False),
    # words:keywords_specific_position: n-th sentence, m-th word (1-based)
    ("words:keywords_specific_position", {"keyword": "river", "n": 2, "m": 3}, "Hi. I see River now.", True),
    ("words:keywords_specific_position", {"keyword": "river", "n": 2, "m": 2}, "Hi. I see River now.", False),
    ("words:keywords_specific_position", {"keyword": "river", "n": 3, "m": 3}, "Hi. I see River now.", False),
    ("words:keywords_specific_position", {"keyword": "river", "n": 2, "m": 3}, "Hi. I , see river.", True),
    # words:words_position
    ("words:words_position", {"keyword": "tea"}, "I tea love tea too.", True),
    ("words:words_position", {"keyword": "tea"}, "I tea love tea too", True),
    ("words:words_position", {"keyword": "tea"}, "I tea love tea", False),
    ("words:words_position", {"keyword": "tea"}, "tea", False),
]


@pytest.mark.parametrize(("constraint_id", "kwargs", "response", "expected"), CASES)
def test_verdict(constraint_id: str, kwargs: dict[str, Any], response: str, expected: bool) -> None:
    result = build(constraint_id, kwargs).check(response)
    assert result.passed is expected, result.detail
    assert result.detail == "ok" if expected else result.detail != "ok"


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "response", "fragment"),
    [
        ("count:word_count_range", {"min_words": 3, "max_words": 5}, "one two", "1 too few"),
        ("count:word_count_range", {"min_words": 3, "max_words": 5}, "a b c d e f g", "2 too many"),
        ("count:numbers", {"N": 3}, "1 and 2", "includes 2 numbers, needs exactly 3"),
        ("count:keywords_multiple", KW5, KEYWORDS_OK + " sea", "'sea' 8 times (needs 7)"),
        ("ratio:stop_words", {"percentage": 40}, "the cat", "1 of 2 words are stop words (50.0%)"),
        ("words:alphabet", {}, "apple cat", "word 2 'cat' should start with 'b'"),
        ("words:repeats", {"small_n": 1}, "go go", "'go' 2 times"),
    ],
)
def test_details_say_what_is_wrong_and_by_how_much(
    constraint_id: str, kwargs: dict[str, Any], response: str, fragment: str
) -> None:
    result = build(constraint_id, kwargs).check(response)
    assert not result.passed
    assert fragment in result.detail


def test_loose_mode_drops_a_preamble_line() -> None:
    response = "Okay.\nI run. Why? Wow!"
    assert not verify(response, [{"id": "ratio:sentence_balance"}], mode="strict")[0].passed
    assert verify(response, [{"id": "ratio:sentence_balance"}], mode="loose")[0].passed


def test_vowel_repair_joins_lines_and_keeps_every_word() -> None:
    constraint = build("words:vowel", {})
    fixed = constraint.repair("a big cat\n\nsat  on\n")
    assert fixed == "a big cat sat  on"
    assert constraint.check(fixed).passed
    assert constraint.repair("a big cat\nsat on us") is None  # four vowels: no mechanical fix
