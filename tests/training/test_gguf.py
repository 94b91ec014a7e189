"""A GGUF student end to end on CPU: a tiny llama GGUF written here with the ``gguf`` package loads
with the same weights and tokenizer, generates through ``followfix generate``, and trains (DPO + SFT,
LoRA) through ``followfix train --gguf_file`` into a model that loads without the GGUF."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.errors import FollowfixError
from service.cli import main as cli
from training.backends import GenParams
from training.loading import load_causal_lm, load_tokenizer, resolve_gguf

PROMPT = "Write a haiku about rain. Do not use any commas in your response."


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Any]:
    """``(gguf path, source model, source tokenizer)``: the file and what it was written from."""
    from training.tiny import build_tokenizer
    from training.tiny_gguf import build_llama, write_gguf

    tokenizer = build_tokenizer()
    model = build_llama(
        tokenizer, seed=0
    )  # seed 3: llama.cpp fails to decode its chat (a random-model quirk)
    path = write_gguf(model, tokenizer, tmp_path_factory.mktemp("gguf") / "student.gguf")
    return path, model, tokenizer


def test_gguf_loads_the_same_weights_and_tokenizer(tiny_gguf: tuple[Path, Any, Any]) -> None:
    import torch

    path, source, source_tok = tiny_gguf
    model = load_causal_lm(str(path.parent), path.name)
    tokenizer = load_tokenizer(str(path.parent), path.name)
    text = source_tok.apply_chat_template(
        [{"role": "user", "content": PROMPT}], add_generation_prompt=True, tokenize=False
    )
    assert (
        tokenizer.apply_chat_template(
            [{"role": "user", "content": PROMPT}], add_generation_prompt=True, tokenize=False
        )
        == text
    )
    ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
    assert (
        ids.tolist() == source_tok(text, return_tensors="pt", add_special_tokens=False)["input_ids"].tolist()
    )
    assert tokenizer.eos_token == "<|im_end|>" and model.dtype == torch.float32
    with torch.no_grad():  # q/k were permuted on writing and un-permuted on loading: same function
        assert torch.allclose(model(input_ids=ids).logits, source(input_ids=ids).logits, atol=1e-5)


def test_generate_cli_from_gguf_is_the_source_models_greedy_answer(
    tiny_gguf: tuple[Path, Any, Any], tmp_path: Path
) -> None:
    import torch

    path, source, source_tok = tiny_gguf
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(
        json.dumps({"key": 1, "prompt": PROMPT, "instruction_id_list": [], "kwargs": []}) + "\n"
    )
    out = tmp_path / "answers.jsonl"
    argv = ["generate", "--input", str(prompts), "-o", str(out), "--backend", "transformers"]
    assert cli([*argv, "--model", str(path.parent), "--gguf-file", path.name, "--max-tokens", "12"]) == 0
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]

    text = source_tok.apply_chat_template(
        [{"role": "user", "content": PROMPT}], add_generation_prompt=True, tokenize=False
    )
    enc = source_tok(text, return_tensors="pt", add_special_tokens=False)
    with torch.no_grad():
        expected = source.generate(**enc, max_new_tokens=12, do_sample=False)
    answer = source_tok.decode(expected[0, enc["input_ids"].shape[1] :], skip_special_tokens=True)
    assert row["response"] == answer and row["key"] == "1"


def test_train_cli_from_gguf_trains_lora_and_saves_a_merged_model(
    tiny_gguf: tuple[Path, Any, Any], pairs_file: Path, tmp_path: Path
) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    path, source, _ = tiny_gguf
    out = tmp_path / "run"
    argv = [
        "train",
        "--model_name_or_path", str(path.parent), "--gguf_file", path.name,
        "--train_file", str(pairs_file), "--output_dir", str(out),
        "--max_steps", "1", "--per_device_train_batch_size", "4", "--learning_rate", "0.05",
        "--logging_steps", "1", "--save_strategy", "no", "--report_to", "none",
        "--activation_checkpointing", "false",
        "--use_peft", "--lora_r", "4", "--lora_alpha", "8", "--lora_target_modules", "all-linear",
    ]  # fmt: skip
    assert cli(argv) == 0
    assert (out / "adapter_model.safetensors").is_file()
    merged = AutoModelForCausalLM.from_pretrained(out / "merged")  # loads alone, no gguf_file
    assert merged.config.model_type == "llama"
    ids = torch.tensor([[5, 40, 41, 42, 7]])
    with torch.no_grad():
        assert not torch.allclose(merged(input_ids=ids).logits, source(input_ids=ids).logits, atol=1e-4)


def test_bad_gguf_file_is_a_clear_error(tiny_gguf: tuple[Path, Any, Any], tmp_path: Path) -> None:
    path, _, _ = tiny_gguf
    assert resolve_gguf(str(path.parent), path.name) == path
    assert resolve_gguf(None, str(path)) == path
    with pytest.raises(FollowfixError, match=r"--gguf_file: no such file 'missing\.gguf'"):
        resolve_gguf(str(path.parent), "missing.gguf")
    other = tmp_path / "weights.bin"
    other.write_bytes(b"x")
    with pytest.raises(FollowfixError, match=r"is not a \.gguf file"):
        resolve_gguf(None, str(other))


def test_export_writes_a_gguf_with_the_same_weights_and_the_source_tokenizer(
    tiny_gguf: tuple[Path, Any, Any], tmp_path: Path
) -> None:
    import torch

    from training.llamacpp import LlamaCppBackend, export_llama_gguf
    from training.tiny_gguf import source_tokenizer_metadata

    path, source, _ = tiny_gguf
    model_dir = tmp_path / "hf"
    load_causal_lm(str(path.parent), path.name).save_pretrained(model_dir)
    load_tokenizer(str(path.parent), path.name).save_pretrained(model_dir)
    exported = export_llama_gguf(model_dir, path, tmp_path / "export.gguf")
    assert source_tokenizer_metadata(exported) == source_tokenizer_metadata(path)
    ids = torch.tensor([[5, 40, 41, 42, 7]])
    with torch.no_grad():
        again = load_causal_lm(str(exported.parent), exported.name)(input_ids=ids).logits
        assert torch.allclose(again, source(input_ids=ids).logits, atol=1e-5)
    backend = LlamaCppBackend(exported)
    try:  # llama.cpp reads it and stops at max_tokens or the end token
        (answer,) = backend.generate([PROMPT], GenParams(max_tokens=6))
        assert 0 < len(backend.llm.tokenize(answer.encode(), add_bos=False, special=True)) <= 8
    finally:
        backend.close()
