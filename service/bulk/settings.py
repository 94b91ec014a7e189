"""Settings of bulk jobs and the collect queue (``FOLLOWFIX_`` environment, like the service's)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class BulkSettings(BaseSettings):
    """Where jobs keep their files, which server paths they may read, and the collect queue."""

    model_config = SettingsConfigDict(env_prefix="FOLLOWFIX_", env_file=".env", extra="ignore")

    jobs_dir: Path = Path("var/jobs")
    # Server-side inputs must lie under one of these directories; empty = uploads only.
    job_input_roots: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    job_concurrency: int = Field(default=16, ge=1, le=1024)
    max_running_jobs: int = Field(default=1, ge=1)
    job_progress_every_s: float = Field(default=0.5, gt=0)

    queue_url: str | None = Field(
        default=None, description="redis://... for Redis Streams; else a store table"
    )
    queue_name: str = "followfix:collect"
    collect_max_pending: int = Field(default=10_000, ge=1)
    collect_workers: int = Field(default=4, ge=0)
    collect_lease_s: float = Field(default=300.0, gt=0)
    collect_retry_after_s: int = Field(default=5, ge=1)
    # An item claimed this many times without an ack (its worker died on it each time) is dead-lettered.
    collect_max_attempts: int = Field(default=5, ge=1)

    @field_validator("job_input_roots", mode="before")
    @classmethod
    def _split_roots(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part.strip()) for part in value.split(",") if part.strip()]
        return value
