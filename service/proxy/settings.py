"""Settings of the front door (``FOLLOWFIX_`` environment): the upstream model, the default mode,
and the LLM extractor, each apart from the teacher's, because the model being served is usually
not the teacher (a small student upstream, a large teacher for corrections).

A mixin of :class:`service.settings.Settings`, so one object (and one ``.env``) holds everything.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

ProxyMode = Literal["verify", "collect", "correct"]


class ProxySettings(BaseSettings):
    upstream_base_url: str | None = Field(
        default=None, description="the served model's OpenAI-compatible base URL, e.g. http://vllm:8000/v1"
    )
    # Sent upstream instead of the caller's followfix key, which never leaves this server.
    upstream_api_key: SecretStr | None = None
    upstream_client: Literal["http", "litellm"] = Field(
        default="http", description="http: any OpenAI-compatible endpoint; litellm: any LiteLLM provider"
    )
    upstream_timeout_s: float = Field(default=120.0, gt=0, description="per attempt; streams: until headers")
    upstream_stream_idle_s: float = Field(
        default=60.0, gt=0, description="longest wait between stream chunks"
    )
    upstream_max_retries: int = Field(default=2, ge=0)
    upstream_backoff_initial_s: float = Field(default=0.25, ge=0)
    upstream_backoff_max_s: float = Field(default=5.0, ge=0)
    proxy_mode: ProxyMode = Field(default="collect", description="mode of requests that name none")

    # The LLM extractor's own model (extractor 'llm'/'hybrid'); unset: the teacher extracts.
    extractor_model: str | None = None
    extractor_base_url: str | None = None
    extractor_api_key: SecretStr | None = None
    extractor_client: Literal["openai", "litellm", "http"] = "http"
