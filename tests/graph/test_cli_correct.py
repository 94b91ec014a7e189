"""``followfix correct`` end to end: rules offline, and a teacher through the local server."""

import json
from pathlib import Path

from service.cli import main

ROWS = [
    {
        "prompt": "Answer without commas and include the word banana.",
        "response": "Apples, pears.",
        "instruction_id_list": ["punctuation:no_comma", "keywords:existence"],
        "kwargs": [{}, {"keywords": ["banana"]}],
    },
    {"prompt": "Say hi.", "response": "hi", "instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]},
]


def write_rows(path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    return path


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rules_without_a_teacher(tmp_path: Path) -> None:
    source, target = write_rows(tmp_path / "in.jsonl"), tmp_path / "out.jsonl"
    assert (
        main(
            ["correct", "--input", str(source), "--output", str(target), "--strategy", "rules", "--no-store"]
        )
        == 0
    )
    out = {r["prompt"]: r for r in read_rows(target)}  # bulk runner: completion order
    assert [out[r["prompt"]]["result"]["status"] for r in ROWS] == ["partial", "unchanged"]
    assert out[ROWS[0]["prompt"]]["result"]["final"] == "Apples pears."


def test_with_a_teacher(tmp_path: Path, teacher_server) -> None:
    url = teacher_server("competent")
    source, target = write_rows(tmp_path / "in.jsonl"), tmp_path / "out.jsonl"
    argv = [
        "correct",
        "--input",
        str(source),
        "--output",
        str(target),
        "--teacher",
        "test-teacher",
        "--base-url",
        url,
    ]
    assert main([*argv, "--max-rounds", "2", "--store", f"sqlite:///{tmp_path / 'store.db'}"]) == 0
    first = next(r for r in read_rows(target) if r["prompt"] == ROWS[0]["prompt"])["result"]
    assert first["status"] == "corrected" and "banana" in first["final"] and "," not in first["final"]
    assert first["usage"]["calls"] == 1 and first["teacher_model"] == "test-teacher"


def test_bad_row_is_an_error_naming_it(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"prompt": "x", "instruction_id_list": []}) + "\n")
    assert main(["correct", "--input", str(source), "--output", str(tmp_path / "o.jsonl"), "--no-store"]) == 2
    assert "row 1" in capsys.readouterr().err


async def test_constraints_are_extracted_when_not_given() -> None:
    from graph.run import correct

    result = await correct("Answer without using any commas.", "Yes, indeed, it is.")
    assert result.constraints and result.constraints[0].id == "punctuation:no_comma"
    assert result.status == "corrected" and "," not in result.final
