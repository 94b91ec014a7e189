"""Graph overhead per correction with a zero-latency local teacher: wall time minus teacher time.

    python bench/graph_overhead.py [--n 300]

Teacher time is what the client measured around each HTTP call, so the remainder is LangGraph,
verification, prompt building, reply parsing and edit distances. Printed: p50/p99 per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEXT = "Apples are red and tasty.\nThey grow on trees in the orchard near the river."
SCENARIOS = {
    "unchanged (all pass)": (
        "rules",
        [{"id": "keywords:existence", "kwargs": {"keywords": ["apples"]}}],
        "Apples, x",
    ),
    "rules: one repair": (
        "rules",
        [{"id": "punctuation:no_comma", "kwargs": {}}],
        "Apples, pears and plums.",
    ),
    "teacher: one fix": ("teacher", [{"id": "keywords:existence", "kwargs": {"keywords": ["banana"]}}], TEXT),
    "hybrid: teacher + repair": (
        "hybrid",
        [
            {"id": "keywords:existence", "kwargs": {"keywords": ["banana"]}},
            {"id": "punctuation:no_comma", "kwargs": {}},
        ],
        "Apples, pears and plums are tasty.",
    ),
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(n: int, url: str, profile: bool) -> None:
    from graph.context import RunContext
    from graph.run import correct
    from graph.teacher import TeacherConfig, make_teacher

    teacher = make_teacher(TeacherConfig(model="test-teacher", base_url=url))
    for name, (strategy, constraints, text) in SCENARIOS.items():
        context = RunContext(strategy=strategy)  # type: ignore[arg-type]
        for _ in range(20):  # warm-up: imports, caches, connection pool
            await correct("Q", text, constraints, context=context, teacher=teacher)
        overheads, teacher_times = [], []
        profiler = cProfile.Profile() if profile and name.startswith("teacher") else None
        for _ in range(n):
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            result = await correct("Q", text, constraints, context=context, teacher=teacher)
            total = time.perf_counter() - started
            if profiler:
                profiler.disable()
            overheads.append(1000 * (total - result.teacher_s))
            teacher_times.append(1000 * result.teacher_s)
        print(
            f"{name:28} status={result.status:9} calls={result.usage.calls} steps={len(result.trajectory)}  "
            f"overhead p50 {pct(overheads, 0.5):.2f} ms  p99 {pct(overheads, 0.99):.2f} ms  "
            f"(teacher p50 {statistics.median(teacher_times):.2f} ms)"
        )
        if profiler:
            print("  top of the profile (cumulative), teacher scenario:")
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(12)


def main() -> None:
    from tests.support.openai_server import TeacherServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument(
        "--profile", action="store_true", help="print where the teacher scenario spends its time"
    )
    args = parser.parse_args()
    server = TeacherServer("instant")
    url = server.start()
    try:
        asyncio.run(measure(args.n, url, args.profile))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
