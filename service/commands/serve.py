"""``followfix serve``: run the REST API under uvicorn (settings from FOLLOWFIX_* and .env).

With ``--workers N > 1`` every worker listens on its own ``SO_REUSEPORT`` socket, so the kernel
spreads connections over the workers. uvicorn's own multi-worker mode shares one listening socket
and the first worker to wake accepts every pending connection: a client opening a handful of
keep-alive connections at once then often gets them all on one worker, which serves them on one
core while the others idle (measured: 4 of 4 and 16 of 16 connections on one of two workers).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import signal
import socket
import time
from typing import Any

logger = logging.getLogger(__name__)

APP = "service.app:create_app"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the REST API (POST /v1/correct, /v1/verify, ...; docs at /docs)",
        description="Settings come from FOLLOWFIX_* variables and .env; these flags override them.",
    )
    parser.add_argument("--host", help="bind address (default: FOLLOWFIX_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: FOLLOWFIX_PORT or 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--store-url", help="SQLAlchemy URL of the store (default: sqlite under var/)")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--access-log", action="store_true", help="log every request (costs throughput)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from service.settings import Settings

    # Workers are separate processes that build their own Settings: overrides travel as environment.
    if args.store_url:
        os.environ["FOLLOWFIX_STORE_URL"] = args.store_url
    settings = Settings()
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    if args.workers < 1:
        raise SystemExit("followfix serve: --workers must be at least 1")
    options = {"log_level": args.log_level, "access_log": args.access_log}
    if args.workers > 1 and hasattr(socket, "SO_REUSEPORT") and port != 0:
        logger.info("serving on http://%s:%d with %d workers", host, port, args.workers)
        return _run_workers(host, port, args.workers, options)
    logger.info("serving on http://%s:%d (docs: http://%s:%d/docs)", host, port, host, port)
    uvicorn.run(APP, factory=True, host=host, port=port, workers=args.workers, **options)
    return 0


def _reuseport_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _worker(host: str, port: int, options: dict[str, Any]) -> None:
    """One worker process: its own listening socket, one uvicorn server (exit code 3 = startup failed)."""
    import uvicorn

    config = uvicorn.Config(APP, factory=True, host=host, port=port, **options)
    uvicorn.Server(config).run(sockets=[_reuseport_socket(host, port)])


def _run_workers(host: str, port: int, workers: int, options: dict[str, Any]) -> int:
    """Start, watch and stop the workers: a worker that dies is replaced; SIGINT/SIGTERM stop them all."""
    try:
        # Held bound (never listening, so it gets no connections): the port is ours while workers restart.
        reservation = _reuseport_socket(host, port)
    except OSError as exc:
        raise SystemExit(f"followfix serve: cannot bind {host}:{port}: {exc}") from None
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> Any:
        process = context.Process(target=_worker, args=(host, port, options), name="followfix-worker")
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    failed = False
    try:
        while not stopping:
            time.sleep(0.2)
            for index, process in enumerate(processes):
                if process.is_alive() or stopping:
                    continue
                if process.exitcode == 3:  # uvicorn's STARTUP_FAILURE: restarting would only loop
                    logger.error("a worker failed to start (exit code 3): stopping")
                    stopping = failed = True
                    break
                logger.warning("worker %s exited with %s: starting another", process.pid, process.exitcode)
                processes[index] = start()
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        reservation.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if failed else 0
