"""Live servers for the API tests: one open, one with API keys, each with its own SQLite store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.settings import Settings
from tests.service.api.live import live_server

API_KEYS = ("test-key-one", "test-key-two")


def make_settings(store_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test server: never the developer's .env, a private SQLite file."""
    values: dict[str, Any] = {"store_url": f"sqlite+aiosqlite:///{store_dir / 'followfix.db'}", **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def open_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("open")


@pytest.fixture(scope="session")
def open_url(open_store_dir: Path) -> Iterator[str]:
    """No API keys, no teacher: the embedded defaults of `make run` (smaller response limit)."""
    with live_server(make_settings(open_store_dir, max_response_chars=50_000)) as url:
        yield url


def stored_ids(store_dir: Path) -> set[str]:
    """Correction ids committed to a test server's SQLite store, read with plain sqlite3."""
    with sqlite3.connect(store_dir / "followfix.db") as db:
        return {row[0] for row in db.execute("SELECT id FROM corrections")}


@pytest.fixture(scope="session")
def auth_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(make_settings(tmp_path_factory.mktemp("auth"), api_keys=list(API_KEYS))) as url:
        yield url


@pytest.fixture
def client(open_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=open_url, timeout=30) as http:
        yield http
