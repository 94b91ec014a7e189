"""The perceptron tagger behind words:start_verb: NLTK's inference on packaged weights, read safely,
with nothing downloaded or created."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from graph.constraints.ifbench import tagger
from graph.constraints.text import word_tokens
from tests.conftest import REPO_ROOT


def test_nltk_documented_pos_tag_example() -> None:
    # nltk.tag.pos_tag's docstring, with NLTK's word_tokenize
    tokens = word_tokens("John's big idea isn't all that bad.")
    assert tagger.pos_tag(tokens) == [
        ("John", "NNP"), ("'s", "POS"), ("big", "JJ"), ("idea", "NN"), ("is", "VBZ"),
        ("n't", "RB"), ("all", "PDT"), ("that", "DT"), ("bad", "JJ"), (".", "."),
    ]  # fmt: skip


def test_nltks_documented_perceptron_example() -> None:
    # NLTK's PerceptronTagger docstring, with its own weights: "jumps" is VBZ, "red" JJ. The
    # packaged weights (used where NLTK data is absent) say NNS and NN: a documented divergence.
    tags = dict(tagger.pos_tag(["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]))
    red = dict(tagger.pos_tag(["The", "red", "cat"]))["red"]
    if tagger.source() == "nltk":
        assert (tags["jumps"], red) == ("VBZ", "JJ")
    else:
        assert (tags["jumps"], red) == ("NNS", "NN")
    assert tags["fox"] == "NN" and tags["The"] == "DT"


@pytest.mark.parametrize(
    "text",
    [
        "Write a poem.",
        "Run",
        "Go home",
        "Imagine a world where 2024-level AI exists, and then explain it.",
        "**Bold** start",
        "Sure! Here is the list:\n- one\n- two",
        "1999 was a year.",
        "Well-known facts are boring.",
    ],
)
def test_first_tag_needs_only_the_first_three_tokens(text: str) -> None:
    tokens = word_tokens(text)
    assert tagger.first_tag(tokens) == tagger.pos_tag(tokens)[0][1]


def test_first_tag_of_nothing_is_none() -> None:
    assert tagger.first_tag(()) is None


def test_the_weights_reader_refuses_code() -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("owned",))

    with pytest.raises(pickle.UnpicklingError):
        tagger._DataOnly(io.BytesIO(pickle.dumps(Evil()))).load()


def test_importing_and_tagging_creates_nothing(tmp_path: Path) -> None:
    code = (
        "from graph.constraints import build;assert build('words:start_verb', {}).check('Write it.').passed"
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_nltks_own_weights_are_used_where_installed(tmp_path: Path) -> None:
    # An NLTK data folder as nltk.download would leave it (a one-word model, to see it is used).
    place = tmp_path / "taggers" / "averaged_perceptron_tagger_eng"
    place.mkdir(parents=True)
    files = {"weights": {}, "tagdict": {"Frobnicate": "VB"}, "classes": ["NN", "VB"]}
    for name, value in files.items():
        (place / f"averaged_perceptron_tagger_eng.{name}.json").write_text(json.dumps(value))
    code = (
        "from graph.constraints.ifbench import tagger;"
        "print(tagger.source(), tagger.first_tag(['Frobnicate', 'it']))"
    )
    env = {
        "NLTK_DATA": str(tmp_path),
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["nltk", "VB"]
    assert tagger.source() == ("nltk" if tagger.nltk_weights_installed() else "textblob-aptagger")
