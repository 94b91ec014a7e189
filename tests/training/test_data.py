"""Export files -> TRL rows: metadata dropped, bad rows named, general data mixed as self-pairs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graph.errors import InputFormatError
from training.data import load_preferences, load_prompts, load_sft, mix, sft_as_self_pairs


def test_trl_export_keeps_only_prompt_chosen_rejected(pairs_file: Path) -> None:
    rows = load_preferences(pairs_file)
    assert len(rows) == 8
    assert all(set(row) == {"prompt", "chosen", "rejected"} for row in rows)
    assert rows[0]["prompt"][0]["role"] == "user"
    assert rows[0]["chosen"][0]["role"] == "assistant"


def test_paper_string_rows_become_conversational(tmp_path: Path) -> None:
    path = tmp_path / "dpo.json"
    path.write_text(json.dumps([{"prompt": "Say hi.", "chosen": "hi", "rejected": "Hello there"}]))
    (row,) = load_preferences(path)
    assert row == {
        "prompt": [{"role": "user", "content": "Say hi."}],
        "chosen": [{"role": "assistant", "content": "hi"}],
        "rejected": [{"role": "assistant", "content": "Hello there"}],
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"prompt": "p", "chosen": "c"}', "missing field(s) rejected"),
        ('{"prompt": "p", "chosen": "same", "rejected": "same"}', "identical"),
        ('{"prompt": [{"role": "user"}], "chosen": "a", "rejected": "b"}', "prompt[0]"),
        ("not json", "invalid JSON"),
    ],
)
def test_bad_rows_name_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"prompt": "p", "chosen": "a", "rejected": "b"}\n' + line + "\n")
    with pytest.raises(InputFormatError, match=rf"pairs.jsonl:2: .*{re.escape(message)}"):
        load_preferences(path)


def test_sharegpt_rows_and_self_pairs(general_file: Path) -> None:
    rows = load_sft(general_file)
    assert rows[0]["messages"] == [
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "2 + 2 is 4."},
    ]
    pairs = sft_as_self_pairs(rows)
    assert pairs[0]["prompt"] == rows[0]["messages"][:1]
    assert pairs[0]["chosen"] == pairs[0]["rejected"] == rows[0]["messages"][1:]


def test_mix_adds_ratio_of_rows_and_is_seeded() -> None:
    primary = [{"id": i} for i in range(10)]
    extra = [{"x": i} for i in range(3)]
    mixed = mix(primary, extra, 0.5, seed=1)
    assert len(mixed) == 15
    assert sum("x" in r for r in mixed) == 5  # 3 extra rows cycled to reach 5
    assert mixed == mix(primary, extra, 0.5, seed=1)
    assert len(mix(primary, extra, 0.0)) == 10


def test_prompts_from_ifbench_nulls_and_rlvr_export(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    rows = [
        {
            "key": 7,
            "prompt": "Write.",
            "instruction_id_list": ["punctuation:no_comma"],
            "kwargs": [{"n": None}],
        },
        {
            "prompt": [{"role": "user", "content": "List."}],
            "ground_truth": {
                "instruction_id_list": ["detectable_content:postscript"],
                "kwargs": [{"postscript_marker": "P.S."}],
            },
            "id": "abc",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    first, second = load_prompts(path)
    assert (first.key, first.kwargs) == ("7", [{}])
    assert (second.key, second.prompt, second.kwargs) == ("abc", "List.", [{"postscript_marker": "P.S."}])
    assert first.to_json("ok") == {
        "key": "7",
        "prompt": "Write.",
        "response": "ok",
        "instruction_id_list": ["punctuation:no_comma"],
        "kwargs": [{}],
    }
