"""A real uvicorn server on a free loopback port, in a background thread, for one app.

The socket is bound before the server starts, so the port is known and never raced for.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from service.app import create_app
from service.settings import Settings


@contextmanager
def live_server(settings: Settings, *, startup_timeout_s: float = 30.0) -> Iterator[str]:
    """Serve ``create_app(settings)`` on 127.0.0.1:<free port>; yield its base URL."""
    with serve_app(create_app(settings), startup_timeout_s=startup_timeout_s) as url:
        yield url


@contextmanager
def serve_app(app: FastAPI, *, startup_timeout_s: float = 30.0) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1:<free port> in a background thread; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn exited during startup (see the log above)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start within {startup_timeout_s}s")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
