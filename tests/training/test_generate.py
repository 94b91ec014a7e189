"""Student generation: the transformers fallback end to end, the vllm-serve client against a real
local HTTP server (retries, errors, order), resumability, and the message when vLLM is missing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from graph.errors import FollowfixError
from service.cli import main as cli
from training.backends import VLLM_MISSING, GenParams, ServerBackend, make_backend, vllm_available
from training.data import PromptRow
from training.generate import done_keys, generate_rows


class _OpenAIish(BaseHTTPRequestHandler):
    """Answers chat completions with the prompt reversed; 503 on the first try of '!flaky' prompts."""

    seen: dict[str, int] = {}  # noqa: RUF012  (shared across handler instances on purpose)
    lock = threading.Lock()

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(200, {"object": "list", "data": [{"id": "student-7b"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][-1]["content"]
        with self.lock:
            self.seen[prompt] = self.seen.get(prompt, 0) + 1
            tries = self.seen[prompt]
        if prompt.startswith("!bad"):
            self._send(400, {"error": {"message": "bad request"}})
        elif prompt.startswith("!flaky") and tries == 1:
            self._send(503, {"error": {"message": "overloaded"}})
        else:
            reply = f"{body['model']}:{prompt[::-1]}"
            self._send(200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": reply}}]})


@pytest.fixture
def server() -> Iterator[str]:
    _OpenAIish.seen = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _OpenAIish)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_server_backend_keeps_order_and_retries_5xx(server: str) -> None:
    backend = ServerBackend(server, concurrency=8)
    prompts = [f"prompt {i}" for i in range(20)] + ["!flaky one"]
    answers = backend.generate(prompts, GenParams(max_tokens=8))
    assert answers[:20] == [f"student-7b:{p[::-1]}" for p in prompts[:20]]  # model from /v1/models
    assert answers[20] == "student-7b:eno ykalf!"
    assert _OpenAIish.seen["!flaky one"] == 2


def test_server_backend_does_not_retry_4xx(server: str) -> None:
    with pytest.raises(FollowfixError, match="400"):
        ServerBackend(server, "m").generate(["!bad"], GenParams())
    assert _OpenAIish.seen["!bad"] == 1


def test_server_unreachable_says_how_to_start_one() -> None:
    with pytest.raises(FollowfixError, match="vllm serve"):
        ServerBackend("http://127.0.0.1:9/v1").generate(["hi"], GenParams())


def test_vllm_backend_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "vllm" else real(name, *a)
    )
    assert not vllm_available()
    with pytest.raises(FollowfixError) as info:
        make_backend("vllm", "some/model")
    assert str(info.value) == VLLM_MISSING and "vllm serve" in VLLM_MISSING


def test_generate_resumes_and_cuts_a_torn_line(server: str, tmp_path: Path) -> None:
    out = tmp_path / "gen.jsonl"
    prompts = [PromptRow(str(i), f"p{i}", ["punctuation:no_comma"], [{}]) for i in range(5)]
    backend = ServerBackend(server, "m")
    assert generate_rows(prompts[:3], backend, out, chunk_size=2) == 3
    with out.open("a") as fh:
        fh.write('{"key": "3", "prompt": "p3", "resp')  # a crash mid-write
    assert done_keys(out) == {"0", "1", "2"}
    assert generate_rows(prompts, backend, out) == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["key"] for r in rows] == ["0", "1", "2", "3", "4"]
    assert _OpenAIish.seen["p0"] == 1  # nothing answered twice


def test_generate_cli_transformers_fallback(tiny_model_dir: Path, prompts_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    argv = ["generate", "--input", str(prompts_file), "-o", str(out), "--model", str(tiny_model_dir)]
    argv += ["--backend", "transformers", "--max-tokens", "8", "--temperature", "1.0", "--limit", "3"]
    assert cli(argv) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["key"] for r in rows] == ["1", "2", "3"]
    for row in rows:  # the rows the bulk corrector reads
        assert set(row) == {"key", "prompt", "response", "instruction_id_list", "kwargs"}
        assert isinstance(row["response"], str) and row["response"]
    assert rows[0]["instruction_id_list"] == ["startend:quotation"]
    assert cli(argv) == 0  # resumed: nothing new
    assert len(out.read_text().splitlines()) == 3


@pytest.mark.gpu
def test_vllm_offline_engine_on_gpu(tiny_model_dir: Path) -> None:
    import torch

    if not vllm_available() or not torch.cuda.is_available():
        pytest.skip("needs vllm importable and a CUDA GPU")
    backend = make_backend("vllm", str(tiny_model_dir))
    answers = backend.generate(["Say hi.", "Name a color."], GenParams(max_tokens=8))
    assert len(answers) == 2 and all(isinstance(a, str) for a in answers)
