"""``followfix serve``: run the REST API under uvicorn (settings from FOLLOWFIX_* and .env)."""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

logger = logging.getLogger(__name__)


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
    logger.info("serving on http://%s:%d (docs: http://%s:%d/docs)", host, port, host, port)
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=args.access_log,
    )
    return 0
