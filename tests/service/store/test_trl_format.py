"""The ``trl`` export goes into TRL 1.16's DPOTrainer unchanged: load, prepare, one training step.

No downloads: a byte-level BPE tokenizer is trained here on the exported texts and wrapped with a
small chat template; the model is a 2-layer Llama built from a config.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from service.store import Store
from service.store.export import export
from tests.service.store.factories import synthetic, two_step

TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}</s>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
SPECIAL = ["<unk>", "<pad>", "</s>", "<|user|>", "<|assistant|>"]


def tiny_tokenizer(texts: list[str]):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=SPECIAL, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(texts, trainer=trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", eos_token="</s>", bos_token=None
    )
    wrapped.chat_template = TEMPLATE
    return wrapped


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_trl_export_trains_with_dpo_trainer_unchanged(store: Store, tmp_path: Path):
    import torch
    from datasets import load_dataset
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import DPOConfig, DPOTrainer

    results = [two_step(i) for i in range(4)] + [synthetic(i) for i in range(4)]
    await store.record_many(results, source="test")
    path = tmp_path / "pairs.jsonl"
    assert await export(store, "trl", output_path=path, mode="steps") == 12

    dataset = load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "hf"))
    texts = [r.instruction for r in results] + [r.original for r in results] + [r.final for r in results]
    tokenizer = tiny_tokenizer(texts)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = LlamaForCausalLM(config)
    args = DPOConfig(
        output_dir=str(tmp_path / "out"),
        per_device_train_batch_size=4,
        max_steps=1,
        learning_rate=1e-3,
        report_to="none",
        use_cpu=True,
        save_strategy="no",
        logging_steps=1,
        max_length=128,
        dataset_num_proc=None,
    )
    reference = copy.deepcopy(model)  # a config-built model has no hub id TRL could reload it from
    trainer = DPOTrainer(
        model=model, ref_model=reference, args=args, train_dataset=dataset, processing_class=tokenizer
    )

    # TRL's own preparation read the rows as conversations: the prompt ends with the assistant tag
    # and the completions decode back to exactly the exported texts (plus the template's end tag).
    prepared = trainer.train_dataset
    assert {"prompt_ids", "chosen_ids", "rejected_ids"} <= set(prepared.column_names)
    for row, example in zip(prepared, dataset, strict=True):
        prompt = tokenizer.decode(row["prompt_ids"])
        assert prompt == f"<|user|>{example['prompt'][0]['content']}</s><|assistant|>"
        assert tokenizer.decode(row["chosen_ids"]) == example["chosen"][0]["content"] + "</s>"
        assert tokenizer.decode(row["rejected_ids"]) == example["rejected"][0]["content"] + "</s>"

    output = trainer.train()
    assert output.global_step == 1
    assert math.isfinite(output.training_loss)
