"""Reward throughput: completions scored per second in-process and over HTTP (OpenRLHF-shaped).

In-process: a batch of 1,000 real responses (IFEval's GPT-4 and Llama-3.1-8B answers to the 541
IFEval prompts) scored strict / fraction, as a GRPO reward would. ``cold``
clears every cache first (built specs, sentence splits, language detections); ``steady`` keeps
only the built specs (a trainer sees each prompt's spec once per generation and epoch) and
clears the text memos before every pass, since RL completions are always new text.

HTTP: ``followfix serve`` (one worker) in a subprocess; 16 clients keep one OpenRLHF request each
in flight (``POST /v1/reward/openrlhf`` with ``query``/``prompts``/``labels``), batches of 1 and of
64. Every text, in-process and over HTTP, gets a unique whitespace tail, so no whole-text memo hits
(thinking is therefore not stripped here: stripping would remove the tail; it costs a
``str.strip``, ``str.replace`` and one ``rsplit`` per completion). Per-sentence memos still hit in
a long-running server (the same 1,000 answers come round again), so the HTTP figures are set
against ``memo``, the in-process figure under the same condition, measured in the same run: per
wall second (what a trainer waits for) and per CPU second (the server's own efficiency, which
holds when other load on the machine takes cores from the server).

Run: ``.venv/bin/python bench/reward_throughput.py [--repeat 5] [--duration 8] [--clients 16]``
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
# The load generator of bench/service_load.py, imported by name at run time: a static import
# would name that file differently from how `mypy bench` names it (with or without bench/__init__).
_load = importlib.import_module("service_load")
RawClient, benchmarks_dir, cpu_seconds = _load.RawClient, _load.benchmarks_dir, _load.cpu_seconds
percentile, run_load, start_server, unique_tail = (
    _load.percentile,
    _load.run_load,
    _load.start_server,
    _load.unique_tail,
)

TEMPLATE = "<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n"
Row = tuple[str, str, str]  # prompt, response, ground truth (open-instruct's string)


def load(bench: Path, n: int = 1000) -> list[Row]:
    prompts = [json.loads(line) for line in (bench / "ifeval" / "input_data.jsonl").open(encoding="utf-8")]
    rows: list[Row] = []
    for name in ("responses_gpt4.jsonl", "responses_llama31_8b.jsonl"):
        answers = {}
        for line in (bench / "ifeval" / name).open(encoding="utf-8"):
            row = json.loads(line)
            answers[row["prompt"]] = row["response"]
        for p in prompts:
            if p["prompt"] not in answers:  # one Llama answer is to a variant of its prompt
                continue
            truth = str([{"instruction_id": p["instruction_id_list"], "kwargs": p["kwargs"]}])
            rows.append((p["prompt"], answers[p["prompt"]], truth))
    return rows[:n]


def clear_text_caches() -> None:
    from graph.constraints import text

    text.clear_caches()


def clear_spec_caches() -> None:
    from graph.reward.score import clear_cache

    clear_cache()


def in_process(rows: list[Row], repeat: int) -> dict[str, float]:
    """Completions/s over the batch: ``cold``, ``steady`` (median) and ``memo`` (median: text memos
    kept across passes, as in a long-running server), plus the mean reward."""
    from graph.reward import score

    passes = iter(range(3 * repeat + 1))

    def one_pass() -> tuple[float, float, float]:
        """(completions per wall second, per CPU second of this process, mean reward)."""
        offset = next(passes) * len(rows)
        texts = [(response + unique_tail(offset + i), truth) for i, (_, response, truth) in enumerate(rows)]
        start, cpu = time.perf_counter(), time.process_time()
        rewards = [score(text, truth, strip_think=False).reward for text, truth in texts]
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        return len(rows) / wall, len(rows) / cpu, sum(rewards) / len(rewards)

    clear_text_caches()
    clear_spec_caches()
    cold, cold_cpu, mean_reward = one_pass()
    steady = []
    for _ in range(repeat):
        clear_text_caches()
        steady.append(one_pass())
    memo = [one_pass() for _ in range(repeat)]
    return {
        "cold": cold,
        "cold_cpu": cold_cpu,
        "steady": statistics.median(p[0] for p in steady),
        "steady_cpu": statistics.median(p[1] for p in steady),
        "memo": statistics.median(p[0] for p in memo),
        "memo_cpu": statistics.median(p[1] for p in memo),
        "mean_reward": mean_reward,
    }


def bodies(rows: list[Row], batch: int) -> Iterator[bytes]:
    counter = 0
    while True:
        queries, prompts, labels = [], [], []
        for _ in range(batch):
            prompt, response, truth = rows[counter % len(rows)]
            head = TEMPLATE.format(prompt)
            queries.append(head + response + unique_tail(counter) + "<|im_end|>")
            prompts.append(head)
            labels.append(truth)
            counter += 1
        yield json.dumps({"query": queries, "prompts": prompts, "labels": labels}).encode()


def over_http(url: str, pid: int, rows: list[Row], batch: int, args: argparse.Namespace) -> dict[str, Any]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    before = cpu_seconds(pid)
    stats, elapsed = asyncio.run(
        run_load(
            lambda: RawClient(host, port),
            "/v1/reward/openrlhf?strip_thinking=false",
            bodies(rows, batch),
            {},
            args.clients,
            args.warmup,
            args.duration,
        )
    )
    server_cpu = (cpu_seconds(pid) - before) * elapsed / (elapsed + args.warmup)
    ms = [x * 1000 for x in stats.latencies]
    assert set(stats.statuses) == {200}, stats.statuses
    return {
        "completions_s": len(ms) * batch / elapsed,
        "completions_cpu_s": len(ms) * batch / server_cpu,
        "requests_s": len(ms) / elapsed,
        "p50_ms": percentile(ms, 0.5),
        "p99_ms": percentile(ms, 0.99),
        "server_cores": server_cpu / elapsed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--benchmarks", help="benchmark data directory (default ../shared/benchmarks)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--batches", default="1,64")
    args = parser.parse_args(argv)

    rows = load(benchmarks_dir(args.benchmarks))
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; python {sys.version.split()[0]}"
    )
    figures = in_process(rows, args.repeat)
    memo = figures["memo"]
    print(
        f"in-process, {len(rows)} IFEval responses (strict, fraction), mean reward {figures['mean_reward']:.4f}"
    )
    print("  completions per wall second | per CPU second of the process")
    for name, what in (
        ("cold", "every cache cleared"),
        ("steady", f"specs built once, text memos cleared each pass; median of {args.repeat}"),
        ("memo", f"text memos kept across passes, as in the server; median of {args.repeat}"),
    ):
        print(f"  {name} ({what}): {figures[name]:,.0f} | {figures[name + '_cpu']:,.0f}")
    with tempfile.TemporaryDirectory(prefix="followfix-bench-") as store_dir:
        server, url = start_server(1, None, store_dir)
        try:
            for batch in (int(b) for b in args.batches.split(",")):
                r = over_http(url, server.pid, rows, batch, args)
                print(
                    f"HTTP OpenRLHF batch {batch}, {args.clients} clients: {r['completions_s']:,.0f} completions/s "
                    f"({r['requests_s']:,.0f} req/s), p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; "
                    f"server {r['server_cores']:.2f} cores, {r['completions_cpu_s']:,.0f} completions per server "
                    f"CPU second; ratio to in-process memo: wall {r['completions_s'] / memo:.2f}, "
                    f"CPU {r['completions_cpu_s'] / figures['memo_cpu']:.2f}"
                )
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
