"""Store benchmark: rows/s written and exported for synthetic corrections, and export peak memory.

    .venv/bin/python bench/store_export.py                       # SQLite file in a temp dir
    .venv/bin/python bench/store_export.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/test

With a PostgreSQL URL a scratch database is created on that server and dropped afterwards. Peak
memory of an export is measured in a fresh subprocess per size (peak RSS, and its growth over the
RSS just before the export started), so the sizes do not share a heap.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.result import ConstraintSpec, CorrectionResult, Step, Usage, Verdict

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WORDS = [
    "tea",
    "leaves",
    "steep",
    "in",
    "hot",
    "water",
    "while",
    "the",
    "kettle",
    "sings",
    "and",
    "the",
    "morning",
    "light",
    "spreads",
]


def synthetic(i: int) -> CorrectionResult:
    """A corrected result of realistic size: ~60 words, two constraints, one repair step."""
    body = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(60))
    original, final = f"Note {i}, {body}", f"Note {i} {body}"
    constraints = [
        ConstraintSpec(id="punctuation:no_comma"),
        ConstraintSpec(
            id="length_constraints:number_words", kwargs={"relation": "at least", "num_words": 40}
        ),
    ]
    return CorrectionResult(
        id=f"bench-{i:08d}",
        instruction=f"Write note {i} about tea in at least 40 words without commas.",
        original=original,
        final=final,
        status="corrected",
        strategy="rules",
        constraints=constraints,
        verdicts_before=[Verdict(id="punctuation:no_comma", passed=False, detail="1 comma")],
        verdicts_after=[Verdict(id=c.id, passed=True, detail="ok") for c in constraints],
        rounds=1,
        stop_reason="all constraints pass",
        trajectory=[
            Step(
                index=0,
                round=1,
                constraint_ids=["punctuation:no_comma"],
                method="repair",
                response_before=original,
                response_after=final,
                accepted=True,
                edit_distance=0.01,
                passed_after=[True, True],
            )
        ],
        usage=Usage(),
    )


def created(i: int) -> datetime:
    """Row i's timestamp: one second per 1,000 rows, so ``until`` selects the first k rows."""
    return T0 + timedelta(seconds=i // 1000)


async def write(url: str, rows: int, batch: int) -> float:
    from service.store import Store

    store = await Store.open(url)
    started = time.perf_counter()
    for start in range(0, rows, batch):
        chunk = [synthetic(i) for i in range(start, min(start + batch, rows))]
        await store.record_many(chunk, source="bench", created_at=created(start))
    elapsed = time.perf_counter() - started
    assert await store.count() == rows
    await store.close()
    return elapsed


async def recorder_rate(url: str, rows: int, concurrency: int) -> float:
    """Rows/s through the Recorder with ``concurrency`` submitters (the request path)."""
    from service.store import Store
    from service.store.recorder import Recorder

    store = await Store.open(url)
    recorder = Recorder(store)
    recorder.start()
    offset = 10_000_000
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await recorder.submit(synthetic(offset + i), source="recorder")

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(rows)))
    elapsed = time.perf_counter() - started
    await recorder.stop()
    await store.close()
    return rows / elapsed


def measure_export(url: str, fmt: str, limit: int, output: Path) -> dict[str, float]:
    """Run one export in a fresh interpreter; returns rows, seconds and memory figures."""
    command = [sys.executable, __file__, "--child", "--url", url, "--format", fmt, "--limit", str(limit)]
    done = subprocess.run([*command, "--output", str(output)], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def child(url: str, fmt: str, limit: int, output: Path) -> None:
    import pyarrow  # noqa: F401  (loaded before the baseline so the growth is the export's own)

    from service.store import Store
    from service.store.export import export

    store = await Store.open(url)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rows = await export(store, fmt, output_path=output, until=created(limit))  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    await store.close()
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": elapsed,
                "peak_rss_mib": peak / 1024,
                "growth_mib": (peak - baseline) / 1024,
            }
        )
    )


async def admin(url: str, sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    conn = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="store URL (default: a SQLite file in a temp dir)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="corrections per write transaction")
    parser.add_argument("--sizes", default="10000,100000", help="export sizes for the memory figures")
    parser.add_argument("--recorder-rows", type=int, default=5000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--format", default="trl", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.url, args.format, args.limit, args.output))
        return

    from sqlalchemy.engine import make_url

    from service.store import normalize_url

    workdir = Path(tempfile.mkdtemp(prefix="followfix-bench-"))
    url = normalize_url(args.url or f"sqlite+aiosqlite:///{workdir}/bench.db")
    scratch = None
    if make_url(url).get_backend_name() == "postgresql":
        scratch = f"followfix_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(admin(url, f'CREATE DATABASE "{scratch}"'))
        url = make_url(url).set(database=scratch).render_as_string(hide_password=False)
    try:
        backend = make_url(url).get_backend_name()
        print(f"store: {backend}; {args.rows} synthetic corrections, {args.batch} per transaction")
        seconds = asyncio.run(write(url, args.rows, args.batch))
        print(
            f"write (record_many):  {args.rows / seconds:10.0f} rows/s  ({seconds:.1f} s, pairs built + verified)"
        )
        for fmt, suffix in (("trl", "jsonl"), ("trl", "parquet"), ("sft", "jsonl"), ("rlvr", "jsonl")):
            figures = measure_export(url, fmt, args.rows, workdir / f"all.{fmt}.{suffix}")
            rate = figures["rows"] / figures["seconds"]
            print(
                f"export {fmt:4} {suffix:7}:  {rate:10.0f} rows/s  ({figures['rows']:.0f} rows, {figures['seconds']:.1f} s)"
            )
        for size in (int(s) for s in args.sizes.split(",")):
            for suffix in ("jsonl", "parquet"):
                figures = measure_export(url, "trl", size, workdir / f"mem.{size}.{suffix}")
                print(
                    f"export trl {suffix:7} {figures['rows']:7.0f} rows: peak RSS {figures['peak_rss_mib']:6.1f} MiB, "
                    f"growth during export {figures['growth_mib']:5.1f} MiB"
                )
        if args.recorder_rows:
            rate = asyncio.run(recorder_rate(url, args.recorder_rows, 200))
            print(f"recorder, 200 concurrent submitters: {rate:8.0f} rows/s ({args.recorder_rows} rows)")
    finally:
        if scratch is not None:
            asyncio.run(admin(args.url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
