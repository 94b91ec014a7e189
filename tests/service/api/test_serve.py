"""``followfix serve`` as a user runs it: a subprocess with two uvicorn workers on a loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.net import free_port


def test_serve_with_two_workers_answers_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "FOLLOWFIX_API_KEYS": "", "FOLLOWFIX_TEACHER_MODEL": ""}
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--store-url",
        f"sqlite:///{tmp_path / 'serve.db'}",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        body = {"response": "Fine, thanks.", "constraints": [{"id": "punctuation:no_comma"}]}
        with httpx.Client(base_url=base) as client:
            verdicts = [client.post("/v1/verify", json=body).json()["passed"] for _ in range(20)]
        assert verdicts == [False] * 20
        assert (tmp_path / "serve.db").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output


def test_workers_get_their_own_listening_sockets_on_one_port() -> None:
    """SO_REUSEPORT: each worker's socket binds the same port, so the kernel spreads connections."""
    from service.commands.serve import _reuseport_socket

    first = _reuseport_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = _reuseport_socket("127.0.0.1", port)
    try:
        first.listen()
        second.listen()
        assert second.getsockname()[1] == port
    finally:
        first.close()
        second.close()


def test_serve_with_workers_on_a_taken_port_fails_with_a_message(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "2"]
        env = {
            **os.environ,
            "FOLLOWFIX_API_KEYS": "",
            "FOLLOWFIX_STORE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        }
        done = subprocess.run(command, check=False, env=env, cwd=tmp_path, capture_output=True, timeout=60)
    assert done.returncode != 0
    assert f"cannot bind 127.0.0.1:{port}" in done.stderr.decode()
