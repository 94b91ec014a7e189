"""``followfix extract`` end to end on a small file of our own rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main

ROWS = Path(__file__).resolve().parents[2] / "fixtures" / "extract_rows.jsonl"


def test_extract_writes_specs_and_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--input", str(ROWS), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3
    first = rows[0]
    assert first["instruction_id_list"] == ["length_constraints:number_words", "punctuation:no_comma"]
    assert first["kwargs"] == [{"num_words": 150, "relation": "at least"}, {}]
    assert first["sources"] == ["rule", "rule"]
    assert all(len(span) == 2 for span in first["spans"])
    assert rows[1]["kwargs"][rows[1]["instruction_id_list"].index("language:response_language")] == {
        "language": "it"
    }
    assert rows[2]["instruction_id_list"] == []
    err = capsys.readouterr().err
    assert "precision" in err and "1.0000" in err


def test_llm_extractor_requires_a_teacher(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["extract", "--input", str(ROWS), "--extractor", "llm", "--output", str(tmp_path / "o.jsonl")])
        == 2
    )
    assert "--teacher" in capsys.readouterr().err


def test_llm_extractor_through_the_cli(tmp_path: Path, teacher_server) -> None:
    reply = json.dumps(
        {"constraints": [{"id": "punctuation:no_comma", "kwargs": {}, "evidence": "Do not use any commas"}]}
    )
    url = teacher_server(mode="scripted", replies=[reply, reply, reply])
    out = tmp_path / "o.jsonl"
    args = [
        "extract",
        "--input",
        str(ROWS),
        "--output",
        str(out),
        "--extractor",
        "llm",
        "--teacher",
        "test-teacher",
        "--base-url",
        url,
    ]
    assert main(args) == 0
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["instruction_id_list"] == ["punctuation:no_comma"] and first["sources"] == ["llm"]
