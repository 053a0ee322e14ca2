"""Two Streamlit processes behind HAProxy (``python -m bench.serve``), in a real Chromium.

A learner's session lives in one process: its reruns go over its websocket, and the images
its pages create are served under ``/media/`` only by the process that made them. So a browser
must stay on one process: the proxy's cookie pins it, and every response names the process
that served it (``X-Served-By``). New visitors are spread over both processes.

Needs Debian's ``haproxy``: skipped locally without it, a failure in CI (``CI`` set).
"""

from __future__ import annotations

import importlib.util
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from bench.serve import COOKIE, Launched, find_haproxy, launched
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, LAPTOP, in_ci, skip_or_fail
from tests.e2e.server import ARTIFACTS

if importlib.util.find_spec("playwright") is None:
    if in_ci():
        raise RuntimeError("Playwright is not installed (CI is set: browser tests may not skip)")
    pytest.skip("Playwright is not installed", allow_module_level=True)

from playwright.sync_api import BrowserContext, Response

from tests.e2e.streamlit_page import (
    MAIN,
    NAV_LINK,
    Watched,
    assert_no_errors,
    query,
    result_fingerprint,
    wait_for_new_result,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

PROCESSES = ("p1", "p2")
SKIP = "Skip, just show me"
LOAD_TIMEOUT_MS = 120_000
MAX_VISITORS = 6
"""New visitors opened until both processes have one (round robin needs two)."""


@dataclass
class Visitor:
    """A browser context (its own cookies: one learner) with every response it received."""

    context: BrowserContext
    watched: Watched
    responses: list[tuple[str, int, str | None]] = field(default_factory=list)
    """(url, status, X-Served-By) of every HTTP response."""

    def __post_init__(self) -> None:
        self.watched.page.on("response", self._record)

    def _record(self, response: Response) -> None:
        self.responses.append((response.url, response.status, response.headers.get("x-served-by")))

    @property
    def page(self):
        return self.watched.page

    def process(self) -> str | None:
        """The process the proxy's cookie pins this browser to (None before the first visit)."""
        values = [cookie["value"] for cookie in self.context.cookies() if cookie["name"] == COOKIE]
        return values[0] if values else None

    def processes_seen(self) -> set[str]:
        return {served_by for _, _, served_by in self.responses if served_by is not None}


@pytest.fixture(scope="module")
def served(browser) -> Iterator[Launched]:
    if find_haproxy() is None:
        skip_or_fail("haproxy is not installed (Debian: apt-get install haproxy)")
    with launched(len(PROCESSES), ARTIFACTS / "e2e-proxy") as running:
        yield running


@pytest.fixture
def new_visitor(browser, served: Launched) -> Iterator[Callable[[], Visitor]]:
    visitors: list[Visitor] = []

    def factory() -> Visitor:
        context = browser.new_context(viewport=LAPTOP, base_url=served.url)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        visitor = Visitor(context, Watched(context.new_page()))
        visitors.append(visitor)
        return visitor

    yield factory
    for visitor in visitors:
        visitor.context.close()


def status_from(url: str, process: str) -> int:
    """The status of ``url`` asked of ``process`` (pinned by its cookie), outside the browser."""
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={process}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["X-Served-By"] == process
            return response.status
    except urllib.error.HTTPError as error:
        assert error.headers["X-Served-By"] == process
        return error.code


def open_page(visitor: Visitor, path: str) -> None:
    """Open ``path`` and wait for it, skipping the page's prediction so its results show."""
    visitor.page.goto(path)
    wait_until_idle(visitor.page, timeout=LOAD_TIMEOUT_MS)
    skip = visitor.page.get_by_role("button", name=SKIP)
    if skip.count():
        skip.click()
        skip.wait_for(state="detached")
        wait_until_idle(visitor.page, timeout=LOAD_TIMEOUT_MS)


def test_a_session_keeps_its_process_through_reruns_and_media(new_visitor) -> None:
    visitor = new_visitor()
    page = visitor.page
    open_page(visitor, "/epsilon_greedy?runs=500")
    process = visitor.process()
    assert process in PROCESSES

    seed = page.get_by_label("Random seed", exact=True)
    result = result_fingerprint(page)
    for new_seed in (11, 12, 13):  # each a rerun over the websocket, each a new result
        seed.fill(str(new_seed))
        seed.press("Enter")
        result = wait_for_new_result(page, result, timeout=LOAD_TIMEOUT_MS)
        assert query(page).get("seed") == [str(new_seed)]

    # Through the navigation, in the same session: the DQN page draws its run as images.
    page.locator(f'{NAV_LINK}[href$="/dqn"]').click()
    page.wait_for_url("**/dqn**")
    wait_until_idle(page, timeout=LOAD_TIMEOUT_MS)
    images = page.locator(f"{MAIN} img[src*='/media/']")
    assert images.count() > 0
    for index in range(images.count()):
        image = images.nth(index)
        if image.is_visible():
            image.scroll_into_view_if_needed()
            page.wait_for_function("(img) => img.complete", arg=image.element_handle())
            assert image.evaluate("(img) => img.naturalWidth") > 0, image.get_attribute("src")

    media = [
        (url, status, by)
        for url, status, by in visitor.responses
        if urlsplit(url).path.startswith("/media/")
    ]
    assert media, "the DQN page's images were not requested"
    assert {(status, by) for _, status, by in media} == {(200, process)}, media
    # Why the cookie matters: the other process never made these images.
    (other,) = set(PROCESSES) - {process}
    assert status_from(media[0][0], other) == 404
    assert visitor.processes_seen() == {process}
    assert visitor.process() == process
    assert_no_errors(visitor.watched)


def test_new_visitors_are_spread_over_both_processes_and_each_keeps_its_own(
    new_visitor,
) -> None:
    visitors: list[Visitor] = []
    while len(visitors) < MAX_VISITORS:
        visitor = new_visitor()
        open_page(visitor, "/")
        visitors.append(visitor)
        if {each.process() for each in visitors} == set(PROCESSES):
            break
    assert {visitor.process() for visitor in visitors} == set(PROCESSES)

    for visitor in visitors:
        pinned = visitor.process()
        visitor.page.reload()
        wait_until_idle(visitor.page, timeout=LOAD_TIMEOUT_MS)
        open_page(visitor, "/greedy?runs=500")
        assert visitor.process() == pinned
        assert visitor.processes_seen() == {pinned}
        assert_no_errors(visitor.watched)
