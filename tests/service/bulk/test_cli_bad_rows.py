"""``followfix correct`` as a user runs it, over a file with bad rows among good ones (issue 15,
item 6): each bad row is reported with its reason, the good rows are corrected and stored, and a
rerun goes past the bad rows again instead of stopping there."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.service.bulk.conftest import passing, rule_fixable

CLI = [sys.executable, "-m", "service.cli", "correct"]


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_bad_rows_are_reported_and_the_good_rows_processed(tmp_path: Path) -> None:
    rows = [
        json.dumps(rule_fixable(1)),
        # A lone surrogate (valid JSON, no UTF-8 form): the reader used to raise and end the run.
        '{"prompt": "No commas \\ud800 here", "response": "a, b", "instruction_id_list": '
        '["punctuation:no_comma"], "kwargs": [{}]}',
        '{"prompt": "broken json", ',
        json.dumps(
            {"prompt": "p", "response": "r", "instruction_id_list": ["punctuation:no_comma"], "kwargs": [5]}
        ),
        json.dumps({**passing(5), "instruction_id_list": ["no:such_constraint"]}),
        json.dumps(passing(6)),
        json.dumps(rule_fixable(7)),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    output, store = tmp_path / "out.jsonl", tmp_path / "store.db"
    command = [*CLI, "--input", str(source), "-o", str(output), "--strategy", "rules", "--no-progress"]
    command += ["--store", f"sqlite:///{store}"]
    first = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
    assert first.returncode == 2, first.stderr  # done, with errors to look at
    done = lines_of(output)
    assert sorted(str(row["prompt"]) for row in done) == sorted(
        str(r["prompt"]) for r in (rule_fixable(1), passing(6), rule_fixable(7))
    )
    errors = {int(str(e["row"])): e for e in lines_of(Path(f"{output}.errors.jsonl"))}
    assert sorted(errors) == [2, 3, 4, 5]
    assert "lone surrogate" in str(errors[2]["error"]) and "prompt" in str(errors[2]["error"])
    assert "invalid JSON" in str(errors[3]["error"])
    assert "kwargs" in str(errors[4]["error"])
    assert "no:such_constraint" in json.dumps(errors[5])
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM corrections").fetchone()[0] == 3
    again = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2, again.stderr
    assert len(lines_of(output)) == 3  # nothing redone, nothing lost
    assert sorted(int(str(e["row"])) for e in lines_of(Path(f"{output}.errors.jsonl"))) == [2, 3, 4, 5]
