"""Load test of the REST service: req/s and p50/p99 latency for /v1/verify and /v1/correct.

Starts ``followfix serve`` (and, for /v1/correct, the zero-latency OpenAI-protocol test teacher) as
subprocesses on loopback ports unless ``--url`` points at a running server, then keeps
``--concurrency`` requests in flight for ``--duration`` seconds after a warm-up.

Payloads are the 541 IFEval prompts with GPT-4's responses. Constraint results are memoised inside
the server (sentence splits, language detection), so by default each request gets a unique tail of
whitespace (``--cache cold``): every check really runs; ``--cache warm`` replays the texts as they are.

The load generator shares the machine's cores with the server; it prints the CPU seconds each side
used, so the figures can be read for what they are. ``--client raw`` (default) is a minimal
keep-alive HTTP/1.1 client on asyncio streams; ``--client httpx`` uses httpx.AsyncClient, which
costs several times more CPU per request and so takes cores from the server.

Two kinds of load: closed loop (``--concurrency`` requests always in flight: the throughput
ceiling; latency is then mostly queueing) and open loop (``--rate R``: requests due at a fixed rate,
latency counted from the due time, so a stalled server cannot hide its backlog).

Run: ``.venv/bin/python bench/service_load.py [--endpoint verify|correct|both] [--workers 1]
[--concurrency 32] [--rate R] [--duration 10] [--cache cold|warm] [--client raw|httpx] [--url URL]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Payload = dict[str, Any]


def benchmarks_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("FOLLOWFIX_BENCHMARKS") or ROOT.parent / "shared" / "benchmarks")


def load_rows(bench: Path) -> list[tuple[str, str, list[Payload]]]:
    """(instruction, GPT-4 response, constraint specs) for every IFEval prompt."""
    responses = {}
    for line in (bench / "ifeval" / "responses_gpt4.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        responses[row["prompt"]] = row["response"]
    rows = []
    for line in (bench / "ifeval" / "input_data.jsonl").open(encoding="utf-8"):
        prompt = json.loads(line)
        specs = [
            {"id": cid, "kwargs": {k: v for k, v in (kw or {}).items() if v is not None}}
            for cid, kw in zip(prompt["instruction_id_list"], prompt["kwargs"], strict=True)
        ]
        rows.append((prompt["prompt"], responses[prompt["prompt"]], specs))
    return rows


def unique_tail(index: int) -> str:
    """Trailing spaces and tabs spelling ``index`` in binary: invisible to the checkers, new to caches."""
    return " " + "".join(" " if bit == "0" else "\t" for bit in f"{index:b}")


def payloads(endpoint: str, rows: list[tuple[str, str, list[Payload]]], cache: str) -> Iterator[bytes]:
    counter = itertools.count()
    for instruction, response, specs in itertools.cycle(rows):
        text = response + unique_tail(next(counter)) if cache == "cold" else response
        if endpoint == "verify":
            body: Payload = {"response": text, "constraints": specs}
        else:
            body = {"instruction": instruction, "response": text, "constraints": specs}
        yield json.dumps(body).encode()


def failing_rows(rows: list[tuple[str, str, list[Payload]]]) -> list[tuple[str, str, list[Payload]]]:
    """Rows GPT-4 got wrong: /v1/correct on them really calls the teacher."""
    from graph.constraints import verify

    return [row for row in rows if not all(r.passed for r in verify(row[1], row[2]))]


# --- clients ---------------------------------------------------------------------------------------
class RawClient:
    """One keep-alive HTTP/1.1 connection; enough of the protocol for uvicorn's JSON replies."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n"
        )
        self.writer.write(head.encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw.split(b" ", 2)[1])
        length = 0
        for line in raw.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


class HttpxClient:
    def __init__(self, base: str) -> None:
        import httpx

        self.client = httpx.AsyncClient(base_url=base, timeout=60)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        reply = await self.client.post(
            path, content=body, headers={"content-type": "application/json", **headers}
        )
        return reply.status_code

    async def close(self) -> None:
        await self.client.aclose()


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


async def run_load(
    make_client: Callable[[], Any],
    path: str,
    bodies: Iterator[bytes],
    headers: dict[str, str],
    concurrency: int,
    warmup_s: float,
    duration_s: float,
) -> tuple[Stats, float]:
    stats = Stats()
    start = time.perf_counter()
    measure_from = start + warmup_s
    stop_at = measure_from + duration_s

    async def worker() -> None:
        client = make_client()
        try:
            while (now := time.perf_counter()) < stop_at:
                sent = now
                status = await client.post(path, next(bodies), headers)
                done = time.perf_counter()
                if sent >= measure_from:
                    stats.latencies.append(done - sent)
                    stats.statuses[status] = stats.statuses.get(status, 0) + 1
        finally:
            await client.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return stats, min(time.perf_counter(), stop_at + 60) - measure_from


async def run_rate(
    make_client: Callable[[], Any],
    path: str,
    bodies: Iterator[bytes],
    headers: dict[str, str],
    connections: int,
    rate: float,
    warmup_s: float,
    duration_s: float,
) -> tuple[Stats, float]:
    """Open loop: request i is due at start + i/rate whatever happened before; its latency counts
    from that due time, so time spent waiting for a free connection is included (no coordinated
    omission)."""
    stats = Stats()
    pool: asyncio.Queue[Any] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(make_client())
    start = time.perf_counter()
    measure_from = start + warmup_s
    total = int((warmup_s + duration_s) * rate)

    async def one(due: float) -> None:
        client = await pool.get()
        try:
            status = await client.post(path, next(bodies), headers)
        finally:
            pool.put_nowait(client)
        if due >= measure_from:
            stats.latencies.append(time.perf_counter() - due)
            stats.statuses[status] = stats.statuses.get(status, 0) + 1

    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - measure_from
    while not pool.empty():
        await pool.get_nowait().close()
    return stats, elapsed


# --- processes -------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User+system CPU of a process and its (reaped and live) children, from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15]) / tick  # utime stime cutime cstime
    return total


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


def start_teacher() -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.openai_server", "--port", "0", "--mode", "competent"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    return process, line.rsplit(" ", 1)[-1].strip()


def start_server(
    workers: int, teacher_url: str | None, store_dir: str
) -> tuple[subprocess.Popen[bytes], str]:
    from tests.support.net import free_port  # the repo root is on sys.path once main() runs

    port = free_port()
    env = {**os.environ, "FOLLOWFIX_API_KEYS": ""}
    if teacher_url:
        env |= {"FOLLOWFIX_TEACHER_MODEL": "test-teacher", "FOLLOWFIX_TEACHER_BASE_URL": teacher_url}
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--store-url",
        f"sqlite:///{store_dir}/bench.db",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process)
    return process, url


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, stats: Stats, elapsed: float, server_cpu: float | None, client_cpu: float) -> None:
    n = len(stats.latencies)
    if not n:
        print(f"{name}: no completed requests")
        return
    ms = [x * 1000 for x in stats.latencies]
    cpu = f"server CPU {server_cpu / elapsed:.2f} cores, " if server_cpu is not None else ""
    print(
        f"{name}: {n / elapsed:,.0f} req/s over {elapsed:.1f}s ({n} requests) | "
        f"p50 {percentile(ms, 0.50):.2f} ms, p99 {percentile(ms, 0.99):.2f} ms, max {max(ms):.2f} ms | "
        f"statuses {dict(sorted(stats.statuses.items()))} | {cpu}load generator CPU {client_cpu / elapsed:.2f} cores"
    )


def measure(
    args: argparse.Namespace,
    endpoint: str,
    url: str,
    server_pid: int | None,
    rows: list[tuple[str, str, list[Payload]]],
) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    def make_client() -> Any:
        return RawClient(host, port) if args.client == "raw" else HttpxClient(url)

    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    bodies = payloads(endpoint, rows, args.cache)
    server_before = cpu_seconds(server_pid) if server_pid else None
    client_before = time.process_time()
    path = f"/v1/{endpoint}"
    if args.rate:
        stats, elapsed = asyncio.run(
            run_rate(
                make_client, path, bodies, headers, args.concurrency, args.rate, args.warmup, args.duration
            )
        )
    else:
        stats, elapsed = asyncio.run(
            run_load(make_client, path, bodies, headers, args.concurrency, args.warmup, args.duration)
        )
    client_cpu = (time.process_time() - client_before) * elapsed / (elapsed + args.warmup)
    server_cpu = None
    if server_pid and server_before is not None:
        server_cpu = (cpu_seconds(server_pid) - server_before) * elapsed / (elapsed + args.warmup)
    load = (
        f"open loop at {args.rate:g} req/s, {args.concurrency} connections"
        if args.rate
        else (f"closed loop, {args.concurrency} in flight")
    )
    report(
        f"{path} ({len(rows)} texts, cache {args.cache}, {args.client} client, {load})",
        stats,
        elapsed,
        server_cpu,
        client_cpu,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", choices=["verify", "correct", "both"], default="both")
    parser.add_argument("--url", help="a running server (default: start one here)")
    parser.add_argument("--api-key", help="bearer key for --url")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--concurrency", type=int, default=32, help="in-flight requests (with --rate: connections)"
    )
    parser.add_argument("--rate", type=float, help="open loop: send this many req/s (latency from due time)")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--cache", choices=["cold", "warm"], default="cold")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw")
    parser.add_argument("--benchmarks", help="benchmark data directory (default ../shared/benchmarks)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    rows = load_rows(benchmarks_dir(args.benchmarks))
    endpoints = ["verify", "correct"] if args.endpoint == "both" else [args.endpoint]
    print(f"machine: {os.cpu_count()} CPUs; server workers {args.workers}; python {sys.version.split()[0]}")
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="followfix-bench-") as store_dir:
        try:
            teacher_url = None
            if args.url is None and "correct" in endpoints:
                teacher, teacher_url = start_teacher()
                processes.append(teacher)
            if args.url is None:
                server, url = start_server(args.workers, teacher_url, store_dir)
                processes.append(server)
                server_pid: int | None = server.pid
            else:
                url, server_pid = args.url.rstrip("/"), None
            for endpoint in endpoints:
                chosen = rows if endpoint == "verify" else failing_rows(rows)
                measure(args, endpoint, url, server_pid, chosen)
        finally:
            for process in reversed(processes):
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
