"""Where student answers come from: a ``vllm serve`` endpoint, in-process vLLM, or transformers.

vLLM pins its own torch/transformers/fastapi, so it lives in its own environment and is reached
over its OpenAI-compatible API (the default). The in-process engine is used only where ``vllm``
imports (that environment); transformers is the slow CPU fallback for tests and smoke runs.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from graph.errors import FollowfixError

log = logging.getLogger(__name__)

VLLM_MISSING = (
    "vLLM is not importable here: it pins its own torch/transformers, so it is not part of the "
    "'train' extra. Either run `vllm serve MODEL` in its own environment and use --backend server "
    "--base-url http://HOST:8000/v1, or install followfix[gpu] into a separate venv on a GPU machine, "
    "or use --backend transformers (slow, CPU-friendly)."
)


@dataclass(frozen=True)
class GenParams:
    """Sampling knobs shared by every backend (greedy by default, for reproducible evals)."""

    max_tokens: int = 1024
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0


class Backend(Protocol):
    name: str

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[str]:
        """One answer per user prompt, in order."""
        ...


def vllm_available() -> bool:
    return importlib.util.find_spec("vllm") is not None


def _retryable(exc: BaseException) -> bool:
    """Timeouts, connection errors, 429 and 5xx are retried; any other 4xx is a caller error."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


class ServerBackend:
    """An OpenAI-compatible chat-completions endpoint (``vllm serve``), many requests in flight."""

    name = "server"

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        *,
        api_key: str | None = None,
        concurrency: int = 64,
        timeout_s: float = 300.0,
        attempts: int = 5,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.concurrency = concurrency
        self.timeout = httpx.Timeout(timeout_s, connect=10.0)
        self.attempts = attempts

    def served_models(self) -> list[str]:
        """The served model ids; also the reachability check that gives a clear error."""
        try:
            resp = httpx.get(f"{self.base_url}/models", headers=self.headers, timeout=10.0)
            resp.raise_for_status()
        except httpx.HTTPError as exc:
            raise FollowfixError(
                f"no OpenAI-compatible server at {self.base_url} ({exc}). Start one with "
                "`vllm serve MODEL` or pass --backend transformers for a CPU run."
            ) from exc
        return [m["id"] for m in resp.json().get("data", [])]

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[str]:
        if self.model is None:
            served = self.served_models()
            if not served:
                raise FollowfixError(f"{self.base_url} serves no model")
            self.model = served[0]
        return asyncio.run(self._generate_all(prompts, params))

    async def _generate_all(self, prompts: Sequence[str], params: GenParams) -> list[str]:
        limit = asyncio.Semaphore(self.concurrency)
        limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
        async with httpx.AsyncClient(timeout=self.timeout, headers=self.headers, limits=limits) as client:

            async def one(prompt: str) -> str:
                async with limit:
                    return await self._complete(client, prompt, params)

            return list(await asyncio.gather(*(one(p) for p in prompts)))

    async def _complete(self, client: httpx.AsyncClient, prompt: str, params: GenParams) -> str:
        body = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "seed": params.seed,
        }
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            wait=wait_random_exponential(multiplier=0.5, max=30),
            stop=stop_after_attempt(self.attempts),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    resp = await client.post(f"{self.base_url}/chat/completions", json=body)
                    resp.raise_for_status()
                    data = resp.json()
        except httpx.HTTPError as exc:
            raise FollowfixError(f"generation failed at {self.base_url}: {exc}") from exc
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise FollowfixError(f"{self.base_url} answered without choices[0].message.content") from exc
        return str(content or "")


class VLLMBackend:
    """vLLM's offline engine in this process (only in an environment where vllm imports)."""

    name = "vllm"

    def __init__(
        self, model: str, *, tensor_parallel_size: int = 1, max_model_len: int | None = None
    ) -> None:
        if not vllm_available():
            raise FollowfixError(VLLM_MISSING)
        from vllm import LLM  # type: ignore[import-not-found,unused-ignore]

        self.llm = LLM(model=model, tensor_parallel_size=tensor_parallel_size, max_model_len=max_model_len)

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[str]:
        from vllm import SamplingParams  # type: ignore[import-not-found,unused-ignore]

        sampling = SamplingParams(
            max_tokens=params.max_tokens, temperature=params.temperature, top_p=params.top_p, seed=params.seed
        )
        conversations = [[{"role": "user", "content": p}] for p in prompts]
        outputs = self.llm.chat(conversations, sampling, use_tqdm=False)
        return [out.outputs[0].text for out in outputs]


class TransformersBackend:
    """``model.generate`` in batches with left padding: slow, but runs anywhere (tests, CPU)."""

    name = "transformers"

    def __init__(
        self,
        model: str,
        *,
        device: str | None = None,
        batch_size: int = 8,
        dtype: str = "auto",
        gguf_file: str | None = None,
    ) -> None:
        import torch

        from training.loading import load_causal_lm, load_tokenizer

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.batch_size = batch_size
        self.tokenizer = load_tokenizer(model, gguf_file, padding_side="left")
        loaded: Any
        if not gguf_file and (Path(model) / "adapter_config.json").is_file():
            from peft import AutoPeftModelForCausalLM

            loaded = AutoPeftModelForCausalLM.from_pretrained(model, dtype=dtype).merge_and_unload()
        else:
            loaded = load_causal_lm(model, gguf_file, dtype=dtype)
        self.model = loaded.to(self.device).eval()

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[str]:
        import torch

        answers: list[str] = []
        torch.manual_seed(params.seed)
        for start in range(0, len(prompts), self.batch_size):
            chunk = prompts[start : start + self.batch_size]
            texts = [
                self.tokenizer.apply_chat_template(
                    [{"role": "user", "content": p}], add_generation_prompt=True, tokenize=False
                )
                for p in chunk
            ]
            enc = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(
                self.device
            )
            sample = params.temperature > 0
            with torch.inference_mode():
                out = self.model.generate(
                    **enc,
                    max_new_tokens=params.max_tokens,
                    do_sample=sample,
                    temperature=params.temperature if sample else None,
                    top_p=params.top_p if sample else None,
                    pad_token_id=self.tokenizer.pad_token_id,
                )
            new_tokens = out[:, enc["input_ids"].shape[1] :]
            answers.extend(self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
        return answers


def make_backend(
    kind: str,
    model: str | None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    concurrency: int = 64,
    batch_size: int = 8,
    device: str | None = None,
    gguf_file: str | None = None,
) -> Backend:
    """``server`` | ``vllm`` | ``transformers`` | ``auto`` (server if a URL is given, else vllm, else transformers).

    ``gguf_file`` loads the local model from that GGUF (transformers only; a server loads its own).
    """
    if kind == "auto":
        if base_url:
            return ServerBackend(base_url, model, api_key=api_key, concurrency=concurrency)
        if model and vllm_available() and not gguf_file:
            kind = "vllm"
        else:
            log.warning("%s Falling back to transformers.", VLLM_MISSING)
            kind = "transformers"
    if kind == "server":
        return ServerBackend(
            base_url or "http://localhost:8000/v1", model, api_key=api_key, concurrency=concurrency
        )
    if model is None:
        raise FollowfixError(f"--model is required for --backend {kind}")
    if kind == "vllm":
        if gguf_file:
            raise FollowfixError("--gguf-file is for --backend transformers (serve a GGUF with llama.cpp)")
        return VLLMBackend(model)
    if kind == "transformers":
        return TransformersBackend(model, device=device, batch_size=batch_size, gguf_file=gguf_file)
    raise FollowfixError(f"unknown backend {kind!r} (server, vllm, transformers, auto)")
