"""A tiny llama-architecture GGUF, written with the ``gguf`` package, for CPU tests of the GGUF path.

The real student (SmolLM2-135M-Instruct) ships only as a GGUF; tests must not need it, so this
writes a file of the same kind (llama weights, a byte-level BPE vocabulary with merges, a chat
template) from a random model built from a config. Query/key weights are permuted the way
llama.cpp's converter permutes them, so transformers' reverse permutation restores them exactly.
``python -m training.tiny_gguf DIR`` writes ``DIR/tiny.gguf``. The same writer exports a fine-tuned
llama (SmolLM2 is one) as float32 GGUF with its source file's tokenizer keys, so llama.cpp can
generate with it as fast as with the original.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import LlamaForCausalLM, PreTrainedTokenizerFast

log = logging.getLogger(__name__)

GGUF_NAME = "tiny.gguf"


def build_llama(
    tokenizer: PreTrainedTokenizerFast, *, hidden_size: int = 64, num_layers: int = 2, seed: int = 0
) -> LlamaForCausalLM:
    """A llama model with random (seeded) weights sized to the tokenizer, untied output head."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        rms_norm_eps=1e-5,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        tie_word_embeddings=False,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.train(False)
    return model


def _permute(weights: Any, n_head: int) -> Any:
    """llama.cpp's q/k layout: rotary halves interleaved per head (its converter does the same)."""
    return (
        weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
        .swapaxes(1, 2)
        .reshape(weights.shape)
    )


def _tensors(model: LlamaForCausalLM) -> dict[str, Any]:
    """GGUF tensor name -> float32 array, from the HF state dict."""
    cfg: Any = model.config
    state = {k: v.detach().to("cpu").float().numpy() for k, v in model.state_dict().items()}
    out = {
        "token_embd.weight": state["model.embed_tokens.weight"],
        "output_norm.weight": state["model.norm.weight"],
        "output.weight": model.lm_head.weight.detach().to("cpu").float().numpy(),
    }
    names = {
        "input_layernorm": "attn_norm",
        "self_attn.q_proj": "attn_q",
        "self_attn.k_proj": "attn_k",
        "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output",
        "post_attention_layernorm": "ffn_norm",
        "mlp.gate_proj": "ffn_gate",
        "mlp.up_proj": "ffn_up",
        "mlp.down_proj": "ffn_down",
    }
    for layer in range(cfg.num_hidden_layers):
        for hf, gg in names.items():
            weights = state[f"model.layers.{layer}.{hf}.weight"]
            if gg == "attn_q":
                weights = _permute(weights, cfg.num_attention_heads)
            elif gg == "attn_k":
                weights = _permute(weights, cfg.num_key_value_heads)
            out[f"blk.{layer}.{gg}.weight"] = weights
    return out


def tokenizer_metadata(tokenizer: PreTrainedTokenizerFast) -> dict[str, Any]:
    """llama.cpp's tokenizer keys for a byte-level BPE tokenizer (tokens, types, merges, ids, template)."""
    import json

    import gguf

    vocab = tokenizer.get_vocab()
    tokens = [tok for tok, _ in sorted(vocab.items(), key=lambda item: item[1])]
    # Added tokens (<|im_start|> too, not only eos/pad) are CONTROL, so they stay whole on reload.
    special = set(tokenizer.all_special_tokens) | {t.content for t in tokenizer.added_tokens_decoder.values()}
    merges = json.loads(tokenizer.backend_tokenizer.to_str())["model"]["merges"]
    return {
        "tokenizer.ggml.model": "gpt2",
        "tokenizer.ggml.pre": "default",
        "tokenizer.ggml.tokens": tokens,
        "tokenizer.ggml.token_type": [
            gguf.TokenType.CONTROL if t in special else gguf.TokenType.NORMAL for t in tokens
        ],
        "tokenizer.ggml.merges": [m if isinstance(m, str) else " ".join(m) for m in merges],
        "tokenizer.ggml.eos_token_id": tokenizer.eos_token_id,
        "tokenizer.ggml.padding_token_id": tokenizer.pad_token_id,
        "tokenizer.ggml.add_bos_token": False,
        "tokenizer.chat_template": tokenizer.chat_template,
    }


def source_tokenizer_metadata(gguf_path: str | Path) -> dict[str, Any]:
    """The tokenizer keys of an existing GGUF, to write a fine-tuned copy that tokenizes identically."""
    from transformers.integrations.gguf.reader import read_gguf_metadata

    arrays = ("tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type")
    metadata, _ = read_gguf_metadata(str(gguf_path), arrays)
    return {k: v for k, v in metadata.items() if k.startswith("tokenizer.")}


def write_gguf(
    model: LlamaForCausalLM,
    tokenizer: PreTrainedTokenizerFast,
    path: str | Path,
    *,
    tokenizer_meta: dict[str, Any] | None = None,
) -> Path:
    """Write a llama ``model`` as float32 GGUF with ``tokenizer``'s keys (or ``tokenizer_meta``'s, verbatim)."""
    import gguf

    cfg: Any = model.config
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(str(getattr(cfg, "_name_or_path", "") or "followfix-llama"))
    writer.add_context_length(cfg.max_position_embeddings)
    writer.add_embedding_length(cfg.hidden_size)
    writer.add_block_count(cfg.num_hidden_layers)
    writer.add_feed_forward_length(cfg.intermediate_size)
    writer.add_head_count(cfg.num_attention_heads)
    writer.add_head_count_kv(cfg.num_key_value_heads)
    writer.add_rope_dimension_count(cfg.hidden_size // cfg.num_attention_heads)
    writer.add_rope_freq_base(float(cfg.rope_parameters["rope_theta"]))
    writer.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    writer.add_vocab_size(cfg.vocab_size)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    meta = tokenizer_meta if tokenizer_meta is not None else tokenizer_metadata(tokenizer)
    writer.add_tokenizer_model(str(meta["tokenizer.ggml.model"]))
    writer.add_tokenizer_pre(str(meta.get("tokenizer.ggml.pre", "default")))
    writer.add_token_list(list(meta["tokenizer.ggml.tokens"]))
    writer.add_token_types([int(t) for t in meta["tokenizer.ggml.token_type"]])
    writer.add_token_merges(list(meta["tokenizer.ggml.merges"]))
    for key, add in (
        ("tokenizer.ggml.bos_token_id", writer.add_bos_token_id),
        ("tokenizer.ggml.eos_token_id", writer.add_eos_token_id),
        ("tokenizer.ggml.unknown_token_id", writer.add_unk_token_id),
        ("tokenizer.ggml.padding_token_id", writer.add_pad_token_id),
    ):
        if meta.get(key) is not None:
            add(int(meta[key]))
    writer.add_add_bos_token(bool(meta.get("tokenizer.ggml.add_bos_token", False)))
    if meta.get("tokenizer.chat_template"):
        writer.add_chat_template(str(meta["tokenizer.chat_template"]))

    for name, weights in _tensors(model).items():
        writer.add_tensor(name, weights)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def save_tiny_gguf(output_dir: str | Path, *, seed: int = 0) -> Path:
    """Build a tiny llama + the local tokenizer and write ``output_dir/tiny.gguf``; returns the file."""
    from training.tiny import build_tokenizer

    tokenizer = build_tokenizer()
    model = build_llama(tokenizer, seed=seed)
    path = write_gguf(model, tokenizer, Path(output_dir) / GGUF_NAME)
    log.info("tiny llama GGUF (%d parameters) written to %s", model.num_parameters(), path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a tiny random llama GGUF for CPU runs.")
    parser.add_argument("output_dir")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    save_tiny_gguf(args.output_dir, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
