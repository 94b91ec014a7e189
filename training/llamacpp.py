"""Generation with llama.cpp in this process (llama-cpp-python), and llama models exported for it.

On 2 CPU cores llama.cpp generates SmolLM2-135M greedily about 10x faster than transformers'
``generate`` (15.9 vs ~1.5 tokens/s measured side by side on the shared machine), which is what
makes an IFEval run of several arms fit in hours. Every arm is exported the same way (float32
weights, the source GGUF's tokenizer keys), so their answers differ only by their weights.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.errors import FollowfixError
from training.backends import GenParams

log = logging.getLogger(__name__)


class LlamaCppBackend:
    """One ``llama_cpp.Llama`` on a GGUF file; chat-completion per prompt with the file's template."""

    name = "llamacpp"

    def __init__(self, gguf_path: str | Path, *, n_ctx: int = 4096, n_threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - llama-cpp-python is a test dependency here
            raise FollowfixError(
                "the llamacpp backend needs llama-cpp-python (pip install llama-cpp-python)"
            ) from exc
        path = Path(gguf_path)
        if not path.is_file():
            raise FollowfixError(f"llamacpp backend: no GGUF file at {path}")
        self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, seed=0, verbose=False)

    def close(self) -> None:
        """Free the model now (llama-cpp-python's finalizer fails at interpreter shutdown)."""
        self.llm.close()

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[str]:
        answers = []
        for prompt in prompts:
            out: Any = self.llm.create_chat_completion(
                [{"role": "user", "content": prompt}],
                temperature=params.temperature,
                top_p=params.top_p,
                max_tokens=params.max_tokens,
                seed=params.seed,
            )
            answers.append(str(out["choices"][0]["message"]["content"] or ""))
        return answers


def export_llama_gguf(model_dir: str | Path, source_gguf: str | Path, output: str | Path) -> Path:
    """A llama model directory (or LoRA adapter on one) as float32 GGUF with ``source_gguf``'s tokenizer."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.tiny_gguf import source_tokenizer_metadata, write_gguf

    model_dir, output = Path(model_dir), Path(output)
    model: Any
    if (model_dir / "adapter_config.json").is_file():
        from peft import AutoPeftModelForCausalLM

        model = AutoPeftModelForCausalLM.from_pretrained(model_dir).merge_and_unload()
    else:
        model = AutoModelForCausalLM.from_pretrained(model_dir)
    if model.config.model_type != "llama":
        raise FollowfixError(f"GGUF export writes llama models; {model_dir} is {model.config.model_type!r}")
    tokenizer: Any = AutoTokenizer.from_pretrained(model_dir)
    tmp = output.with_name(f"{output.name}.tmp")
    write_gguf(model, tokenizer, tmp, tokenizer_meta=source_tokenizer_metadata(source_gguf))
    tmp.replace(output)
    log.info("exported %s -> %s", model_dir, output)
    return output
