"""A real local HTTP server speaking the OpenAI chat-completions protocol: the test teacher.

It reads the machine-readable constraint spec and the delimited response out of followfix's
teacher prompt and edits the response like a (competent, sloppy, slow, flaky or garbage) model.
It is also gullible on purpose: an "ignore previous instructions" found OUTSIDE the delimited data
makes it reply "OK", so a prompt that fails to fence its data is caught by the tests.

Run standalone: ``python -m tests.support.openai_server --port 8011 --mode competent --latency 0.2``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.teacher_edits import break_one, fix

log = logging.getLogger(__name__)

MODES = ("competent", "sloppy", "slow", "flaky", "garbage", "instant", "bad_request", "scripted")
GARBAGE = [
    "",
    "   ",
    "```\n```",
    "Sure! Here is the revised response:",
    "I'm sorry, but I can't help with that.",
    "OK",
]
_SPEC = re.compile(r"<constraint-spec>\s*(.*?)\s*</constraint-spec>", re.DOTALL)
_DATA = re.compile(r"<(response|instruction)-([0-9a-f]{10})>\n(.*?)\n</\1-\2>", re.DOTALL)


class _Server(ThreadingHTTPServer):
    """A listen backlog like real servers' (uvicorn: 2048): the stdlib's 5 drops the SYNs of a
    client opening 64 connections at once, and each dropped one costs a 1 s retransmit."""

    request_queue_size = 1024


def _words(text: str) -> int:
    return len(text.split())


class TeacherServer:
    """The server plus its knobs and a log of every request body it received."""

    def __init__(
        self,
        mode: str = "competent",
        *,
        latency_s: float = 0.0,
        fail_times: int = 0,
        fail_status: int = 429,
        retry_after: str | None = "0",
        replies: list[str] | None = None,
        fail_after: int | None = None,
        stream_delay_s: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        model: str = "test-teacher",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode, self.latency_s, self.model = mode, latency_s, model
        self.fail_times, self.fail_status, self.retry_after = fail_times, fail_status, retry_after
        self.replies = list(replies or [])
        self.fail_after = fail_after
        self.stream_delay_s = stream_delay_s
        self.served = 0
        self.requests: list[dict[str, Any]] = []
        self.request_headers: list[dict[str, str]] = []
        self.streams_open = 0
        self.streams_aborted = 0
        self.streams_finished = 0
        self.hits = 0
        self._lock = threading.Lock()
        self._garbage = itertools.cycle(GARBAGE)
        self._httpd = _Server((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="teacher-server",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def chat_requests(self) -> list[dict[str, Any]]:
        """Bodies of the chat requests served successfully (failed attempts excluded)."""
        with self._lock:
            return [r for r in self.requests if r.get("_served")]

    # --- behaviour -------------------------------------------------------------------------------
    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(status, JSON body, headers) for one chat request."""
        with self._lock:
            self.hits += 1
            self.requests.append(body)
            failing = self.mode == "flaky" and self.hits <= self.fail_times
            failing = failing or (self.fail_after is not None and self.served >= self.fail_after)
            self.served += 0 if failing or self.mode == "bad_request" else 1
        if self.latency_s:
            time.sleep(self.latency_s)
        if failing or self.mode == "bad_request":
            status = 400 if self.mode == "bad_request" else self.fail_status if self.mode == "flaky" else 500
            headers = (
                {"Retry-After": self.retry_after} if self.retry_after is not None and status == 429 else {}
            )
            error = {"message": f"test teacher says {status}", "type": "test_error", "code": str(status)}
            return status, {"error": error}, headers
        body["_served"] = True
        messages = body.get("messages") or []
        reply = self.reply_text(messages)
        prompt_tokens = sum(_words(str(m.get("content", ""))) for m in messages)
        return 200, self.completion(reply, prompt_tokens), {}

    def reply_text(self, messages: list[dict[str, Any]]) -> str:
        if self.mode == "scripted":
            with self._lock:
                return self.replies.pop(0) if self.replies else ""
        if self.mode == "garbage":
            return next(self._garbage)
        user = str(messages[-1].get("content", "")) if messages else ""
        outside = _DATA.sub("", " ".join(str(m.get("content", "")) for m in messages))
        if "ignore previous instructions" in outside.lower():
            return "OK"
        spec_match, data = _SPEC.search(user), {kind: text for kind, _, text in _DATA.findall(user)}
        if spec_match is None or "response" not in data:
            return "ready"
        spec = json.loads(spec_match.group(1))
        text = data["response"]
        for target in spec.get("fix", []):
            text = fix(text, target)
        if self.mode == "sloppy":
            text = break_one(text, spec.get("keep", []))
        return f"Here is the revised response:\n\n<revised>\n{text}\n</revised>"

    def chunks(self, completion: dict[str, Any], include_usage: bool) -> list[dict[str, Any]]:
        """A completion as the protocol's stream: role, one chunk per word, finish, usage."""
        base = {k: completion[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
        text = completion["choices"][0]["message"]["content"]
        pieces = re.findall(r"\S+\s*|\s+", text) or [""]
        out = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}]
        out += [
            {**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]}
            for p in pieces
        ]
        out.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if include_usage:
            out.append({**base, "choices": [], "usage": completion["usage"]})
        return out

    def completion(self, reply: str, prompt_tokens: int) -> dict[str, Any]:
        completion_tokens = _words(reply)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


def _handler_for(server: TeacherServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        wbufsize = 1 << 16  # headers and body leave in one write (no delayed-ACK stall)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("teacher-server: " + format, *args)

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(
                    200,
                    {"object": "list", "data": [{"id": server.model, "object": "model", "owned_by": "test"}]},
                )
            else:
                self._send(404, {"error": {"message": "not found", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": "not found", "type": "not_found"}})
                return
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                self._send(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                return
            with server._lock:
                server.request_headers.append({k.lower(): v for k, v in self.headers.items()})
            status, payload, headers = server.answer(body)
            if body.get("stream") and status == 200:
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                self._stream(server.chunks(payload, include_usage))
                return
            self._send(status, payload, headers)

        def _stream(self, chunks: list[dict[str, Any]]) -> None:
            """SSE over chunked transfer encoding, one flush per event; a client that hangs up
            mid-stream is counted in ``streams_aborted``."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            events = [f"data: {json.dumps(c)}\n\n".encode() for c in chunks] + [b"data: [DONE]\n\n"]
            with server._lock:
                server.streams_open += 1
            try:
                for index, data in enumerate(events):
                    if index and server.stream_delay_s:
                        time.sleep(server.stream_delay_s)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                with server._lock:
                    server.streams_finished += 1
            except (BrokenPipeError, ConnectionResetError):
                with server._lock:
                    server.streams_aborted += 1
                self.close_connection = True
            finally:
                with server._lock:
                    server.streams_open -= 1

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="OpenAI-compatible test teacher")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=MODES, default="competent")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--fail-times", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=429)
    args = parser.parse_args(argv)
    server = TeacherServer(
        args.mode,
        latency_s=args.latency,
        fail_times=args.fail_times,
        fail_status=args.fail_status,
        host=args.host,
        port=args.port,
    )
    print(f"listening on {server.base_url}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
