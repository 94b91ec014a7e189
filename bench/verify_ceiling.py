"""/v1/verify req/s as a fraction of a trivial FastAPI + pydantic handler, measured in one run.

The ceiling (``bench/ceiling_app.py``) parses the same bodies into a pydantic model and answers a
small JSON document: what any FastAPI service on this machine, client and uvicorn can do. The
service's fraction of it is what verification, validation and metrics cost. ``--root DIR`` adds a
checkout to compare (e.g. the code before a change, from ``git worktree add /tmp/before <commit>``):
its server runs that checkout's code with this virtualenv. Targets are measured in interleaved
rounds (ceiling, each root, ...), so a neighbour's load on a shared machine hits them alike; the
ratio of each round uses that round's ceiling.

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

from bench.service_load import RawClient, benchmarks_dir, load_rows, payloads, run_load, wait_ready  # noqa: E402
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


def rate(url: str, rows: list, args: argparse.Namespace) -> tuple[float, dict[int, int]]:  # type: ignore[type-arg]
    host, port = url.removeprefix("http://").split(":")
    bodies = payloads("verify", rows, "cold")
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
    return len(stats.latencies) / elapsed, stats.statuses


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
    with tempfile.TemporaryDirectory(prefix="followfix-ceiling-") as store_dir:
        try:
            ceiling, ceiling_url = start_ceiling()
            processes.append(ceiling)
            urls = {}
            for root in roots:
                process, urls[str(root)] = start_service(root, store_dir)
                processes.append(process)
            for round_index in range(args.rounds):
                top, statuses = rate(ceiling_url, rows, args)
                print(f"round {round_index + 1}: ceiling {top:,.0f} req/s {statuses}")
                for root in roots:
                    served, statuses = rate(urls[str(root)], rows, args)
                    ratios[str(root)].append(served / top)
                    print(f"  {root}: {served:,.0f} req/s {statuses}, {served / top:.3f} of the ceiling")
        finally:
            for process in reversed(processes):
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=20)
    for name, values in ratios.items():
        spread = f"{min(values):.3f}-{max(values):.3f}"
        print(f"{name}: median {statistics.median(values):.3f} of the ceiling (rounds {spread})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
