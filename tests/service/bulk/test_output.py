"""The output file: whole lines only, a torn tail is cut, ids read back, one writer at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.bulk.output import OutputBusyError, ResultWriter, encode_line, line_id, read_done, repair_tail


def test_lines_carry_the_id_first_and_read_back() -> None:
    line = encode_line({"final": "x", "record_id": 'a"b', "status": "corrected"})
    assert line.startswith(b'{"record_id":') and line.endswith(b"\n")
    assert line_id(line) == 'a"b'
    assert line_id(encode_line({"record_id": "r1", "final": "é"})) == "r1"
    assert line_id(b"garbage\n") is None


def test_append_resume_and_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with ResultWriter(path) as writer:
        assert writer.open() == set()
        writer.append({"record_id": "a", "final": "1"})
        writer.append({"record_id": "b", "final": "2"})
    with open(path, "ab") as handle:  # a crash in the middle of a line
        handle.write(b'{"record_id":"c","fin')
    assert repair_tail(path) > 0
    assert path.read_bytes().endswith(b"\n")
    with ResultWriter(path) as writer:
        assert writer.open() == {"a", "b"}
        writer.append({"record_id": "c", "final": "3"})
    assert read_done(path) == {"a", "b", "c"}
    assert len(path.read_text().splitlines()) == 3


def test_a_file_that_is_one_torn_line_becomes_empty(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"record_id":"x"')
    repair_tail(path)
    assert path.read_bytes() == b""


def test_two_runs_cannot_share_an_output(tmp_path: Path) -> None:
    first = ResultWriter(tmp_path / "out.jsonl")
    first.open()
    try:
        with pytest.raises(OutputBusyError):
            ResultWriter(tmp_path / "out.jsonl").open()
    finally:
        first.close()
    second = ResultWriter(tmp_path / "out.jsonl")
    second.open()
    second.close()
