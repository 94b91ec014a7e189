"""Training tests run offline on CPU with a tiny random model saved once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _few_threads() -> None:
    import torch

    torch.set_num_threads(2)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.tiny import save_tiny

    return save_tiny(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture
def pairs_file() -> Path:
    return FIXTURES / "training_pairs.jsonl"


@pytest.fixture
def sft_file() -> Path:
    return FIXTURES / "training_sft.jsonl"


@pytest.fixture
def general_file() -> Path:
    return FIXTURES / "training_general.jsonl"


@pytest.fixture
def prompts_file() -> Path:
    return FIXTURES / "training_prompts.jsonl"
