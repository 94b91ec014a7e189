"""Row shapes for RL frameworks that read files: open-instruct (JSONL) and verl (Parquet).

open-instruct: ``messages``, ``ground_truth`` (``str([{"instruction_id": [...], "kwargs": [...]}])``,
the Python literal its ``IFEvalVerifier`` reads with ``ast.literal_eval``) and ``dataset: "ifeval"``
(its verifier key). It knows only the ids below (IFEval's 25 and IF-RLVR's training ones): a row
using any other would crash its verifier, so such rows are flagged and left out by the writers.
verl: ``data_source``, ``prompt`` (messages), ``ability``, ``reward_model = {style: "rule",
ground_truth: <JSON string>}`` and ``extra_info``; scored by :mod:`graph.reward.verl`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

Spec = Mapping[str, Any]

# open_instruct/IFEvalG/instructions_registry.py, INSTRUCTION_DICT keys (checked 2026-12).
OPEN_INSTRUCT_IDS = frozenset(
    [
        "keywords:existence", "keywords:frequency", "keywords:forbidden_words", "keywords:letter_frequency",
        "language:response_language", "length_constraints:number_sentences",
        "length_constraints:number_paragraphs", "length_constraints:number_words",
        "length_constraints:nth_paragraph_first_word", "detectable_content:number_placeholders",
        "detectable_content:postscript", "detectable_format:number_bullet_lists",
        "detectable_format:constrained_response", "detectable_format:number_highlighted_sections",
        "detectable_format:multiple_sections", "detectable_format:json_format", "detectable_format:title",
        "combination:two_responses", "combination:repeat_prompt", "startend:end_checker",
        "change_case:capital_word_frequency", "change_case:english_capital", "change_case:english_lowercase",
        "punctuation:no_comma", "startend:quotation",
        "copy:repeat_phrase", "copy:copy", "new:copy_span_idx", "detectable_format:sentence_hyphens",
        "keywords:no_adjacent_consecutive", "detectable_format:square_brackets", "keywords:word_once",
        "keywords:word_count_different_numbers", "keywords:exclude_word_harder", "paragraphs:paragraphs",
        "paragraphs:paragraphs2", "first_word:first_word_sent", "first_word:first_word_answer",
        "last_word:last_word_sent", "last_word:last_word_answer", "detectable_format:bigram_wrapping",
        "copy:copying_simple", "copy:copying_multiple", "punctuation:punctuation_dot",
        "punctuation:punctuation_exclamation", "count:lowercase_counting", "letters:letter_counting",
        "letters:letter_counting2", "count:counting_composition", "count:count_unique",
        "count:count_increment_word", "keywords:palindrome", "keywords:keyword_specific_position",
        "keywords:start_end",
    ]
)  # fmt: skip

VERL_DATA_SOURCE = "followfix/ifeval"
VERL_ABILITY = "instruction_following"


def _ids_kwargs(specs: Sequence[Spec]) -> tuple[list[str], list[dict[str, Any]]]:
    return [str(s["id"]) for s in specs], [dict(s.get("kwargs") or {}) for s in specs]


def unsupported_by_open_instruct(specs: Sequence[Spec]) -> list[str]:
    """The ids of ``specs`` open-instruct's verifier does not know (each once, in order)."""
    return list(dict.fromkeys(str(s["id"]) for s in specs if s["id"] not in OPEN_INSTRUCT_IDS))


def open_instruct_row(instruction: str, specs: Sequence[Spec]) -> dict[str, Any]:
    ids, kwargs = _ids_kwargs(specs)
    return {
        "messages": [{"role": "user", "content": instruction}],
        "ground_truth": str([{"instruction_id": ids, "kwargs": kwargs}]),
        "dataset": "ifeval",
    }


def verl_row(
    instruction: str,
    specs: Sequence[Spec],
    *,
    index: int,
    key: str,
    split: str = "train",
    data_source: str = VERL_DATA_SOURCE,
) -> dict[str, Any]:
    ids, kwargs = _ids_kwargs(specs)
    truth = json.dumps({"instruction_id_list": ids, "kwargs": kwargs}, ensure_ascii=False)
    return {
        "data_source": data_source,
        "prompt": [{"role": "user", "content": instruction}],
        "ability": VERL_ABILITY,
        "reward_model": {"style": "rule", "ground_truth": truth},
        "extra_info": {"index": index, "split": split, "key": key},
    }
