"""Tokens/s of one DPO+SFT training step (policy + reference forward, policy backward).

CPU, tiny model built from a config (no downloads):
    .venv/bin/python bench/train_step.py
GPU, a real model:
    python bench/train_step.py --model PATH --device cuda --batch-size 4 --seq-len 1024 --lora
Tokens are the non-padding tokens of chosen + rejected sequences (TRL's ``num_tokens``); the first
step (warm-up, allocation) is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from typing import Any


def synthetic_pairs(n: int, words: int) -> list[dict[str, Any]]:
    """Pairs whose answers have about ``words`` words each (chosen differs from rejected)."""
    text = "the river carries light through the quiet valley and the town listens "
    body = (text * (words // 12 + 1)).split()[:words]
    return [
        {
            "prompt": [{"role": "user", "content": f"Write {words} words about a river, no commas. ({i})"}],
            "chosen": [{"role": "assistant", "content": " ".join(body)}],
            "rejected": [{"role": "assistant", "content": ", ".join(body)}],
        }
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", help="model path (default: the tiny random model)")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--steps", type=int, default=6, help="timed steps (plus one warm-up)")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--seq-len", type=int, default=256, help="max_length; answers fill most of it")
    parser.add_argument("--sft-weight", type=float, default=1.0)
    parser.add_argument("--lora", action="store_true", help="LoRA r=16 on all linear layers")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl.trainer.dpo_config import DPOConfig

    from training.dpo import build_dpo_trainer, with_sft_term
    from training.tiny import build_model, build_tokenizer

    torch.set_num_threads(args.threads)
    model: Any
    if args.model:
        tokenizer = AutoTokenizer.from_pretrained(args.model)
        dtype = torch.bfloat16 if args.device == "cuda" else torch.float32
        model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype)
    else:
        tokenizer = build_tokenizer()
        model = build_model(tokenizer)
    model.to(args.device)

    class Timer(TrainerCallback):
        def __init__(self) -> None:
            self.starts: list[float] = []
            self.ends: list[float] = []

        def on_step_begin(self, *_: Any, **__: Any) -> None:
            if args.device == "cuda":
                torch.cuda.synchronize()
            self.starts.append(time.perf_counter())

        def on_step_end(self, *_: Any, **__: Any) -> None:
            if args.device == "cuda":
                torch.cuda.synchronize()
            self.ends.append(time.perf_counter())

    loss_type, loss_weights = with_sft_term(["sigmoid"], None, args.sft_weight)
    steps = args.steps + 1
    with tempfile.TemporaryDirectory() as out:
        config = DPOConfig(
            output_dir=out,
            max_steps=steps,
            per_device_train_batch_size=args.batch_size,
            max_length=args.seq_len,
            loss_type=loss_type,
            loss_weights=loss_weights,
            logging_steps=1,
            bf16=args.device == "cuda",
            activation_checkpointing=False,
            use_cpu=args.device == "cpu",
            save_strategy="no",
            report_to="none",
            disable_tqdm=True,
        )
        peft = (
            LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM")
            if args.lora
            else None
        )
        rows = synthetic_pairs(args.batch_size * steps, words=int(args.seq_len * 0.6))
        trainer = build_dpo_trainer(model, tokenizer, config, rows, peft_config=peft)
        timer = Timer()
        trainer.add_callback(timer)
        trainer.train()
    tokens = [h["num_tokens"] for h in trainer.state.log_history if "num_tokens" in h]
    timed_tokens = tokens[-1] - tokens[0]
    timed_s = timer.ends[-1] - timer.ends[0]
    print(
        json.dumps(
            {
                "model": args.model or "tiny (Qwen2, 2 layers, hidden 64, random)",
                "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(),
                "threads": args.threads,
                "batch_size": args.batch_size,
                "max_length": args.seq_len,
                "lora": args.lora,
                "timed_steps": args.steps,
                "tokens_per_step": round(timed_tokens / args.steps),
                "seconds_per_step": round(timed_s / args.steps, 4),
                "tokens_per_s": round(timed_tokens / timed_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
