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


class _SharedBrowser:
    """One Playwright and one Browser for the whole run.

    Each test module that imports the fixture gets its own session-scoped instance of it, and
    Playwright's sync API allows one running instance per thread, so the instances share this
    and the last one to finish closes it.
    """

    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Any = None
        self.users = 0

    def acquire(self, path: str) -> Any:
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.playwright = sync_playwright().start()
            try:
                self.browser = self.playwright.chromium.launch(executable_path=path)
            except Exception:
                self.playwright.stop()
                self.playwright = None
                raise
        self.users += 1
        return self.browser

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.browser is not None:
            self.browser.close()
            self.playwright.stop()
            self.browser = self.playwright = None


_SHARED = _SharedBrowser()


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """A session-wide Playwright Browser on the system Chromium."""
    path = chromium_path()
    if path is None:
        unavailable(INSTALL_HINT)
        return
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed: pip install -e '.[dev]'")
    try:
        browser = _SHARED.acquire(path)
    except Exception as exc:  # a broken install: say so instead of erroring every test
        unavailable(f"{path} does not start headless ({exc}); {INSTALL_HINT}")
        return
    try:
        yield browser
    finally:
        _SHARED.release()
