"""Bulk throughput against the local test teacher, and memory over a long run.

Throughput: N rows that each need exactly one teacher call, a teacher subprocess answering after
``--latency`` seconds, ``--concurrency`` C records in flight. The ceiling is
C / (calls per record x latency); the figure is measured records/s as a fraction of it.
Memory: ``--memory-rows`` synthetic all-passing rows (rules strategy, no teacher), sampling RSS
as the run goes; flat means the peak does not grow with the number of rows.

    .venv/bin/python bench/bulk_throughput.py --engine local --concurrency 64 --latency 0.2 --rows 2000
    .venv/bin/python bench/bulk_throughput.py --engine ray --concurrency 64 --latency 0.2 --rows 2000
    .venv/bin/python bench/bulk_throughput.py --memory-rows 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.teacher import TeacherConfig  # noqa: E402
from service.bulk.engines import open_engine  # noqa: E402
from service.bulk.loop import run as run_loop  # noqa: E402
from service.bulk.readers import InputSource  # noqa: E402
from service.bulk.runner import BulkRun  # noqa: E402
from service.bulk.stats import RunStats  # noqa: E402
from service.bulk.work import RecordWorker, WorkConfig  # noqa: E402
from service.store.db import Store  # noqa: E402
from tests.support.net import free_port  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def teacher_row(index: int) -> dict[str, Any]:
    return {
        "key": f"t{index}",
        "prompt": f"Write note {index}. Include the keyword banana.",
        "response": f"This is note {index}.\nIt is about fruit.",
        "instruction_id_list": ["keywords:existence"],
        "kwargs": [{"keywords": ["banana"]}],
    }


def passing_row(index: int) -> dict[str, Any]:
    return {
        "key": f"p{index}",
        "prompt": "Answer without commas.",
        "response": f"Row {index} has no commas " + "and more words " * 20,
        "instruction_id_list": ["punctuation:no_comma"],
        "kwargs": [{}],
    }


def write(path: Path, rows: int, make: Any) -> Path:
    with open(path, "w") as handle:
        for i in range(rows):
            handle.write(json.dumps(make(i)) + "\n")
    return path


class RssSampler:
    """A Reporter that records RSS every ``every`` processed records."""

    def __init__(self, every: int) -> None:
        self.every, self._next = every, every
        self.samples: list[tuple[int, float]] = []

    def start(self, stats: RunStats) -> None:
        self.samples.append((0, rss_mb()))

    def update(self, stats: RunStats) -> None:
        if stats.processed >= self._next:
            self.samples.append((stats.processed, rss_mb()))
            self._next += self.every

    def finish(self, stats: RunStats) -> None:
        self.samples.append((stats.processed, rss_mb()))


def teacher_latencies(output: Path) -> list[float]:
    """Seconds of every teacher call, as the runner measured them (from the results' trajectories)."""
    seen = []
    with open(output) as handle:
        for line in handle:
            result = json.loads(line).get("result") or {}
            seen += [step["latency_s"] for step in result.get("trajectory", []) if step["method"] != "repair"]
    return seen


async def throughput(args: argparse.Namespace, work: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.openai_server",
            "--port",
            str(port),
            "--latency",
            str(args.latency),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(2.0)
        url = f"http://127.0.0.1:{port}/v1"
        source = write(work / "teacher.jsonl", args.rows, teacher_row)
        teacher = TeacherConfig(
            model="test-teacher", base_url=url, api_key="bench", max_retries=2, client=args.client
        )
        config = WorkConfig(namespace="bench", teacher=teacher)
        store = None if args.no_store else await Store.open(f"sqlite+aiosqlite:///{work / 'store.db'}")
        if args.engine == "ray":
            import ray

            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        process, stop = await open_engine(
            config,
            engine=args.engine,
            workers=args.workers,
            concurrency=args.concurrency,
            ray_actors=args.ray_actors,
        )
        try:
            started, cpu = time.monotonic(), time.process_time()
            run = BulkRun(process, work / "out.jsonl", store=store, concurrency=args.concurrency)
            stats = await run.run(iter(InputSource(source)))
            elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        finally:
            await stop()
            if store is not None:
                await store.close()
    finally:
        server.terminate()
        server.wait()
    latencies = sorted(teacher_latencies(work / "out.jsonl"))
    calls = stats.usage.calls / max(stats.processed, 1)
    ceiling = args.concurrency / (calls * args.latency)
    rate = stats.processed / elapsed
    workers = f" workers={args.workers}" if args.engine == "local" else f" actors={args.ray_actors}"
    print(
        f"engine={args.engine}{workers} client={args.client} C={args.concurrency} latency={args.latency}s rows={args.rows}"
    )
    print(
        f"  statuses={dict(stats.statuses)} calls/record={calls:.3f} elapsed={elapsed:.2f}s"
        f" runner process CPU {cpu / elapsed:.2f} cores ({cpu / max(stats.processed, 1) * 1000:.2f} ms/record)"
    )
    if latencies:
        mean = sum(latencies) / len(latencies)
        print(
            f"  teacher call latency seen by the runner: p50 {latencies[len(latencies) // 2] * 1000:.1f} ms,"
            f" mean {mean * 1000:.1f} ms; record time (C / rate) {args.concurrency / rate * 1000:.1f} ms"
        )
    print(
        f"  measured {rate:.1f} rec/s; ceiling C/(calls x latency) = {ceiling:.1f} rec/s; fraction = {rate / ceiling:.3f}"
    )


async def memory(args: argparse.Namespace, work: Path) -> None:
    source = write(work / "passing.jsonl", args.memory_rows, passing_row)
    store = await Store.open(f"sqlite+aiosqlite:///{work / 'mem.db'}")
    sampler = RssSampler(max(1, args.memory_rows // 10))
    try:
        started = time.monotonic()
        run = BulkRun(
            RecordWorker(WorkConfig(namespace="mem", strategy="rules")),
            work / "mem.jsonl",
            store=store,
            concurrency=args.concurrency,
            reporter=sampler,
        )
        stats = await run.run(iter(InputSource(source)))
        elapsed = time.monotonic() - started
    finally:
        await store.close()
    print(
        f"memory: {stats.processed} rows (rules, all passing) in {elapsed:.1f}s ({stats.processed / elapsed:.0f} rec/s)"
    )
    for done, mb in sampler.samples:
        print(f"  after {done:>7} records: RSS {mb:.1f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["local", "ray"], default="local")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--ray-actors", type=int, default=2)
    parser.add_argument(
        "--no-store", action="store_true", help="output file only (shows what the store costs)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="local engine: worker processes (1: in-process)"
    )
    parser.add_argument(
        "--client",
        choices=["http", "openai", "litellm"],
        default="http",
        help="teacher client (bulk default: http)",
    )
    parser.add_argument("--memory-rows", type=int, default=0, help="run the memory part instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.memory_rows:
            run_loop(memory(args, Path(tmp)))
        else:
            run_loop(throughput(args, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
