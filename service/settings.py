"""Service configuration from the environment (``FOLLOWFIX_`` prefix) and an optional ``.env`` file.

Defaults are the embedded setup of ``make run``: a SQLite store under ``var/``, no API keys, no
teacher (so the ``rules`` strategy). Every limit the API enforces lives here, in one place.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from service.proxy.settings import ProxySettings

Strategy = Literal["hybrid", "teacher", "rules"]
Extractor = Literal["rules", "llm", "hybrid"]


class Settings(ProxySettings):
    """Everything the service reads from its environment; nothing else reads environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="FOLLOWFIX_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)

    # Comma-separated in the environment: FOLLOWFIX_API_KEYS=key1,key2. Empty = open service.
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    store_url: str = "sqlite+aiosqlite:///var/followfix.db"
    record: bool = Field(default=True, description="record every /v1/correct unless the request opts out")

    teacher_model: str | None = None
    teacher_base_url: str | None = None
    teacher_api_key: SecretStr | None = None
    teacher_client: Literal["openai", "litellm", "http"] = "openai"
    teacher_timeout_s: float = Field(default=60.0, gt=0)
    teacher_max_retries: int = Field(default=2, ge=0)
    # Per-request teachers make the server call URLs chosen by clients: off unless enabled.
    allow_request_teacher: bool = False

    default_strategy: Strategy | None = Field(
        default=None, description="None: hybrid when a teacher is configured, else rules"
    )
    default_max_rounds: int = Field(default=3, ge=0)
    max_rounds_limit: int = Field(default=10, ge=0)
    extractor: Extractor = "rules"

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_instruction_chars: int = Field(default=20_000, ge=1)
    max_response_chars: int = Field(default=100_000, ge=1)
    max_constraints: int = Field(default=32, ge=1)
    request_timeout_s: float = Field(default=120.0, gt=0)
    # Longer responses are verified in a worker thread so they cannot stall the event loop.
    verify_inline_max_chars: int = Field(default=20_000, ge=0)
    retry_after_s: int = Field(default=30, ge=1, description="Retry-After sent with 503 responses")
    readiness_timeout_s: float = Field(default=2.0, gt=0)

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        """Accept ``key1,key2`` from the environment as well as a list."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def teacher_configured(self) -> bool:
        return bool(self.teacher_model)

    @property
    def effective_strategy(self) -> Strategy:
        """The strategy a request gets when it names none."""
        if self.default_strategy is not None:
            return self.default_strategy
        return "hybrid" if self.teacher_configured else "rules"
