"""The review tests reuse the store fixtures: every store-level test runs on SQLite and PostgreSQL."""

from tests.service.store.conftest import postgres_url, store, store_url

__all__ = ["postgres_url", "store", "store_url"]
