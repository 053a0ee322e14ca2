"""Fixtures for the browser tests: one app server and one Chromium for the whole session.

Chromium is Debian's (/usr/bin/chromium, or $E2E_CHROMIUM); a browser is never downloaded.
Without it (or without Playwright) the tests are skipped locally but fail under CI (``CI`` set).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.server import ARTIFACTS, AppServer, running_app

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ARTIFACTS / "screenshots"
DEFAULT_TIMEOUT_MS = 30_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; in CI a missing browser must not turn into a green skip."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    with running_app("app") as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if importlib.util.find_spec("playwright") is None:
        skip_or_fail("Playwright is not installed")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # chromium.launch gives every run a fresh temporary profile (user data dir).
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser, app_server) -> Iterator[Callable[..., object]]:
    """A factory of watched pages, each in its own browser context (its own session)."""
    from tests.e2e.streamlit_page import Watched

    contexts = []

    def factory(viewport: dict[str, int] | None = None) -> Watched:
        context = browser.new_context(
            viewport=viewport or LAPTOP, base_url=app_server.url, reduced_motion="reduce"
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return Watched(context.new_page())

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
