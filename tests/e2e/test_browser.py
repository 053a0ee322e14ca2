"""A real Chromium against the running app, the way a learner walks the course.

Every page of the registry at laptop and phone width (with screenshots), the whole course by
its Next links, predictions hiding results, stepping through a run, checks counting as
progress, training and stopping a DQN, many sessions at once, hostile and shared links, a
restarted server, and no request to any host but the app's own.
"""

from __future__ import annotations

import importlib.util
import re
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.conftest import LAPTOP, PHONE, in_ci

if importlib.util.find_spec("playwright") is None:
    if in_ci():
        raise RuntimeError("Playwright is not installed (CI is set: browser tests may not skip)")
    pytest.skip("Playwright is not installed", allow_module_level=True)

from tests.e2e.server import free_port, running_app
from tests.e2e.streamlit_page import (
    CHART,
    INFO_BOX,
    MAIN,
    NAV_LINK,
    SIDEBAR,
    Watched,
    assert_charts_drawn,
    assert_no_errors,
    chart_count,
    full_page_screenshot,
    nav_pages,
    press_slider,
    query,
    slider_state,
    wait_until_idle,
)
from ui import registry

pytestmark = pytest.mark.browser

SKIP = "Skip, just show me"
CONCURRENT_SESSIONS = 8
LIGHT = "?runs=500"
"""A lighter testbed for pages visited only to be looked at (the layout is the same)."""
TRAINING_TIMEOUT_MS = 240_000


def url_of(spec: registry.PageSpec) -> str:
    return "/" if spec.number == 1 else f"/{spec.key}"


def visit(watched: Watched, path: str, *, reveal: bool = True, timeout: float = 90_000) -> None:
    """Open ``path``, wait for the page, and skip its prediction so the results show."""
    watched.page.goto(path)
    settle(watched, reveal=reveal, timeout=timeout)


def settle(watched: Watched, *, reveal: bool = True, timeout: float = 90_000) -> None:
    """Wait for the page that is loading, then skip its prediction (if ``reveal``)."""
    wait_until_idle(watched.page, timeout=timeout)
    if reveal:
        skip = watched.page.get_by_role("button", name=SKIP)
        if skip.count():
            skip.click()
            watched.page.get_by_role("button", name=SKIP).wait_for(state="detached")
            wait_until_idle(watched.page, timeout=timeout)


def choose_first_option(group) -> None:
    """Pick a radio group's first option by its visible label, as a learner clicks it."""
    group.locator("label").first.click()


WATCH_FOR_QUEUE = """() => {
    window.sawTrainingQueue = false;
    new MutationObserver(() => {
        if (document.body.textContent.includes("ahead of yours")) window.sawTrainingQueue = true;
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""
"""Records on the page whether the training queue's line was ever on screen."""


def main_text(watched: Watched) -> str:
    return watched.page.locator(MAIN).inner_text()


def test_every_page_at_laptop_and_phone_width(open_page, screenshots, subtests) -> None:
    """Every page: no error, charts drawn and no wider than a phone; screenshots of both."""
    for viewport, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
        watched = open_page(viewport)
        for spec in registry.COURSE:
            with subtests.test(msg=f"{spec.key} at {name} width"):
                visit(watched, url_of(spec) + LIGHT)
                assert_no_errors(watched)
                assert watched.page.locator(f"{MAIN} h1").count() >= 1
                assert_charts_drawn(watched.page)
                overflow = watched.page.locator(f"{MAIN} {CHART}").evaluate_all(
                    "(els) => els.filter("
                    "(e) => e.getBoundingClientRect().right > window.innerWidth + 1).length"
                )
                assert overflow == 0, f"{overflow} chart(s) wider than the screen on {spec.key}"
                full_page_screenshot(watched.page, screenshots / f"{name}-{spec.key}.png")


def test_walking_the_whole_course_with_next(open_page) -> None:
    """From Welcome, the Next link leads through every page in course order to the end."""
    watched = open_page(LAPTOP)
    page = watched.page
    visit(watched, "/" + LIGHT, reveal=False)
    titles = [link.title for link in nav_pages(page)]
    assert titles == [spec.nav_title for spec in registry.COURSE], "numbered in course order"
    for spec in registry.COURSE[1:]:
        page.get_by_role("link", name=f"Next: {spec.title}").click()
        page.wait_for_url(lambda url, spec=spec: urlsplit(url).path.rstrip("/") == f"/{spec.key}")
        wait_until_idle(page, timeout=90_000)
        assert_no_errors(watched)
        current = page.locator(f'{NAV_LINK}[aria-current="page"]')
        assert spec.nav_title in current.inner_text()
    assert "You have reached the end of the course" in main_text(watched)
    assert page.get_by_role("link", name=re.compile("^Next:")).count() == 0


def test_a_prediction_hides_the_results_until_made(open_page) -> None:
    watched = open_page(LAPTOP)
    page = watched.page
    visit(watched, "/greedy" + LIGHT, reveal=False)
    assert chart_count(page) == 0 and "Results over many runs" not in main_text(watched)
    choose_first_option(page.locator(MAIN).get_by_role("radiogroup").first)
    page.get_by_role("heading", name="Results over many runs").wait_for()
    wait_until_idle(page)
    assert_no_errors(watched)
    assert assert_charts_drawn(page) >= 4
    verdict = page.locator(
        '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"]'
    )
    assert re.search(r"prediction was right|You predicted", verdict.first.inner_text())


def test_stepping_through_one_run(open_page) -> None:
    watched = open_page(LAPTOP)
    page = watched.page
    visit(watched, "/greedy" + LIGHT)
    step_text = page.locator(MAIN).get_by_text(re.compile(r"^At step \d+ the agent pulled"))
    assert step_text.inner_text().startswith("At step 10 ")
    page.get_by_role("button", name="+1", exact=True).click()
    page.locator(MAIN).get_by_text(re.compile(r"^At step 11 ")).wait_for()
    page.get_by_role("button", name="Play", exact=True).click()
    page.locator(MAIN).get_by_text(re.compile(r"^At step 1[3-9] ")).wait_for(timeout=30_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    assert_no_errors(watched)


def test_answering_a_check_counts_as_progress(open_page) -> None:
    watched = open_page(LAPTOP)
    page = watched.page
    visit(watched, "/naive" + LIGHT)
    total = len(registry.COURSE)
    sidebar = page.locator(SIDEBAR)
    assert f"0 of {total} pages done" in sidebar.inner_text()
    groups = page.locator(MAIN).get_by_role("radiogroup")
    for index in range(groups.count() - 3, groups.count()):
        choose_first_option(groups.nth(index))
        wait_until_idle(page)
    sidebar.get_by_text(f"1 of {total} pages done").wait_for()
    assert page.locator('[data-testid="stAlertContentSuccess"]').count() >= 1
    assert_no_errors(watched)


def train_button(watched: Watched):
    return watched.page.locator(MAIN).get_by_role("button", name=re.compile(r"Train\b"))


def inspected_run(watched: Watched) -> str:
    return watched.page.locator(f'{MAIN} input[aria-label="Run to inspect"]').input_value()


def test_training_and_stopping_a_dqn(open_page) -> None:
    watched = open_page(LAPTOP)
    page = watched.page
    visit(watched, "/dqn?budget=1000&warmup=500")
    train_button(watched).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[aria-label=\"Run to inspect\"]')]"
        ".some((input) => input.value.startsWith('Run 2'))",
        timeout=TRAINING_TIMEOUT_MS,
    )
    wait_until_idle(page)
    assert_no_errors(watched)
    assert inspected_run(watched) == "Run 2: budget 1000, warmup 500"
    assert page.get_by_role("button", name="Stop training").count() == 0
    visit(watched, "/dqn?budget=100000")
    train_button(watched).click()
    page.get_by_role("button", name="Stop training").click(timeout=TRAINING_TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[aria-label=\"Run to inspect\"]')]"
        ".some((input) => input.value.endsWith('(stopped)'))",
        timeout=TRAINING_TIMEOUT_MS,
    )
    wait_until_idle(page)
    assert_no_errors(watched)
    assert "Training stopped after" in main_text(watched)


def test_concurrent_sessions_keep_their_own_settings(open_page) -> None:
    """Eight sessions at once, each with its own seed and slider move, see only their own."""
    pages = [
        spec for spec in registry.COURSE if spec.section in ("The four strategies", "Beyond ε")
    ]
    sessions = []
    for index in range(CONCURRENT_SESSIONS):
        spec = pages[index % len(pages)]
        watched = open_page({"width": 1280, "height": 800})
        watched.page.goto(f"/{spec.key}?seed={101 + index}&runs=500", wait_until="commit")
        sessions.append((watched, spec, 101 + index, 1 + index % 3))
    for watched, *_ in sessions:
        settle(watched, timeout=150_000)
    moved = []
    for watched, _, _, presses in sessions:
        slider = watched.page.locator(f"{SIDEBAR} [data-testid='stSlider']").first
        press_slider(slider, "ArrowRight", presses)
        moved.append((slider, slider_state(slider)["value"]))
    for (watched, spec, seed, _), (slider, value) in zip(sessions, moved, strict=True):
        wait_until_idle(watched.page, timeout=150_000)
        assert_no_errors(watched)
        assert_charts_drawn(watched.page)
        assert query(watched.page).get("seed") == [str(seed)], f"{spec.key}: {watched.page.url}"
        assert slider_state(slider)["value"] == value
        shown = set(re.findall(r"(\d+)-armed bandit", main_text(watched)))
        assert shown == {value}, f"{spec.key} with seed {seed} says {shown}, slider {value}"


def test_concurrent_trainings_each_get_their_own_run(open_page) -> None:
    """Eight visitors press Train at once: they queue for the one trainer, and each ends up with
    the run of its own seed (a wrong cache key would hand one visitor another's run).

    Each training is long enough (10,000 steps, a few seconds) that the later ones must wait
    however slowly the server answers the clicks; every page records whether it ever showed
    the queue, since a glance after the clicks may come before or after it.
    """
    sessions = []
    for index in range(CONCURRENT_SESSIONS):
        watched = open_page({"width": 1280, "height": 900})
        watched.page.goto(f"/dqn?dqn_seed={201 + index}&budget=10000&warmup=500")
        sessions.append((watched, 201 + index))
    for watched, _ in sessions:
        wait_until_idle(watched.page, timeout=150_000)
        watched.page.evaluate(WATCH_FOR_QUEUE)
    for watched, _ in sessions:
        train_button(watched).click()
    for watched, seed in sessions:
        watched.page.wait_for_function(
            "(seed) => [...document.querySelectorAll('input[aria-label=\"Run to inspect\"]')]"
            ".some((input) => input.value.includes('seed ' + seed))",
            arg=seed,
            timeout=TRAINING_TIMEOUT_MS * 2,
        )
        wait_until_idle(watched.page)
        assert_no_errors(watched)
        assert inspected_run(watched) == f"Run 2: budget 10000, seed {seed}, warmup 500"
    saw_queue = [watched.page.evaluate("window.sawTrainingQueue") for watched, _ in sessions]
    assert any(saw_queue), "with eight visitors and one trainer, someone saw the queue"


def test_hostile_url_is_ignored_safely(open_page) -> None:
    """Script in a URL value, a NaN and an unknown key: a note, no exception, no script run."""
    watched = open_page(LAPTOP)
    page = watched.page
    payload = "<script>alert(1)</script>"
    visit(watched, f"/epsilon_greedy?arms={quote(payload)}&steps=nan&bogus=x", reveal=False)
    assert_no_errors(watched)  # includes: no alert() dialog, no JS error
    notes = page.locator(INFO_BOX).filter(has_text=re.compile("ignored", re.IGNORECASE))
    assert notes.count() >= 1 and notes.first.is_visible()
    injected = page.evaluate(
        """() => [...document.querySelectorAll('script')]
                 .filter((s) => (s.textContent || '').includes('alert(1)')).length"""
    )
    assert injected == 0, "the URL's script ended up as a <script> element"
    assert payload not in page.locator(MAIN).inner_html()
    assert "bogus" not in query(page), f"unknown key kept in the URL: {page.url}"


def test_a_shared_link_on_a_fresh_server(open_page, browser) -> None:
    """A shared deep link as a new server's very first visit gets the real navigation."""
    with running_app("fresh") as fresh:
        context = browser.new_context(viewport=LAPTOP, base_url=fresh.url)
        try:
            watched = Watched(context.new_page())
            visit(watched, "/ucb?seed=7&runs=500")
            assert_no_errors(watched)
            titles = [item.title for item in nav_pages(watched.page)]
            assert titles == [spec.nav_title for spec in registry.COURSE]
            current = watched.page.locator(f'{NAV_LINK}[aria-current="page"]')
            assert current.count() == 1 and "Upper confidence bound" in current.inner_text()
            assert assert_charts_drawn(watched.page) > 0
        finally:
            context.close()


def test_no_request_leaves_the_machine(open_page) -> None:
    """An offline venue loses nothing: every page asks only the app's own server."""
    watched = open_page(LAPTOP)
    requested: list[str] = []
    watched.page.on("request", lambda request: requested.append(request.url))
    for spec in registry.COURSE:
        visit(watched, url_of(spec) + LIGHT)
        assert_no_errors(watched)
    outside = {
        urlsplit(url).netloc
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and urlsplit(url).hostname not in ("127.0.0.1", "localhost")
    }
    assert not outside, f"requests left the machine: {sorted(outside)}"


def test_a_restarted_server_explains_the_missing_runs(browser) -> None:
    """Train, restart the server on the same port: the page explains, instead of a stale run."""
    port = free_port()
    context = browser.new_context(viewport=LAPTOP, base_url=f"http://127.0.0.1:{port}")
    try:
        watched = Watched(context.new_page())
        with running_app("before-restart", port=port):
            visit(watched, "/dqn?budget=1000&warmup=500")
            train_button(watched).click()
            watched.page.wait_for_url(re.compile(r"trained=1"), timeout=TRAINING_TIMEOUT_MS)
            wait_until_idle(watched.page)
        with running_app("after-restart", port=port):
            watched.page.reload()
            wait_until_idle(watched.page, timeout=120_000)
            assert "not on this server any more" in main_text(watched)
            assert inspected_run(watched) == "Run 1: default settings (shipped)"
            assert_no_errors(watched)
    finally:
        context.close()
