"""What the front door adds: latency per request and throughput, against calling the upstream directly.

An upstream (a minimal aiohttp OpenAI-protocol server in a subprocess, answering after
``--latency`` seconds, streaming in 8 chunks) and ``followfix serve`` in front of it (another
subprocess, SQLite store, collect workers on) run on loopback. The client (aiohttp, this process)
sends the same request straight to the upstream and through followfix in ``verify`` and
``collect`` mode, round-robin so that machine noise hits every path alike. Figures:

- added latency: p50 / p99 of (path - direct), non-streaming total and streaming time to first token;
- throughput: requests/s with ``--concurrency`` clients for ``--seconds`` per path, and the ratio to direct;
- followfix's CPU per request (its process), which a loaded machine distorts less than latency.

By default the front door runs no collect workers (``--collect-workers 0``): corrections run in
another process on the same queue, so what is measured is the front door itself (the queue put
included). ``--collect-workers 4`` measures the single-process setup, corrections competing with
the front door for its event loop.

    .venv/bin/python bench/proxy_latency.py --latency 0 --requests 400
    .venv/bin/python bench/proxy_latency.py --latency 0.2 --requests 100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPLY = "A short answer with no commas in it at all and eight chunks"
PROMPT = [{"role": "user", "content": "Answer without commas."}]
PATHS = ("direct", "verify", "collect")


# --- the upstream -------------------------------------------------------------------------------
def serve_upstream(port: int, latency_s: float) -> None:
    """A fast OpenAI-protocol model: the upstream must not be what the benchmark measures."""
    import uvloop
    from aiohttp import web

    words = REPLY.split(" ")
    pieces = [" ".join(words[i : i + 2]) + " " for i in range(0, len(words), 2)]
    base = {"id": "chatcmpl-bench", "created": 0, "model": "bench-model"}
    whole = json.dumps(
        {
            **base,
            "object": "chat.completion",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": REPLY}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 12, "total_tokens": 15},
        }
    )

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        body = {
            **base,
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return b"data: " + json.dumps(body).encode() + b"\n\n"

    async def chat(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        if latency_s:
            await asyncio.sleep(latency_s)
        if not body.get("stream"):
            return web.Response(text=whole, content_type="application/json")
        reply = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await reply.prepare(request)
        await reply.write(chunk({"role": "assistant", "content": ""}))
        for piece in pieces:
            await reply.write(chunk({"content": piece}))
        await reply.write(chunk({}, "stop") + b"data: [DONE]\n\n")
        await reply.write_eof()
        return reply

    async def models(request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "bench-model", "object": "model"}]})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_get("/v1/models", models)
    uvloop.install()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=2048)


# --- processes ----------------------------------------------------------------------------------
def wait_http(url: str, process: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: process exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def start(latency_s: float, store_dir: str, workers: int) -> tuple[list[subprocess.Popen[bytes]], str, str]:
    from tests.support.net import free_port

    up_port, door_port = free_port(), free_port()
    upstream = subprocess.Popen(
        [sys.executable, __file__, "--serve-upstream", str(up_port), "--latency", str(latency_s)], cwd=ROOT
    )
    upstream_url = f"http://127.0.0.1:{up_port}/v1"
    wait_http(upstream_url + "/models", upstream)
    env = {
        **os.environ,
        "FOLLOWFIX_API_KEYS": "",
        "FOLLOWFIX_UPSTREAM_BASE_URL": upstream_url,
        "FOLLOWFIX_COLLECT_MAX_PENDING": "10000000",
        "FOLLOWFIX_COLLECT_WORKERS": str(workers),
    }
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(door_port)]
    command += ["--store-url", f"sqlite:///{store_dir}/bench.db", "--log-level", "warning"]
    door = subprocess.Popen(command, cwd=ROOT, env=env)
    door_url = f"http://127.0.0.1:{door_port}"
    try:
        wait_http(door_url + "/readyz", door)
    except BaseException:
        stop([upstream, door])
        raise
    return [upstream, door], upstream_url, door_url + "/v1"


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the client ---------------------------------------------------------------------------------
def body_for(path: str, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "bench-model", "messages": PROMPT, "stream": stream}
    if path != "direct":
        body["followfix"] = {"mode": path}
    return body


async def one(session: Any, url: str, body: dict[str, Any]) -> float:
    """Seconds to the whole reply, or (streams) to the first chunk carrying text."""
    started = time.perf_counter()
    async with session.post(url, json=body) as reply:
        if reply.status != 200:
            raise SystemExit(f"{url}: HTTP {reply.status}: {await reply.text()}")
        if not body["stream"]:
            await reply.read()
            return time.perf_counter() - started
        first: float | None = None
        async for line in reply.content:
            if first is None and line.startswith(b"data: {") and _has_text(line[6:]):
                first = time.perf_counter() - started
        assert first is not None, "no text chunk in the stream"
        return first


def _has_text(data: bytes) -> bool:
    choices = json.loads(data).get("choices") or [{}]
    return bool((choices[0].get("delta") or {}).get("content"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def latencies(urls: dict[str, str], requests: int, stream: bool) -> dict[str, list[float]]:
    import aiohttp

    seen: dict[str, list[float]] = {path: [] for path in PATHS}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        for path in PATHS:  # warm-up: connections, imports, caches
            for _ in range(20):
                await one(session, urls[path], body_for(path, stream))
        for _ in range(requests):
            for path in PATHS:
                seen[path].append(await one(session, urls[path], body_for(path, stream)))
    return seen


async def door_cpu_ms(url: str, path: str, door_pid: int, requests: int) -> float:
    """followfix's CPU per request (its own process, background collect work included): a figure
    that a loaded machine does not distort the way it distorts wall-clock latency."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        before = cpu_s(door_pid)
        for _ in range(requests):
            await one(session, url, body_for(path, False))
        await asyncio.sleep(1.0)  # let the background put and the collect worker finish
        return (cpu_s(door_pid) - before) / requests * 1e3


async def throughput(url: str, path: str, concurrency: int, seconds: float) -> float:
    import aiohttp

    done = 0
    stop = time.perf_counter() + seconds

    async def client(session: Any) -> None:
        nonlocal done
        while time.perf_counter() < stop:
            await one(session, url, body_for(path, False))
            done += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(one(session, url, body_for(path, False)) for _ in range(concurrency)))
        started = time.perf_counter()
        stop = started + seconds
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
        return done / (time.perf_counter() - started)


def report_latency(kind: str, seen: dict[str, list[float]]) -> None:
    direct = seen["direct"]
    print(
        f"{kind}: direct p50 {percentile(direct, 0.5) * 1e3:.2f} ms, p99 {percentile(direct, 0.99) * 1e3:.2f} ms"
    )
    for path in ("verify", "collect"):
        added = [(p - d) * 1e3 for p, d in zip(seen[path], direct, strict=True)]
        print(
            f"  {path:8s} p50 {percentile(seen[path], 0.5) * 1e3:.2f} ms, p99 {percentile(seen[path], 0.99) * 1e3:.2f} ms;"
            f" added p50 {statistics.median(added):+.2f} ms, p99 {percentile(added, 0.99):+.2f} ms"
        )


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as store_dir:
        processes, upstream_url, door_url = start(args.latency, store_dir, args.collect_workers)
        try:
            urls = {"direct": upstream_url + "/chat/completions"}
            urls |= {path: door_url + "/chat/completions" for path in ("verify", "collect")}
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"upstream latency {args.latency * 1e3:.0f} ms, {args.requests} requests per path, round-robin;"
                f" {os.cpu_count()} cores, load average {load} at start;"
                f" {args.collect_workers} collect workers in the front door's process"
            )
            report_latency("non-streaming, whole reply", await latencies(urls, args.requests, False))
            report_latency("streaming, time to first token", await latencies(urls, args.requests, True))
            door_pid = processes[1].pid
            cpu = {path: await door_cpu_ms(urls[path], path, door_pid, args.requests) for path in PATHS[1:]}
            print("followfix CPU per request: " + ", ".join(f"{p} {ms:.2f} ms" for p, ms in cpu.items()))
            if not args.seconds:
                return
            rates = {
                path: await throughput(urls[path], path, args.concurrency, args.seconds) for path in PATHS
            }
            line = ", ".join(
                f"{path} {rate:.0f} req/s ({rate / rates['direct']:.2f}x)" for path, rate in rates.items()
            )
            print(f"throughput at {args.concurrency} concurrent clients, {args.seconds:.0f} s each: {line}")
        finally:
            stop(processes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="upstream latency in seconds")
    parser.add_argument("--requests", type=int, default=300, help="sequential requests per path and kind")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run per path (0: skip)")
    parser.add_argument(
        "--collect-workers",
        type=int,
        default=0,
        help="collect workers inside the front door (default 0: they run in another process)",
    )
    parser.add_argument("--serve-upstream", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_upstream:
        serve_upstream(args.serve_upstream, args.latency)
        return 0
    import uvloop

    uvloop.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
