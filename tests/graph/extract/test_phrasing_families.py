"""Rules follow phrasing families (issue 17): prohibitions, facts, idiom counts, comparatives,
IFBench's ids, and the near misses that must stay empty."""

from __future__ import annotations

from typing import Any

import pytest

from graph.extract import extract

FOUND = [
    (
        "Don't ever mention lemon or basil.",
        "keywords:forbidden_words",
        {"forbidden_words": ["lemon", "basil"]},
    ),
    (
        "Both the words river and stone have to show up.",
        "keywords:existence",
        {"keywords": ["river", "stone"]},
    ),
    ("The word 'moist' is forbidden.", "keywords:forbidden_words", {"forbidden_words": ["moist"]}),
    ("Reply only in English capitals.", "change_case:english_capital", {}),
    ("Close with these exact words: See you soon.", "startend:end_checker", {"end_phrase": "See you soon."}),
    ("Your last sentence must be: That is all.", "startend:end_checker", {"end_phrase": "That is all."}),
    (
        "end the reply with 'Stay safe!' and nothing else",
        "startend:end_checker",
        {"end_phrase": "Stay safe!"},
    ),
    ("Make it five bullet points.", "detectable_format:number_bullet_lists", {"num_bullets": 5}),
    ("The reply has six markdown bullets.", "detectable_format:number_bullet_lists", {"num_bullets": 6}),
    (
        "Keep the whole thing under a hundred words",
        "length_constraints:number_words",
        {"num_words": 100, "relation": "less than"},
    ),
    ("Write 300 words tops.", "length_constraints:number_words", {"num_words": 301, "relation": "less than"}),
    ("At minimum 500 words.", "length_constraints:number_words", {"num_words": 500, "relation": "at least"}),
    (
        "The reply is at least one thousand words long.",
        "length_constraints:number_words",
        {"num_words": 1000, "relation": "at least"},
    ),
    (
        "Write a 150-word summary at most.",
        "length_constraints:number_words",
        {"num_words": 151, "relation": "less than"},
    ),
    (
        "Your reply should be at least a dozen sentences long.",
        "length_constraints:number_sentences",
        {"num_sentences": 12, "relation": "at least"},
    ),
    (
        "No more than half a dozen sentences.",
        "length_constraints:number_sentences",
        {"num_sentences": 7, "relation": "less than"},
    ),
    (
        "Keep it to a couple of sentences.",
        "length_constraints:number_sentences",
        {"num_sentences": 3, "relation": "less than"},
    ),
    ("Commas are off-limits.", "punctuation:no_comma", {}),
    ("Write between 50 and 60 words.", "count:word_count_range", {"min_words": 50, "max_words": 60}),
    ("Use more than 20 pronouns.", "count:pronouns", {"N": 21}),
    (
        "Use at least 4.0 different coordinating conjunctions in the response.",
        "count:conjunctions",
        {"small_n": 4},
    ),
    ("Keep stop words under 25% of all words.", "ratio:stop_words", {"percentage": 25.0}),
    ("Make every 4th word Japanese.", "count:words_japanese", {"N": 4}),
    ("Include the keyword ocean in the 3rd sentence.", "sentence:keyword", {"word": "ocean", "N": 3}),
    (
        "Include keyword prism in the 4th sentence, as the 6th word of that sentence.",
        "words:keywords_specific_position",
        {"keyword": "prism", "n": 4, "m": 6},
    ),
    ("Never repeat a word more than 2 times.", "words:repeats", {"small_n": 2}),
    (
        "Each sentence must contain exactly 3 more words than the previous one.",
        "sentence:increment",
        {"small_n": 3},
    ),
    (
        "Answer with one of the following options: yes/no/maybe. Be brief.",
        "format:options",
        {"options": "yes/no/maybe"},
    ),
    ("Answer with a list of items, instead of bullet points use ||.", "format:list", {"sep": "||"}),
    ("Open your response with a verb.", "words:start_verb", {}),
    ("Adjacent words must not share a first letter.", "words:no_consecutive", {}),
    ("Put every word on a new line.", "format:newline", {}),
    ("Finish every sentence with an emoji.", "format:emoji", {}),
    ("Do not include any whitespace in the output.", "format:no_whitespace", {}),
    ("Word limit: 100.", "length_constraints:number_words", {"num_words": 101, "relation": "less than"}),
    ("Language: German.", "language:response_language", {"language": "de"}),
    (
        "Banned words: 'utilize', 'leverage'.",
        "keywords:forbidden_words",
        {"forbidden_words": ["utilize", "leverage"]},
    ),
]


@pytest.mark.parametrize(("instruction", "cid", "kwargs"), FOUND)
def test_family_member_is_found(instruction: str, cid: str, kwargs: dict[str, Any]) -> None:
    found = [(c.id, c.kwargs) for c in extract("Write about the sea. " + instruction)]
    assert (cid, kwargs) in found, found


@pytest.mark.parametrize(
    "instruction",
    [
        "Write a story about a lemon farmer and his basil garden.",
        "Write an essay about why some languages have no capital letters.",
        "Tell me a joke about a comma and a full stop walking into a bar.",
        "Give me the names of all capital cities of European countries.",
        "Explain how word count affects SEO.",
        "make a tweet without using capital letters",
    ],
)
def test_topic_is_not_a_constraint(instruction: str) -> None:
    found = [c.id for c in extract(instruction)]
    assert not {
        "change_case:english_capital",
        "keywords:forbidden_words",
        "keywords:existence",
        "punctuation:no_comma",
    } & set(found), found


def test_do_not_use_commas_is_not_a_forbidden_word() -> None:
    found = [(c.id, c.kwargs) for c in extract("Write a song. Do not use commas in your response.")]
    assert found == [("punctuation:no_comma", {})]


def test_specific_id_replaces_the_general_one_in_its_sentence() -> None:
    found = {
        c.id
        for c in extract(
            "Include keyword kaleidoscope once in your response, keyword nebula twice in your response, keyword whisper three times in your response, keyword labyrinth five times in your response, and keyword paradox seven times in your response."
        )
    }
    assert found == {"count:keywords_multiple"}


def test_several_constraints_on_their_own_lines_keep_their_spans() -> None:
    text = "Plan a picnic.\n- Don't ever mention lemon or basil.\n- Make it five bullet points.\n- Reply in German only."
    found = extract(text)
    assert {c.id for c in found} == {
        "keywords:forbidden_words",
        "detectable_format:number_bullet_lists",
        "language:response_language",
    }
    for item in found:
        assert item.source == "rule" and 0 <= item.span[0] < item.span[1] <= len(text)
        assert text[item.span[0] : item.span[1]].strip()


@pytest.mark.parametrize(
    "text",
    [
        "Write a bio from this record.\nname: Mark\nnationality: Italian\nlanguage: English",
        "Topic: the word limit debate in journalism.",
        "Context: our language school teaches German to adults.",
    ],
)
def test_fields_that_are_data_or_topics_are_not_constraints(text: str) -> None:
    assert extract(text) == []
