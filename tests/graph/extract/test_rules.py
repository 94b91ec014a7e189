"""The rule extractor on phrasings written for these tests (none copied from the benchmarks)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.extract import extract

W = "length_constraints:number_words"
S = "length_constraints:number_sentences"

POSITIVE: list[tuple[str, str, dict[str, Any]]] = [
    # words: many comparisons, digits and words
    ("Draft a cover note of at least 300 words.", W, {"num_words": 300, "relation": "at least"}),
    ("Give me a 300+ word essay on tides.", W, {"num_words": 300, "relation": "at least"}),
    ("The story should be no shorter than 300 words.", W, {"num_words": 300, "relation": "at least"}),
    ("Describe Lisbon, but keep it under 50 words.", W, {"num_words": 50, "relation": "less than"}),
    ("Summarise the plot in at most 120 words.", W, {"num_words": 121, "relation": "less than"}),
    (
        "Explain photosynthesis using more than two hundred words.",
        W,
        {"num_words": 201, "relation": "at least"},
    ),
    ("Reply with fewer than forty-five words.", W, {"num_words": 45, "relation": "less than"}),
    ("Your note must be 80 words or less.", W, {"num_words": 81, "relation": "less than"}),
    ("A 150-word bio for the speaker, please.", W, {"num_words": 150, "relation": "at least"}),
    ("I don't want anything longer than 25 words.", W, {"num_words": 26, "relation": "less than"}),
    ("The word count of your reply should be 500 or more.", W, {"num_words": 500, "relation": "at least"}),
    # sentences
    ("Answer in fewer than 4 sentences.", S, {"num_sentences": 4, "relation": "less than"}),
    ("Tell the fable with at least twelve sentences.", S, {"num_sentences": 12, "relation": "at least"}),
    ("Please keep it to no more than 3 sentences.", S, {"num_sentences": 4, "relation": "less than"}),
    # paragraphs split by ***
    (
        "Write three paragraphs about owls, separated by the markdown divider ***.",
        "length_constraints:number_paragraphs",
        {"num_paragraphs": 3},
    ),
    (
        "Split your answer into 5 parts; put *** between the parts.",
        "length_constraints:number_paragraphs",
        {"num_paragraphs": 5},
    ),
    (
        "Write 3 paragraphs separated by blank lines. The second paragraph must begin with the word Moreover.",
        "length_constraints:nth_paragraph_first_word",
        {"num_paragraphs": 3, "nth_paragraph": 2, "first_word": "Moreover"},
    ),
    (
        'Use four paragraphs. Start the last paragraph with the word "finally".',
        "length_constraints:nth_paragraph_first_word",
        {"num_paragraphs": 4, "nth_paragraph": 4, "first_word": "finally"},
    ),
    # sections
    (
        "Organise the guide into 6 sections and label each one Chapter X.",
        "detectable_format:multiple_sections",
        {"section_spliter": "Chapter", "num_sections": 6},
    ),
    (
        "Your plan needs two sections (PART 1 and PART 2).",
        "detectable_format:multiple_sections",
        {"section_spliter": "PART", "num_sections": 2},
    ),
    # formats
    (
        "List the risks in exactly four bullet points.",
        "detectable_format:number_bullet_lists",
        {"num_bullets": 4},
    ),
    (
        "Italicize at least two phrases, e.g. *like this*.",
        "detectable_format:number_highlighted_sections",
        {"num_highlights": 2},
    ),
    (
        "Highlight 3 key passages with markdown, for example *key idea*.",
        "detectable_format:number_highlighted_sections",
        {"num_highlights": 3},
    ),
    ("Wrap the entire output in JSON.", "detectable_format:json_format", {}),
    ("Return your whole answer as valid JSON, nothing else.", "detectable_format:json_format", {}),
    ("Give it a title inside double angular brackets, like <<Morning Tide>>.", "detectable_format:title", {}),
    (
        'Reply only with "My answer is yes.", "My answer is no." or "My answer is maybe."',
        "detectable_format:constrained_response",
        {},
    ),
    ("Offer two alternative answers, split by six asterisks ******.", "combination:two_responses", {}),
    ("Put the whole reply in double quotation marks.", "startend:quotation", {}),
    (
        "Leave at least 4 placeholders in square brackets such as [date].",
        "detectable_content:number_placeholders",
        {"num_placeholders": 4},
    ),
    ("Sign off with a P.S. note.", "detectable_content:postscript", {"postscript_marker": "P.S."}),
    (
        "Finish with a postscript that starts with P.P.S",
        "detectable_content:postscript",
        {"postscript_marker": "P.P.S"},
    ),
    # end phrase
    (
        'End with the exact phrase "See you at dawn."',
        "startend:end_checker",
        {"end_phrase": "See you at dawn."},
    ),
    (
        "Close your letter with this exact sentence: Stay curious, friends!",
        "startend:end_checker",
        {"end_phrase": "Stay curious, friends!"},
    ),
    (
        'The final line of your poem should read "and the sea was still".',
        "startend:end_checker",
        {"end_phrase": "and the sea was still"},
    ),
    # case, commas
    ("Answer entirely in lowercase letters.", "change_case:english_lowercase", {}),
    ("Write the slogan in all capital letters.", "change_case:english_capital", {}),
    (
        "Use words in all caps at least 4 times.",
        "change_case:capital_word_frequency",
        {"capital_frequency": 4, "capital_relation": "at least"},
    ),
    (
        "Words with all capital letters should appear fewer than 3 times.",
        "change_case:capital_word_frequency",
        {"capital_frequency": 3, "capital_relation": "less than"},
    ),
    ("Please do not use any commas.", "punctuation:no_comma", {}),
    ("Refrain from using commas in your reply.", "punctuation:no_comma", {}),
    ("Your reply must be comma-free.", "punctuation:no_comma", {}),
    # languages by name
    ("Please reply in German only.", "language:response_language", {"language": "de"}),
    (
        "Your entire response should be in Japanese, no other language is allowed.",
        "language:response_language",
        {"language": "ja"},
    ),
    ("Respond solely in Portuguese.", "language:response_language", {"language": "pt"}),
    ("Answer in Farsi.", "language:response_language", {"language": "fa"}),
    # keywords
    (
        'Include the keywords "harbor" and "lantern".',
        "keywords:existence",
        {"keywords": ["harbor", "lantern"]},
    ),
    (
        "Make sure to mention the words copper, tin and zinc.",
        "keywords:existence",
        {"keywords": ["copper", "tin", "zinc"]},
    ),
    (
        "Please include the keywords ['orbit', 'comet'] in the reply.",
        "keywords:existence",
        {"keywords": ["orbit", "comet"]},
    ),
    (
        'Do not use the words "cheap" or "deal".',
        "keywords:forbidden_words",
        {"forbidden_words": ["cheap", "deal"]},
    ),
    (
        "The word storm must not appear in your answer.",
        "keywords:forbidden_words",
        {"forbidden_words": ["storm"]},
    ),
    ("Avoid the keywords: spam, eggs.", "keywords:forbidden_words", {"forbidden_words": ["spam", "eggs"]}),
    (
        'Use the word "river" at least three times.',
        "keywords:frequency",
        {"keyword": "river", "frequency": 3, "relation": "at least"},
    ),
    (
        "The word magic should appear fewer than 2 times.",
        "keywords:frequency",
        {"keyword": "magic", "frequency": 2, "relation": "less than"},
    ),
    (
        "Mention the word tea at most twice.",
        "keywords:frequency",
        {"keyword": "tea", "frequency": 3, "relation": "less than"},
    ),
    # letters
    (
        "Make sure the letter z appears at least 5 times.",
        "keywords:letter_frequency",
        {"letter": "z", "let_frequency": 5, "let_relation": "at least"},
    ),
    (
        "Use the letter 'k' fewer than 3 times.",
        "keywords:letter_frequency",
        {"letter": "k", "let_frequency": 3, "let_relation": "less than"},
    ),
    (
        "Never use the letter e.",
        "keywords:letter_frequency",
        {"letter": "e", "let_frequency": 1, "let_relation": "less than"},
    ),
]


@pytest.mark.parametrize(("instruction", "cid", "kwargs"), POSITIVE)
def test_rule_finds_constraint(instruction: str, cid: str, kwargs: dict[str, Any]) -> None:
    found = extract(instruction)
    assert (cid, kwargs) in [(c.id, c.kwargs) for c in found], found
    item = next(c for c in found if c.id == cid)
    assert item.source == "rule"
    start, end = item.span
    assert 0 <= start < end <= len(instruction)


def test_both_bounds_of_a_range() -> None:
    found = {
        (c.id, c.kwargs["relation"], c.kwargs["num_words"]) for c in extract("Answer in 200 to 250 words.")
    }
    assert found == {(W, "at least", 200), (W, "less than", 251)}


def test_repeat_request_above() -> None:
    request = "Write a haiku about frost. Use no commas."
    text = request + "\nBefore anything else, repeat the request above word for word, then answer it."
    found = {c.id: c.kwargs for c in extract(text)}
    assert found["combination:repeat_prompt"] == {"prompt_to_repeat": request}
    assert "punctuation:no_comma" in found


def test_repeat_request_below() -> None:
    request = "Describe a lighthouse keeper's morning in under 60 words. "
    text = "Repeat the request below exactly as written before you reply.\n\n" + request
    found = {c.id: c.kwargs for c in extract(text)}
    assert found["combination:repeat_prompt"] == {"prompt_to_repeat": request}


NEGATIVE: list[tuple[str, str]] = [
    ("Write a blog post about JSON and why developers like it.", "detectable_format:json_format"),
    ("Explain the difference between JSON and XML for beginners.", "detectable_format:json_format"),
    ("Don't worry about commas, just write freely.", "punctuation:no_comma"),
    ("Use commas to separate the items in the list.", "punctuation:no_comma"),
    ("Write a story about a fisherman.", "length_constraints:number_words"),
    ("My son is 7 years old; suggest 3 games.", "length_constraints:number_sentences"),
    ("Translate this German proverb for me.", "language:response_language"),
    ("Don't forget to include the keywords tide in the reply.", "keywords:forbidden_words"),
    ("End your reply with a postscript starting with P.S.", "startend:end_checker"),
    ("Write no lowercase letters at all; capitals only.", "change_case:english_lowercase"),
    ("Do not repeat yourself.", "combination:repeat_prompt"),
    ("Describe the letter that arrived yesterday.", "keywords:letter_frequency"),
]


@pytest.mark.parametrize(("instruction", "cid"), NEGATIVE)
def test_rule_ignores_non_constraint(instruction: str, cid: str) -> None:
    assert cid not in [c.id for c in extract(instruction)]


def test_every_extracted_kwarg_validates_and_spans_point_at_evidence() -> None:
    text = "Answer in French, no other language is allowed. Include at least 2 placeholders like [name]."
    found = extract(text)
    assert {c.id for c in found} == {"language:response_language", "detectable_content:number_placeholders"}
    language = next(c for c in found if c.id == "language:response_language")
    assert "French" in text[language.span[0] : language.span[1]]


# Phrasing families added later (written for these tests): each with the exact constraints expected.
FK = "keywords:forbidden_words"
CAPS = "change_case:capital_word_frequency"
HL = "detectable_format:number_highlighted_sections"
BL = "detectable_format:number_bullet_lists"

FAMILIES: list[tuple[str, str, dict[str, Any]]] = [
    ("The terms lemon and lime cannot appear in your poem.", FK, {"forbidden_words": ["lemon", "lime"]}),
    ("Describe autumn, but the word orange doesn't appear at all.", FK, {"forbidden_words": ["orange"]}),
    ('Exclude the words "rain", "fog" and "mist".', FK, {"forbidden_words": ["rain", "fog", "mist"]}),
    (
        "Explain chess openings without saying the word gambit or pawn.",
        FK,
        {"forbidden_words": ["gambit", "pawn"]},
    ),
    (
        "Use the word salt at least 4 times, and the word pepper at least 2 times.",
        "keywords:frequency",
        {"keyword": "pepper", "frequency": 2, "relation": "at least"},
    ),
    (
        'Our bakery is called "Crumb". Write a jingle that says the name of the bakery at least three times.',
        "keywords:frequency",
        {"keyword": "Crumb", "frequency": 3, "relation": "at least"},
    ),
    (
        'The essay must include the keywords "ember" and "ash" and should not use any commas.',
        "keywords:existence",
        {"keywords": ["ember", "ash"]},
    ),
    ("Highlight at least 4 key terms with *asterisks*.", HL, {"num_highlights": 4}),
    ("Use markdown to highlight at least 2 parts of the plan.", HL, {"num_highlights": 2}),
    ("Include three italic text spans, e.g. *this one*.", HL, {"num_highlights": 3}),
    ("Give the recipe a title and highlight it by wrapping it with *.", HL, {"num_highlights": 1}),
    (
        "The report needs 4 or more sections. Highlight each section title like this: *Title*",
        HL,
        {"num_highlights": 4},
    ),
    (
        "Suggest exactly 5 slogans for the shop. Format the slogans as markdown bullet points.",
        BL,
        {"num_bullets": 5},
    ),
    ("Write the note using only the Swahili language.", "language:response_language", {"language": "sw"}),
    (
        "Write a tweet where not a single letter is capitalized.",
        "change_case:english_lowercase",
        {},
    ),
    ("Write a limerick that doesn't use commas.", "punctuation:no_comma", {}),
    ("Write a memo without the use of commas.", "punctuation:no_comma", {}),
    (
        "Skip all commas and make sure the letter x appears at least twice.",
        "keywords:letter_frequency",
        {"letter": "x", "let_frequency": 2, "let_relation": "at least"},
    ),
]


@pytest.mark.parametrize(("instruction", "cid", "kwargs"), FAMILIES)
def test_phrasing_families(instruction: str, cid: str, kwargs: dict[str, Any]) -> None:
    found = extract(instruction)
    assert (cid, kwargs) in [(c.id, c.kwargs) for c in found], found


def _caps(text: str) -> set[tuple[str, int]]:
    return {
        (c.kwargs["capital_relation"], c.kwargs["capital_frequency"]) for c in extract(text) if c.id == CAPS
    }


def test_capital_words_as_range_and_two_sided() -> None:
    assert _caps("Add some capitalized words: there should be 3 to 6 such capitalized words.") == {
        ("at least", 3),
        ("less than", 7),
    }
    assert _caps(
        "Include a few words in all caps. Still, the number of words in all caps must be under 4."
    ) == {
        ("at least", 1),
        ("less than", 4),
    }
    found = {c.id for c in extract("At least 6 words in your story should be in all caps.")}
    assert CAPS in found
    assert "length_constraints:number_words" not in found
    assert "change_case:english_capital" not in found


def test_repeat_prompt_variants() -> None:
    request = "Name three rivers in Peru."
    text = f'{request}\nFirst, repeat "{request}" word for word, then answer.'
    assert {c.id: c.kwargs for c in extract(text)}["combination:repeat_prompt"] == {
        "prompt_to_repeat": request
    }
    below = (
        "Repeat the following request exactly, then answer it.\nDo not add anything before repeating it.\n\n"
    )
    body = "Describe a quiet harbour at dusk."
    found = {c.id: c.kwargs for c in extract(below + body)}
    assert found["combination:repeat_prompt"] == {"prompt_to_repeat": body}
    commas = (
        "List four kinds of tea and do not use any commas.\nRepeat the request above word for word first."
    )
    found = {c.id: c.kwargs for c in extract(commas)}
    assert found["combination:repeat_prompt"] == {"prompt_to_repeat": commas.split("\n", maxsplit=1)[0]}


FAMILY_NEGATIVES: list[tuple[str, str]] = [
    ('Include the keywords "plum" and "fig" and do not use any commas.', FK),
    ("Write about two friends who avoid the letter r. The letter r must appear at least 9 times.", "x"),
    ("Not a single word in your reply should contain lowercase letters.", "change_case:english_lowercase"),
    ("Use words in all capital letters at least 3 times to highlight the key points.", HL),
    ("A talk by George P. Smith on enzymes.", "detectable_content:postscript"),
    ("The word count matters less than the tone; write about storms.", FK),
]


@pytest.mark.parametrize(("instruction", "cid"), FAMILY_NEGATIVES)
def test_family_negatives(instruction: str, cid: str) -> None:
    assert cid not in [c.id for c in extract(instruction)]


def test_counted_letter_beats_story_mention() -> None:
    text = "Write about two friends who avoid the letter r. The letter r must appear at least 9 times."
    found = [c.kwargs for c in extract(text) if c.id == "keywords:letter_frequency"]
    assert found == [{"letter": "r", "let_frequency": 9, "let_relation": "at least"}]


def test_quoted_keyword_list_ends_at_last_quote() -> None:
    found = [
        c.kwargs
        for c in extract('Include the keywords "Rust" and "Go" and wrap it in quotes.')
        if c.id == "keywords:existence"
    ]
    assert found == [{"keywords": ["Rust", "Go"]}]
