"""The LLM extractor against a real local OpenAI-protocol server serving scripted replies."""

from __future__ import annotations

import json
import logging

import pytest

from graph.errors import ExtractionError
from graph.extract import aextract, extract
from graph.teacher import make_teacher
from tests.support.fixtures import fast_teacher_config

INSTRUCTION = "Write a limerick about a cat. Make it rhyme nicely and keep it under 40 words."
VALID = json.dumps(
    {
        "constraints": [
            {
                "id": "length_constraints:number_words",
                "kwargs": {"num_words": 40, "relation": "less than"},
                "evidence": "under 40 words",
            }
        ]
    }
)
INVALID_KWARGS = json.dumps(
    {
        "constraints": [
            {"id": "length_constraints:number_words", "kwargs": {"num_words": "forty", "relation": "about"}}
        ]
    }
)
UNKNOWN_ID = json.dumps({"constraints": [{"id": "style:rhyme", "kwargs": {}}]})


async def test_valid_reply_is_validated_and_located(teacher_server, teacher_client) -> None:
    url = teacher_server(mode="scripted", replies=[VALID])
    teacher = make_teacher(fast_teacher_config(url, teacher_client))
    found = await aextract(INSTRUCTION, extractor="llm", teacher=teacher)
    assert [(c.id, c.kwargs, c.source) for c in found] == [
        ("length_constraints:number_words", {"num_words": 40, "relation": "less than"}, "llm")
    ]
    assert INSTRUCTION[found[0].span[0] : found[0].span[1]] == "under 40 words"
    request = url.server.requests[0]
    assert request["response_format"]["type"] == "json_schema"
    assert "<instruction>" in request["messages"][-1]["content"]


async def test_invalid_reply_is_retried_with_the_errors(teacher_server) -> None:
    url = teacher_server(mode="scripted", replies=[INVALID_KWARGS, "```json\n" + VALID + "\n```"])
    found = await aextract(INSTRUCTION, extractor="llm", teacher=make_teacher(fast_teacher_config(url)))
    assert [c.kwargs for c in found] == [{"num_words": 40, "relation": "less than"}]
    served = [r for r in url.server.requests if r.get("_served")]
    assert len(served) == 2
    assert "Invalid:" in served[1]["messages"][-1]["content"]


async def test_garbage_is_dropped_with_a_warning(teacher_server, caplog: pytest.LogCaptureFixture) -> None:
    url = teacher_server(mode="garbage")
    with caplog.at_level(logging.WARNING, logger="graph.extract.llm"):
        found = await aextract(INSTRUCTION, extractor="llm", teacher=make_teacher(fast_teacher_config(url)))
    assert found == []
    assert "dropped invalid output after 3 attempts" in caplog.text
    assert len([r for r in url.server.requests if r.get("_served")]) == 3


async def test_unknown_id_never_trusted(teacher_server) -> None:
    url = teacher_server(mode="scripted", replies=[UNKNOWN_ID, UNKNOWN_ID, UNKNOWN_ID])
    found = await aextract(INSTRUCTION, extractor="llm", teacher=make_teacher(fast_teacher_config(url)))
    assert found == []


async def test_hybrid_keeps_rules_and_adds_what_they_missed(teacher_server) -> None:
    extra = json.dumps(
        {
            "constraints": [
                {
                    "id": "length_constraints:number_words",
                    "kwargs": {"num_words": 99, "relation": "at least"},
                },
                {"id": "detectable_format:title", "kwargs": {}, "evidence": "a catchy heading"},
            ]
        }
    )
    url = teacher_server(mode="scripted", replies=[extra])
    text = "Give the limerick a catchy heading and keep it under 40 words."
    found = await aextract(text, extractor="hybrid", teacher=make_teacher(fast_teacher_config(url)))
    by_id = {c.id: c for c in found}
    assert by_id["length_constraints:number_words"].kwargs == {"num_words": 40, "relation": "less than"}
    assert by_id["length_constraints:number_words"].source == "rule"
    assert by_id["detectable_format:title"].source == "llm"
    assert "length_constraints:number_words" in url.server.requests[0]["messages"][-1]["content"]


def test_sync_extract_runs_the_llm_path(teacher_server) -> None:
    url = teacher_server(mode="scripted", replies=[VALID])
    found = extract(INSTRUCTION, extractor="llm", teacher=make_teacher(fast_teacher_config(url)))
    assert [c.id for c in found] == ["length_constraints:number_words"]


def test_llm_without_teacher_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="needs a teacher"):
        extract(INSTRUCTION, extractor="llm")


async def test_llm_covers_ifbench_ids_through_their_schemas(teacher_server) -> None:
    """The menu the teacher sees lists all 83 ids with schemas; an IFBench spec is validated too."""
    from graph.constraints import catalogue
    from graph.constraints.ifbench.ids import OFFICIAL_IDS

    reply = json.dumps(
        {
            "constraints": [
                {"id": "count:pronouns", "kwargs": {"N": 12}, "evidence": "a dozen pronouns"},
                {"id": "ratio:stop_words", "kwargs": {"percentage": "lots"}},
            ]
        }
    )
    fixed = json.dumps(
        {"constraints": [{"id": "count:pronouns", "kwargs": {"N": 12}, "evidence": "a dozen pronouns"}]}
    )
    url = teacher_server(mode="scripted", replies=[reply, fixed])
    text = "Tell a fable and sprinkle in a dozen pronouns or so."
    found = await aextract(text, extractor="llm", teacher=make_teacher(fast_teacher_config(url)))
    assert [(c.id, c.kwargs, c.source) for c in found] == [("count:pronouns", {"N": 12}, "llm")]
    assert text[found[0].span[0] : found[0].span[1]] == "a dozen pronouns"
    menu = url.server.requests[0]["messages"][0]["content"]
    assert all(f"- {cid}:" in menu for cid in (*OFFICIAL_IDS, *catalogue()))
    assert '"N"' in menu and '"percentage"' in menu


async def test_hybrid_asks_only_for_what_the_ifbench_rules_missed(teacher_server) -> None:
    extra = json.dumps(
        {
            "constraints": [
                {"id": "format:title_case", "kwargs": {}},
                {"id": "words:odd_even_syllables", "kwargs": {}, "evidence": "syllable counts that seesaw"},
            ]
        }
    )
    url = teacher_server(mode="scripted", replies=[extra])
    text = "Write in title case. Keep syllable counts that seesaw from word to word."
    found = await aextract(text, extractor="hybrid", teacher=make_teacher(fast_teacher_config(url)))
    assert {(c.id, c.source) for c in found} == {
        ("format:title_case", "rule"),
        ("words:odd_even_syllables", "llm"),
    }
    asked = url.server.requests[0]["messages"][-1]["content"]
    assert "format:title_case" in asked.split("Already found")[1]
