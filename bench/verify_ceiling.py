"""/v1/verify req/s as a fraction of a trivial FastAPI + pydantic handler, measured in one run.

The ceiling (``bench/ceiling_app.py``) parses the same bodies into a pydantic model and answers a
small JSON document: what any FastAPI service on this machine, client and uvicorn can do. The
service's fraction of it is what verification, validation and metrics cost. ``--root DIR`` adds a
checkout to compare (e.g. the code before a change, from ``git worktree add /tmp/before <commit>``):
its server runs that checkout's code with this virtualenv. Targets are measured in interleaved
rounds (ceiling, each root, ...), so a neighbour's load on a shared machine hits them alike; the
ratio of each round uses that round's ceiling. It also prints server CPU per request (from /proc):
the ceiling's CPU per request over the service's is the same ratio, less exposed to neighbours.

Load and payloads are ``bench/service_load.py``'s: the 541 IFEval prompts with GPT-4's responses,
each made unique per request (no cache helps), a minimal keep-alive HTTP/1.1 client, closed loop.

Run: ``.venv/bin/python bench/verify_ceiling.py [--root /tmp/before] [--rounds 3] [--duration 8]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service_load import (  # noqa: E402  (this script's own directory is sys.path[0])
    RawClient,
    benchmarks_dir,
    cpu_seconds,
    load_rows,
    payloads,
    run_load,
    wait_ready,
)

from tests.support.net import free_port  # noqa: E402


def start(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([*command, "--port", str(port)], cwd=cwd, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process)
    return process, url


def start_ceiling() -> tuple[subprocess.Popen[bytes], str]:
    command = [sys.executable, "-m", "uvicorn", "bench.ceiling_app:app", "--log-level", "warning"]
    return start([*command, "--no-access-log", "--host", "127.0.0.1"], ROOT, dict(os.environ))


def start_service(root: Path, store_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    """``followfix serve`` (one worker) from ``root``'s code: its directory first on sys.path."""
    env = {**os.environ, "FOLLOWFIX_API_KEYS": "", "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "service.cli", "serve", "--workers", "1", "--log-level", "warning"]
    store = f"sqlite:///{store_dir}/{root.name}.db"
    return start([*command, "--store-url", store], root, env)


def rate(
    url: str,
    pid: int,
    rows: list,  # type: ignore[type-arg]
    args: argparse.Namespace,
) -> tuple[float, float, dict[int, int]]:
    """(req/s, server CPU us per request, statuses) over one closed-loop run."""
    host, port = url.removeprefix("http://").split(":")
    bodies = payloads("verify", rows, "cold")
    cpu_before = cpu_seconds(pid)
    stats, elapsed = asyncio.run(
        run_load(
            lambda: RawClient(host, int(port)),
            "/v1/verify",
            bodies,
            {},
            args.concurrency,
            args.warmup,
            args.duration,
        )
    )
    served = len(stats.latencies)
    cpu = (cpu_seconds(pid) - cpu_before) * elapsed / (elapsed + args.warmup)
    return served / elapsed, cpu / max(served, 1) * 1e6, stats.statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", action="append", default=[], help="another checkout to measure")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--benchmarks", help="benchmark data directory (default ../shared/benchmarks)")
    args = parser.parse_args(argv)

    rows = load_rows(benchmarks_dir(args.benchmarks))
    roots = [ROOT, *(Path(r).resolve() for r in args.root)]
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; python {sys.version.split()[0]}")
    processes: list[subprocess.Popen[bytes]] = []
    ratios: dict[str, list[float]] = {str(r): [] for r in roots}
    cpu_ratios: dict[str, list[float]] = {str(r): [] for r in roots}
    with tempfile.TemporaryDirectory(prefix="followfix-ceiling-") as store_dir:
        try:
            ceiling, ceiling_url = start_ceiling()
            processes.append(ceiling)
            urls, pids = {}, {}
            for root in roots:
                process, urls[str(root)] = start_service(root, store_dir)
                pids[str(root)] = process.pid
                processes.append(process)
            for round_index in range(args.rounds):
                top, top_cpu, statuses = rate(ceiling_url, ceiling.pid, rows, args)
                load = os.getloadavg()[0]
                print(
                    f"round {round_index + 1} (load {load:.1f}): ceiling {top:,.0f} req/s, {top_cpu:.0f} us CPU/req"
                )
                for root in roots:
                    served, cpu, statuses = rate(urls[str(root)], pids[str(root)], rows, args)
                    ratios[str(root)].append(served / top)
                    cpu_ratios[str(root)].append(top_cpu / cpu)
                    print(
                        f"  {root}: {served:,.0f} req/s {statuses}, {cpu:.0f} us CPU/req: "
                        f"{served / top:.3f} of the ceiling's req/s, {top_cpu / cpu:.3f} of its CPU efficiency"
                    )
        finally:
            for process in reversed(processes):
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=20)
    for name, values in ratios.items():
        by_cpu = cpu_ratios[name]
        print(
            f"{name}: req/s median {statistics.median(values):.3f} of the ceiling "
            f"(rounds {min(values):.3f}-{max(values):.3f}); CPU per request: median "
            f"{statistics.median(by_cpu):.3f} (rounds {min(by_cpu):.3f}-{max(by_cpu):.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
