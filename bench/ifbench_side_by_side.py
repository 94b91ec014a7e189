"""Verdicts of followfix and the official IFBench checker, side by side, beyond IFBench's sample.

Every distinct non-blank benchmark text and loose variant in ``../shared/benchmarks`` (IFEval's
GPT-4 and Llama responses, the paper's rows, IFBench's sample: about 14,600 texts) is checked
strictly by both, for each IFBench id with up to ``--kwargs`` kwargs sets from IFBench's rows.
Prints the count of differing verdicts per id and the first few texts. Setup as in
``verify_speed_ifbench.py``; ``--nltk`` puts another NLTK first on the path (the official code
pins NLTK 3.9.2: ``pip install --no-deps --target DIR nltk==3.9.2``). Findings are in
``docs/constraints.md``. Run:

    .venv/bin/python bench/ifbench_side_by_side.py --official DIR --site DIR [--nltk DIR] [ID ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def texts(bench_dir: Path) -> list[str]:
    from graph.constraints.verify import loose_variants

    found: dict[str, None] = {}
    names = (
        "ifeval/responses_gpt4.jsonl",
        "ifeval/responses_llama31_8b.jsonl",
        "fci/llama2_checked.jsonl",
        "ifbench/sample_output.jsonl",
    )
    for name in names:
        for line in (bench_dir / name).open(encoding="utf-8"):
            found.update(dict.fromkeys(loose_variants(json.loads(line)["response"])))
    return [t for t in found if t.strip()]


def kwargs_by_id(bench_dir: Path) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for line in (bench_dir / "ifbench" / "IFBench_test.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        for cid, kwargs in zip(row["instruction_id_list"], row["kwargs"], strict=True):
            given = {k: v for k, v in kwargs.items() if v is not None}
            if given not in found.setdefault(cid, []):
                found[cid].append(given)
    return found


def main() -> None:
    default = Path(os.environ.get("FOLLOWFIX_BENCHMARKS", ROOT.parent / "shared" / "benchmarks"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("ids", nargs="*", help="IFBench ids (default: all 58)")
    parser.add_argument("--benchmarks", type=Path, default=default)
    parser.add_argument("--official", type=Path, required=True, help="folder holding ifbench/")
    parser.add_argument("--site", type=Path, help="extra import folder (absl-py, immutabledict)")
    parser.add_argument("--nltk", type=Path, help="folder with another NLTK, put first on the path")
    parser.add_argument("--kwargs", type=int, default=2, help="kwargs sets per id")
    parser.add_argument("--show", type=int, default=3, help="differing texts shown per id")
    args = parser.parse_args()
    sys.path[:0] = [str(p) for p in (args.nltk, ROOT) if p is not None]

    import nltk

    from bench.verify_speed_ifbench import write_nltk_data
    from graph.constraints import build
    from graph.constraints.ifbench.ids import OFFICIAL_IDS

    scratch = tempfile.TemporaryDirectory(prefix="followfix-ifbench-nltk-")
    write_nltk_data(Path(scratch.name))
    nltk.data.path.insert(0, scratch.name)
    sys.path[:0] = [str(p) for p in (args.official, args.site) if p is not None]
    from ifbench import instructions_registry  # the official checker

    corpus, kwargs = texts(args.benchmarks), kwargs_by_id(args.benchmarks)
    print(f"NLTK {nltk.__version__}; {len(corpus)} texts")
    total = 0
    for cid in args.ids or OFFICIAL_IDS:
        compared = differing = 0
        for given in kwargs.get(cid, [{}])[: args.kwargs]:
            official = instructions_registry.INSTRUCTION_DICT[cid](cid)
            official.build_description(**given)
            ours = build(cid, given)
            for text in corpus:
                try:
                    theirs: object = bool(official.check_following(text))
                except Exception as exc:  # an official crash is recorded as its verdict, not a stop
                    theirs = f"raises {type(exc).__name__}"
                mine = ours.check(text).passed
                compared += 1
                if theirs != mine:
                    differing += 1
                    if differing <= args.show:
                        print(f"  {cid} {given}: official {theirs}, followfix {mine}: {text[:80]!r}")
        total += differing
        print(f"{cid}: {compared} verdicts compared, {differing} differ", flush=True)
    scratch.cleanup()
    print(f"total differing verdicts: {total}")


if __name__ == "__main__":
    main()
