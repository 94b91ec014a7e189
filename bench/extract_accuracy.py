"""How well the extractor recovers the true constraints of IFEval's, the paper's and IFBench's
prompts, and of our own phrasing corpus (tests/fixtures/extract_corpus: tuned and held-out parts).

    .venv/bin/python bench/extract_accuracy.py [--extractor rules] [--benchmarks ../shared/benchmarks]

Prints, per data set: constraint-id precision / recall / F1, the share of true constraints whose
kwargs match exactly (and up to case), and the misses per id. Nothing is tuned per prompt: the
rules never see these files. True kwargs go through the catalogue's own normalisation first
(IFBench's files store integer counts as floats, 10.0 for 10). The held-out part is the honest
figure: no rule was written against it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from graph.constraints import build
from graph.errors import ConstraintError
from graph.extract import extract, rules
from graph.extract.scoring import Score
from graph.extract.text import Doc

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "extract_corpus"


def normalised(constraint_id: str, kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """The true kwargs as the catalogue stores them (as is, when the catalogue refuses them)."""
    cleaned = {k: v for k, v in (kwargs or {}).items() if v is not None}
    try:
        return build(constraint_id, cleaned).kwargs()
    except ConstraintError:
        return cleaned


def score_file(path: Path, extractor: str, *, show: int) -> Score:
    score = Score()
    shown = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        truth = [
            (cid, normalised(cid, kw))
            for cid, kw in zip(row["instruction_id_list"], row["kwargs"], strict=True)
        ]
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


# The modules that existed before the IFBench families: the anchor for the cost of the new ones.
_IFEVAL_MODULES = ("rules_length", "rules_format", "rules_case", "rules_keywords", "rules_startend")


def rule_cost(path: Path, repeats: int = 3) -> tuple[float, float]:
    """ms per prompt running every rule vs only the IFEval-family modules' rules, interleaved in
    one run so machine load hits both alike (best of ``repeats``)."""
    prompts = [json.loads(line)["prompt"] for line in path.read_text(encoding="utf-8").splitlines()]
    anchor = [r for r in rules.RULES if r.__module__.rsplit(".", 1)[-1] in _IFEVAL_MODULES]
    best = {"all": float("inf"), "anchor": float("inf")}
    for _ in range(repeats):
        for name, chosen in (("all", rules.RULES), ("anchor", anchor)):
            started = time.perf_counter()
            for prompt in prompts:
                doc = Doc.of(prompt)
                for rule in chosen:
                    for _hit in rule(doc):
                        pass
            best[name] = min(best[name], (time.perf_counter() - started) * 1000 / len(prompts))
    return best["all"], best["anchor"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--extractor", default="rules", choices=["rules", "llm", "hybrid"])
    parser.add_argument("--show", type=int, default=0, help="print this many mismatching prompts per set")
    parser.add_argument("--only", choices=["ifeval", "fci", "ifbench", "tuned", "heldout"], default=None)
    args = parser.parse_args()
    sets = {
        "ifeval": args.benchmarks / "ifeval" / "input_data.jsonl",
        "fci": args.benchmarks / "fci" / "llama2_checked.jsonl",
        "ifbench": args.benchmarks / "ifbench" / "IFBench_test.jsonl",
        "tuned": CORPUS / "tuned.jsonl",
        "heldout": CORPUS / "heldout.jsonl",
    }
    for name, path in sets.items():
        if args.only and name != args.only:
            continue
        started = time.perf_counter()
        score = score_file(path, args.extractor, show=args.show)
        rows = sum(1 for _ in path.open(encoding="utf-8"))
        report(f"{name} ({path.name})", score, time.perf_counter() - started, rows)
    if args.extractor == "rules" and args.only in (None, "ifeval"):
        every, anchor = rule_cost(sets["ifeval"])
        print(
            f"\n== rule cost on IFEval prompts: all rules {every:.2f} ms per prompt, IFEval-family rules"
            f" only {anchor:.2f} ms (anchor, same run): x{every / anchor:.2f}"
        )


if __name__ == "__main__":
    main()
