"""Headless Chromium (Debian's package) under Playwright, for the review page's browser tests.

No browser is downloaded: Playwright drives ``/usr/bin/chromium`` (``FOLLOWFIX_CHROMIUM`` to
override). The flags keep Chromium from phoning home, which this sandbox refuses anyway; Playwright
gives every launch a fresh temporary profile (``--user-data-dir``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("FOLLOWFIX_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless browser; the caller opens pages on it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
