"""How well the extractor recovers the true constraints of IFEval's and the paper's prompts.

    .venv/bin/python bench/extract_accuracy.py [--extractor rules] [--benchmarks ../shared/benchmarks]

Prints, per data set: constraint-id precision / recall / F1, the share of true constraints whose
kwargs match exactly (and up to case), and the misses per id. Nothing is tuned per prompt: the
rules never see these files.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from graph.extract import extract
from graph.extract.scoring import Score

ROOT = Path(__file__).resolve().parent.parent


def score_file(path: Path, extractor: str, *, show: int) -> Score:
    score = Score()
    shown = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        truth = list(zip(row["instruction_id_list"], row["kwargs"], strict=True))
        found = [(c.id, c.kwargs) for c in extract(row["prompt"], extractor=extractor)]  # type: ignore[arg-type]
        before = (score.matched_ids, score.exact)
        score.add(truth, found)
        if show and shown < show and (score.matched_ids - before[0] < len(truth) or len(found) != len(truth)):
            shown += 1
            print("---", row["prompt"][-300:].replace("\n", " | "))
            print("   truth:", truth)
            print("   found:", found)
    return score


def report(name: str, score: Score, seconds: float, rows: int) -> None:
    print(f"\n== {name}: {rows} prompts, {score.true_ids} true constraints, {score.predicted_ids} extracted")
    print(f"   id precision {score.precision:.4f}  recall {score.recall:.4f}  F1 {score.f1:.4f}")
    print(f"   kwargs exact {score.exact_share:.4f}  (equal up to case: {score.equivalent_share:.4f})")
    print(f"   {seconds * 1000 / rows:.2f} ms per prompt")
    ids = sorted(set(score.missed) | set(score.spurious) | set(score.wrong_kwargs))
    if ids:
        print(f"   {'id':48} missed  spurious  wrong-kwargs")
        for cid in ids:
            print(f"   {cid:48} {score.missed[cid]:6}  {score.spurious[cid]:8}  {score.wrong_kwargs[cid]:12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--extractor", default="rules", choices=["rules", "llm", "hybrid"])
    parser.add_argument("--show", type=int, default=0, help="print this many mismatching prompts per set")
    parser.add_argument("--only", choices=["ifeval", "fci"], default=None)
    args = parser.parse_args()
    sets = {
        "ifeval": args.benchmarks / "ifeval" / "input_data.jsonl",
        "fci": args.benchmarks / "fci" / "llama2_checked.jsonl",
    }
    for name, path in sets.items():
        if args.only and name != args.only:
            continue
        started = time.perf_counter()
        score = score_file(path, args.extractor, show=args.show)
        rows = sum(1 for _ in path.open(encoding="utf-8"))
        report(f"{name} ({path.name})", score, time.perf_counter() - started, rows)


if __name__ == "__main__":
    main()
