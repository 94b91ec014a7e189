"""Seconds to verify all 541 IFEval GPT-4 responses, strict + loose, cold and warm.

Cold = the first pass in a fresh process (imports done, nothing measured or cached yet);
warm = later passes in the same process, with memoised sentence splits and language detections
cleared before each pass unless ``--keep-caches`` (so "warm" measures the code, not a cache hit).
Run: ``.venv/bin/python bench/verify_speed.py [--benchmarks DIR] [--repeat N]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(bench_dir: Path) -> list[tuple[str, list[str], list[dict[str, object]]]]:
    prompts = [json.loads(line) for line in (bench_dir / "ifeval" / "input_data.jsonl").open()]
    responses = {}
    for line in (bench_dir / "ifeval" / "responses_gpt4.jsonl").open():
        row = json.loads(line)
        responses[row["prompt"]] = row["response"]
    return [(responses[p["prompt"]], p["instruction_id_list"], p["kwargs"]) for p in prompts]


def _langdetect_seeded(text: str, seed: int = 0) -> str | None:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = seed
    try:
        return str(detect(text))
    except LangDetectException:
        return None


def main() -> None:
    default = Path(os.environ.get("FOLLOWFIX_BENCHMARKS", ROOT.parent / "shared" / "benchmarks"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--benchmarks", type=Path, default=default)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep-caches", action="store_true", help="let warm passes reuse memoised results")
    parser.add_argument(
        "--reference-langdetect",
        action="store_true",
        help="baseline: detect languages with the langdetect package itself (as the official checker does)",
    )
    parser.add_argument(
        "--pure-python",
        action="store_true",
        help="leave graph.constraints._kernels unused (an install without a C compiler)",
    )
    args = parser.parse_args()

    t0 = time.process_time()
    from graph.constraints import compiled, langid, text
    from graph.constraints.scoring import headline, score_row

    import_s = time.process_time() - t0
    if args.reference_langdetect:
        langid.detect = _langdetect_seeded
    if args.pure_python:
        compiled.ENABLED = False
    rows = load(args.benchmarks)

    def one_pass() -> float:
        start = time.process_time()
        verdicts = [score_row(response, ids, kwargs) for response, ids, kwargs in rows]
        elapsed = time.process_time() - start
        head = headline(verdicts)
        assert (head.prompt_strict, head.instruction_strict) == (77.08, 83.69), head
        return elapsed

    cold = one_pass()
    warm = []
    for _ in range(args.repeat):
        if not args.keep_caches:
            text.clear_caches()
        warm.append(one_pass())
    detector = "langdetect package (reference)" if args.reference_langdetect else "followfix langid"
    print(f"responses: {len(rows)} (IFEval GPT-4), strict + loose; language detection: {detector}")
    print(f"compiled kernels: {'used' if compiled.ENABLED else 'not used (pure-Python paths)'}")
    print("times are CPU seconds of this process (time.process_time)")
    print(f"import of the library: {import_s:.3f} s")
    print(f"cold (first pass in process): {cold:.4f} s")
    print(
        f"warm (median of {args.repeat}, caches {'kept' if args.keep_caches else 'cleared'}): "
        f"{statistics.median(warm):.4f} s"
    )


if __name__ == "__main__":
    main()
