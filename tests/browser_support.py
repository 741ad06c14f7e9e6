"""Headless Chromium for browser tests: Playwright driving the system's chromium.

No browser download: Debian's package is used (`apt-get install chromium`). Without it the tests
skip with that hint, except in CI (CI=true), where a skipped browser test is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

INSTALL_HINT = (
    "no headless Chromium: apt-get install chromium (Playwright drives the system browser;"
    " `playwright install` is not needed)"
)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_path() -> str | None:
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(message: str) -> None:
    """Skip on a developer machine; fail in CI, where the browser tests must run."""
    if in_ci():
        pytest.fail(f"{message} (CI is set: browser tests must not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """A session-wide Playwright Browser on the system Chromium."""
    path = chromium_path()
    if path is None:
        unavailable(INSTALL_HINT)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=path)
        except Exception as exc:  # a broken install: say so instead of erroring every test
            unavailable(f"{path} does not start headless ({exc}); {INSTALL_HINT}")
        try:
            yield browser
        finally:
            browser.close()
