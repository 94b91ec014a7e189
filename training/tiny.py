"""A tiny causal LM and a locally trained tokenizer, for CPU tests, smoke runs and the benchmark.

Nothing is downloaded: the tokenizer is a byte-level BPE trained on a built-in corpus with the
``tokenizers`` library (so any text encodes), wrapped with a ChatML chat template; the model is a
Qwen2 architecture with random weights built from a config. ``python -m training.tiny DIR`` saves
both to DIR so every command that takes a model path can be tried without a GPU.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

log = logging.getLogger(__name__)

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

# ChatML, with TRL's {% generation %} markers so SFT can train on assistant tokens only.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\n' }}{% generation %}{{ message['content'] + '<|im_end|>' }}"
    "{% endgeneration %}{{ '\n' }}"
    "{% else %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

_CORPUS = [
    "Write a short story about a dragon. Your answer must contain a title, wrapped in double angular "
    "brackets, such as <<poem of joy>>. Do not use any commas in your response.",
    "Answer with at least 300 words. Highlight at least 3 sections with markdown, i.e. *highlighted section*.",
    "Your entire response should be in English, and in all lowercase letters. No capital letters are allowed.",
    "Finish your response with this exact phrase: Is there anything else I can help with?",
    "There should be 2 paragraphs. Paragraphs are separated with the markdown divider: ***",
    "Include keywords such as apple, river and mountain. Wrap your entire response with double quotation marks.",
    "At the end of your response, please explicitly add a postscript starting with P.S.",
    "Your response should contain 3 bullet points. Use the markdown bullet points such as: * This is a point.",
    "The quick brown fox jumps over the lazy dog. 0123456789 {}[]()<>\"'.,;:!?-_*#@/\\|+=%&$^~`",
    "Sure! Here is the answer you asked for. I hope this helps, and let me know if you need more.",
]


def build_tokenizer(vocab_size: int = 384) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE on the built-in corpus; every byte stays encodable."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS * 4, trainer=trainer)
    wrapped = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        bos_token=None,
        unk_token=None,
    )
    wrapped.chat_template = CHAT_TEMPLATE
    return wrapped


def build_model(
    tokenizer: PreTrainedTokenizerFast,
    *,
    hidden_size: int = 64,
    num_layers: int = 2,
    seed: int = 0,
    **overrides: Any,
) -> PreTrainedModel:
    """A Qwen2 model with random (seeded) weights sized to the tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config

    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        **overrides,
    )
    torch.manual_seed(seed)
    model: PreTrainedModel = AutoModelForCausalLM.from_config(config, dtype=torch.float32)  # type: ignore[no-untyped-call]
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model


def save_tiny(output_dir: str | Path, *, hidden_size: int = 64, num_layers: int = 2, seed: int = 0) -> Path:
    """Build and save a tiny model + tokenizer; returns the directory (a valid model path)."""
    out = Path(output_dir)
    tokenizer = build_tokenizer()
    model = build_model(tokenizer, hidden_size=hidden_size, num_layers=num_layers, seed=seed)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    log.info("tiny model (%d parameters) saved to %s", model.num_parameters(), out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Save a tiny random model + local tokenizer for CPU runs.")
    parser.add_argument("output_dir")
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--num-layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    save_tiny(args.output_dir, hidden_size=args.hidden_size, num_layers=args.num_layers, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
