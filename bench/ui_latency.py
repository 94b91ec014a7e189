"""Review page latency with a big store: list and detail pages and the API calls behind them.

    .venv/bin/python bench/ui_latency.py                   # 100k corrections in a SQLite file
    .venv/bin/python bench/ui_latency.py --n 100000 --browser   # also time the views in Chromium

The store is filled through ``Store.record_many`` (pairs verified, diffs computed, as in service)
from real corrections: a few dozen inputs run through the engine (rules strategy), copied under
new ids and instructions, spread over 100 days and four sources. The file is kept and reused
(``--store``). The server is ``followfix``'s app under uvicorn in its own process; requests are
sequential on one keep-alive connection. ``/healthz`` is the anchor: each figure is also given as
a ratio to it, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from graph.context import RunContext
from graph.result import CorrectionResult
from graph.run import correct

logger = logging.getLogger("bench.ui_latency")
T0 = datetime(2026, 6, 1, tzinfo=UTC)
SOURCES = ("api", "job:bench0001", "collect", "bulk:input.jsonl")
LOWER = {"id": "change_case:english_lowercase", "kwargs": {}}
NO_COMMA = {"id": "punctuation:no_comma", "kwargs": {}}
WORDS = {"id": "length_constraints:number_words", "kwargs": {"relation": "at least", "num_words": 80}}
BODY = "Tea leaves steep in hot water, while the kettle sings and the Morning light spreads over the table"


async def templates() -> list[CorrectionResult]:
    """Real engine results: corrected (repairs), and failed (no repair for a length)."""
    context = RunContext(strategy="rules", max_rounds=3)
    inputs = []
    for i in range(12):
        text = f"{BODY} number {i}, and the cups wait."
        inputs.append((f"Describe tea {i} in lowercase without commas.", text, [LOWER, NO_COMMA]))
        inputs.append((f"Describe tea {i} without commas.", text, [NO_COMMA]))
        inputs.append((f"Write at least 80 words about tea {i}.", text, [WORDS]))
    return [await correct(ins, resp, specs, context=context) for ins, resp, specs in inputs]


def clone(template: CorrectionResult, i: int) -> CorrectionResult:
    return template.model_copy(
        update={"id": f"ui-bench-{i:08d}", "instruction": f"{template.instruction} (item {i})"}
    )


async def fill(url: str, n: int, batch: int = 2000) -> None:
    from service.store import Store

    store = await Store.open(url)
    try:
        have = await store.count()
        if have >= n:
            logger.info("store already holds %d corrections", have)
            return
        bases = await templates()
        started = time.perf_counter()
        for start in range(have, n, batch):
            results = [clone(bases[i % len(bases)], i) for i in range(start, min(n, start + batch))]
            sources = [SOURCES[i % len(SOURCES)] for i in range(start, start + len(results))]
            when = T0 + timedelta(days=100 * start / n)
            await store.record_many(results, source=sources, created_at=when)
            logger.info(
                "stored %d / %d (%.0f/s)",
                start + len(results),
                n,
                (start + len(results) - have) / (time.perf_counter() - started),
            )
    finally:
        await store.close()


def start_server(db: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The app under uvicorn in its own process (its own GIL), with an API key, on a free port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    repo = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": str(repo),
        "FOLLOWFIX_STORE_URL": f"sqlite+aiosqlite:///{db}",
        "FOLLOWFIX_API_KEYS": KEY,
        "FOLLOWFIX_JOBS_DIR": str(workdir / "jobs"),
        "FOLLOWFIX_COLLECT_WORKERS": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, env=env, cwd=workdir)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start within 60 s")


KEY = "bench-key"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(fn: Callable[[], Any], count: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(count):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def deep_cursor(db: Path, depth: int) -> str:
    """The cursor a client holds after paging ``depth`` rows down the unfiltered list."""
    from service.store.review import encode_cursor

    with sqlite3.connect(db) as conn:
        stamp, seq = conn.execute(
            "SELECT created_at, seq FROM corrections ORDER BY created_at DESC, seq DESC LIMIT 1 OFFSET ?",
            (depth,),
        ).fetchone()
    return encode_cursor(datetime.fromisoformat(stamp), seq)


def api_cases(http: httpx.Client, db: Path, n: int) -> dict[str, Callable[[], Any]]:
    rng = random.Random(0)

    def get(path: str, **params: Any) -> Callable[[], Any]:
        def call() -> Any:
            reply = http.get(path, params=params)
            assert reply.status_code == 200, reply.text
            return reply

        return call

    def detail() -> Any:
        reply = http.get(f"/v1/corrections/ui-bench-{rng.randrange(n):08d}")
        assert reply.status_code == 200, reply.text

    middle = (T0 + timedelta(days=50)).isoformat()
    return {
        "anchor GET /healthz": get("/healthz"),
        "GET /ui (the page)": get("/ui"),
        "list: newest 50": get("/v1/corrections", limit=50),
        f"list: page at row {n // 2:,} (cursor)": get(
            "/v1/corrections", limit=50, cursor=deep_cursor(db, n // 2)
        ),
        "list: status=failed": get("/v1/corrections", status="failed"),
        "list: source=job": get("/v1/corrections", source="job"),
        "list: source=collect + time window": get(
            "/v1/corrections", source="collect", until=middle, since=(T0 + timedelta(days=40)).isoformat()
        ),
        "list: constraint=change_case:english_lowercase": get(
            "/v1/corrections", constraint="change_case:english_lowercase"
        ),
        "list: text search, common word (q=kettle)": get("/v1/corrections", q="kettle"),
        "detail: one correction (random id)": detail,
    }


def browser_cases(url: str, n: int, count: int) -> dict[str, list[float]]:
    """Time from a navigation to the rendered view, in headless Chromium (Debian's)."""
    from tests.service.ui.browser import chromium

    rng = random.Random(1)
    names = ("browser: list view rendered", "browser: detail view rendered")
    out: dict[str, list[float]] = {name: [] for name in names}
    out.update({f"{name}, in-page": [] for name in names})
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{url}/ui")
        page.fill("#apikey", KEY)
        page.click("#auth button")
        page.wait_for_selector("#corrections tbody tr.row")
        for _ in range(count):
            page.goto(f"{url}/ui#/overview")  # leave the list, then time coming back to it
            page.wait_for_selector("#chart-pass", state="attached", timeout=60_000)
            t = time.perf_counter()
            page.goto(f"{url}/ui#/corrections?status=corrected")
            page.wait_for_selector("#corrections tbody tr.row")
            out["browser: list view rendered"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            page.goto(f"{url}/ui#/c/ui-bench-{rng.randrange(n):08d}")
            page.wait_for_selector("#after")
            out["browser: detail view rendered"].append((time.perf_counter() - t) * 1000)
            # The page's own measure (route start to rendered view): no driver round trips in it.
            measures = page.evaluate(
                "() => performance.getEntriesByType('measure').slice(-3).map(m => [m.name, m.duration])"
            )
            timings = dict(measures)
            out[f"{names[0]}, in-page"].append(timings["view:corrections"])
            out[f"{names[1]}, in-page"].append(timings["view:c"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="corrections in the store")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per case")
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "followfix-ui-bench.db")
    parser.add_argument("--browser", action="store_true", help="also time the views in headless Chromium")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("service", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(fill(f"sqlite+aiosqlite:///{args.store}", args.n))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as workdir:
        process, url = start_server(args.store, Path(workdir))
        try:
            headers = {"Authorization": f"Bearer {KEY}"}
            with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
                results = {
                    name: measure(fn, args.requests)
                    for name, fn in api_cases(http, args.store, args.n).items()
                }
                overview = measure(lambda: http.get("/v1/overview").raise_for_status(), 5)
                results["overview: all charts (not a list/detail call)"] = overview
            if args.browser:
                results.update(browser_cases(url, args.n, max(10, args.requests // 10)))
        finally:
            process.terminate()
            process.wait(timeout=30)
    anchor = statistics.median(results["anchor GET /healthz"])
    logger.info(
        "\n%d corrections in %s; %d requests per case (browser: fewer)", args.n, args.store, args.requests
    )
    cpus = os.cpu_count() or 0
    logger.info(
        "1-minute load average %.1f before, %.1f after, %d CPUs", load_before, os.getloadavg()[0], cpus
    )
    logger.info("%-52s %9s %9s %9s %8s", "case", "p50 ms", "p95 ms", "max ms", "p95/anchor")
    for name, samples in results.items():
        p95 = percentile(samples, 0.95)
        logger.info(
            "%-52s %9.2f %9.2f %9.2f %8.1fx",
            name,
            statistics.median(samples),
            p95,
            max(samples),
            p95 / anchor,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
