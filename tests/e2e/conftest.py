"""End-to-end browser tests: Debian's Chromium (``apt-get install chromium``; never a downloaded browser) driven
by Playwright against pytest-django's ``live_server``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

CHROMIUM = os.environ.get("JIANGUAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(monkeypatch) -> Iterator[Any]:
    """A fresh Playwright page in headless Chromium (phone-sized when the test asks for it)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not installed at {CHROMIUM} (run: apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
        # generous: a loaded 2-core CI machine has taken over 15 s for one navigation (a flaky failure)
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # the test body ran inside playwright's greenlet context, which gets its own Django connection
            connections.close_all()
