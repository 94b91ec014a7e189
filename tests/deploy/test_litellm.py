"""deploy/litellm/config.yaml: each model entry loads as litellm's own router Deployment, its
provider resolves, hosted models are ones litellm knows, and every key it reads from the
environment is passed to the proxy by compose.yaml."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.deploy.helpers import DEPLOY, load_yaml

CONFIG = load_yaml(DEPLOY / "litellm" / "config.yaml")
ENTRIES = CONFIG["model_list"]
# The local cost map: without it litellm reaches for the internet on import (DESIGN.md).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def env_refs(node: Any) -> set[str]:
    """`os.environ/NAME` values: LiteLLM's way to read a secret from its environment."""
    if isinstance(node, dict):
        return set().union(*(env_refs(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(env_refs(v) for v in node)) if node else set()
    if isinstance(node, str) and node.startswith("os.environ/"):
        return {node.removeprefix("os.environ/")}
    return set()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["model_name"] for e in ENTRIES])
def test_entry_is_a_litellm_deployment(entry: dict[str, Any]) -> None:
    import litellm
    from litellm.types.router import Deployment

    deployment = Deployment(**entry)
    model = deployment.litellm_params.model
    _, provider, _, _ = litellm.get_llm_provider(model)
    if provider in {"openai", "anthropic"}:
        assert model.split("/", 1)[1] in litellm.model_cost, f"litellm does not know {model}"
    else:
        assert provider == "hosted_vllm" and deployment.litellm_params.api_base


def test_aliases_are_the_documented_teacher_names() -> None:
    aliases = {e["model_name"] for e in ENTRIES}
    assert aliases == {"openai-teacher", "anthropic-teacher", "local-teacher"}
    env_example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    assert all(alias in env_example for alias in aliases)


def test_every_secret_reaches_the_proxy() -> None:
    compose = load_yaml(DEPLOY / "compose.yaml")
    proxy_env = set(compose["services"]["litellm"]["environment"])
    missing = env_refs(CONFIG) - proxy_env
    assert not missing, f"config.yaml reads {sorted(missing)}, compose.yaml's litellm service lacks them"


def test_proxy_does_not_retry_on_top_of_followfix() -> None:
    assert CONFIG["litellm_settings"]["num_retries"] == 0
    assert CONFIG["general_settings"]["master_key"] == "os.environ/LITELLM_MASTER_KEY"
