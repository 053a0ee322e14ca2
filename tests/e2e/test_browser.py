"""A real Chromium against the running app: every page, screenshots, concurrency, hostile URLs.

Pages are discovered from the sidebar navigation, so pages added later are covered as they are.
"""

from __future__ import annotations

import importlib.util
import re
import time
from urllib.parse import quote

import pytest

from tests.e2e.conftest import LAPTOP, PHONE, in_ci

if importlib.util.find_spec("playwright") is None:
    if in_ci():
        raise RuntimeError("Playwright is not installed (CI is set: browser tests may not skip)")
    pytest.skip("Playwright is not installed", allow_module_level=True)

from tests.e2e.server import running_app
from tests.e2e.streamlit_page import (
    CHART,
    FORM,
    INFO_BOX,
    MAIN,
    NAV_LINK,
    SIDEBAR,
    NavPage,
    Watched,
    assert_charts_drawn,
    assert_no_errors,
    chart_count,
    free_sidebar_sliders,
    full_page_screenshot,
    nav_pages,
    nudge_slider,
    press_slider,
    query,
    result_fingerprint,
    slider_state,
    wait_for_new_result,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

# "Train", not "Training"; a Material icon's name may run into it ("play_arrowTrain").
TRAIN_BUTTON = re.compile(r"Train\b")
BUDGET_LABEL = re.compile(r"budget", re.IGNORECASE)
LENGTH_LABEL = re.compile(r"episodes|steps|iterations|epochs|frames", re.IGNORECASE)
NOT_A_BANDIT = re.compile(r"dqn|q-network|cartpole|deep", re.IGNORECASE)
CONCURRENT_SESSIONS = 8

# Pages with a Train form, as found by the navigation test (None: that test has not run).
TRAIN_PAGES: list[NavPage] | None = None


def open_home(watched: Watched) -> list[NavPage]:
    watched.page.goto("/")
    wait_until_idle(watched.page)
    return nav_pages(watched.page)


def train_buttons(watched: Watched):
    return watched.page.locator(f"{FORM} button").filter(has_text=TRAIN_BUTTON)


def bandit_pages(pages: list[NavPage]) -> list[NavPage]:
    """The pages of a navigation section about bandits, else every page but home and DQN."""
    others = [
        nav
        for nav in pages
        if not nav.is_home and not NOT_A_BANDIT.search(f"{nav.section} {nav.title} {nav.path}")
    ]
    return [nav for nav in others if "bandit" in nav.section.lower()] or others


def test_every_page_through_the_navigation(open_page, screenshots, subtests) -> None:
    """Click every sidebar link: no errors, charts drawn, a sidebar control changes a chart."""
    watched = open_page(LAPTOP)
    page = watched.page
    pages = open_home(watched)
    assert len(pages) >= 2, f"navigation lists too few pages: {pages}"
    assert sum(nav.is_home for nav in pages) == 1, "exactly one page should live at /"
    train_pages: list[NavPage] = []

    for nav in pages:
        with subtests.test(msg=nav.title or nav.path):
            page.locator(f'{NAV_LINK}[href="{nav.href}"]').click()
            page.wait_for_url(
                lambda url, nav=nav: url.split("?")[0].rstrip("/") == nav.href.rstrip("/")
            )
            wait_until_idle(page)
            assert_no_errors(watched)
            assert page.locator(f"{MAIN} h1").count() >= 1, f"{nav.title} has no title"

            has_training = train_buttons(watched).count() > 0
            if has_training:
                train_pages.append(nav)
            if not nav.is_home and not has_training and chart_count(page) == 0:
                # A game-like page may draw only after a first move: make one.
                buttons = page.locator(
                    f'{MAIN} button[data-testid^="stBaseButton"]:not([data-testid*="Toolbar"])'
                )
                if buttons.count():
                    buttons.first.click()
                    page.wait_for_timeout(300)
                    wait_until_idle(page)
                    assert_no_errors(watched)
                assert chart_count(page) > 0, f"{nav.title} draws no chart"
            assert_charts_drawn(page)
            full_page_screenshot(page, screenshots / f"laptop-{nav.slug}.png")

            sliders = free_sidebar_sliders(page)
            if nav.is_home or not sliders:
                continue  # nothing in the sidebar to move (the home page, or a form-only page)
            before = result_fingerprint(page)
            key = nudge_slider(sliders[0])
            wait_for_new_result(page, before)
            assert_no_errors(watched)
            assert_charts_drawn(page)
            # Move it back: widget values carry over to the next page (shared keys), and the
            # next page's screenshot should show the defaults.
            press_slider(sliders[0], "ArrowLeft" if key == "ArrowRight" else "ArrowRight")
            wait_until_idle(page)
            assert_no_errors(watched)
    global TRAIN_PAGES
    TRAIN_PAGES = train_pages


def test_phone_width(open_page, screenshots, subtests) -> None:
    """Every page opened by its link at 390 px: no errors, charts drawn and no wider than it."""
    laptop = open_page(LAPTOP)
    pages = open_home(laptop)
    watched = open_page(PHONE)
    page = watched.page
    for nav in pages:
        with subtests.test(msg=nav.title or nav.path):
            page.goto(nav.href)
            wait_until_idle(page)
            assert_no_errors(watched)
            assert_charts_drawn(page)
            overflow = page.locator(f"{MAIN} {CHART}").evaluate_all(
                "(els) => els.filter("
                "(e) => e.getBoundingClientRect().right > window.innerWidth + 1).length"
            )
            assert overflow == 0, f"{overflow} chart(s) wider than the phone screen on {nav.title}"
            full_page_screenshot(page, screenshots / f"phone-{nav.slug}.png")

    # What a learner sees after opening the sidebar on a phone, on the first page with controls.
    for nav in pages:
        if nav.is_home:
            continue
        page.goto(nav.href)
        wait_until_idle(page)
        opener = page.locator(
            '[data-testid="stExpandSidebarButton"], '
            '[data-testid="stSidebarCollapsedControl"] button'
        )
        if opener.count():
            opener.first.click()
            page.locator(SIDEBAR).first.wait_for(state="visible")
            page.wait_for_timeout(500)  # the sidebar slides in
            page.screenshot(path=str(screenshots / f"phone-{nav.slug}-sidebar-open.png"))
        break


def test_train_form_completes(open_page, subtests) -> None:
    """A page with a form and a Train button trains with the smallest budget, without errors."""
    watched = open_page(LAPTOP)
    page = watched.page
    trained = 0
    pages = open_home(watched) if TRAIN_PAGES is None else TRAIN_PAGES
    for nav in pages:
        if nav.is_home:
            continue
        page.goto(nav.href)
        wait_until_idle(page)
        buttons = train_buttons(watched)
        if not buttons.count():
            continue
        with subtests.test(msg=nav.title):
            form = page.locator(FORM).filter(has=buttons.first)
            smallest_budget(form)
            before = result_fingerprint(page)
            buttons.first.click()
            started = time.monotonic()
            page.wait_for_timeout(300)
            wait_until_idle(page, timeout=120_000)
            assert time.monotonic() - started < 120, "training took longer than 120 s"
            assert_no_errors(watched)
            assert_charts_drawn(page)
            assert result_fingerprint(page) != before, f"training on {nav.title} showed nothing"
            trained += 1
    if not trained:
        pytest.skip("no page has a form with a Train button yet")


def smallest_budget(form) -> None:
    """Turn the form's training budget to its minimum: controls labelled "budget" if there are
    any, else those that count episodes, steps...; sliders go Home, number inputs to their min."""
    sliders = form.locator('[data-testid="stSlider"]')
    boxes = form.locator('[data-testid="stNumberInput"]')
    controls = [
        ("slider", sliders.nth(i), slider_state(sliders.nth(i))["label"])
        for i in range(sliders.count())
    ]
    controls += [
        ("number", boxes.nth(i), boxes.nth(i).locator('[data-testid="stWidgetLabel"]').inner_text())
        for i in range(boxes.count())
    ]
    chosen = [c for c in controls if BUDGET_LABEL.search(c[2])] or [
        c for c in controls if LENGTH_LABEL.search(c[2])
    ]
    for kind, control, _label in chosen:
        if kind == "slider":
            press_slider(control, "Home")
            continue
        field = control.locator("input")
        minimum = field.get_attribute("min")
        if minimum not in (None, ""):
            field.fill(minimum)
            field.press("Tab")


def test_concurrent_sessions_keep_their_own_settings(open_page, app_server) -> None:
    """Eight sessions at once, each with its own seed and slider move, see only their own."""
    candidates = bandit_pages(open_home(open_page(LAPTOP)))
    assert candidates, "no bandit page in the navigation"

    sessions = []
    for index in range(CONCURRENT_SESSIONS):
        nav = candidates[index % len(candidates)]
        seed = 101 + index
        watched = open_page({"width": 1280, "height": 800})
        # runs=500 keeps eight fresh simulations affordable on two cores.
        watched.page.goto(f"{nav.href}?seed={seed}&runs=500", wait_until="commit")
        sessions.append({"watched": watched, "nav": nav, "seed": seed, "presses": 1 + index % 3})

    started = time.monotonic()
    for session in sessions:  # all load at once; wait for each in turn
        wait_until_idle(session["watched"].page, timeout=80_000)
    for session in sessions:  # then all change a setting at once
        slider = free_sidebar_sliders(session["watched"].page)[0]
        press_slider(slider, "ArrowRight", session["presses"])
        session["slider"] = slider
        session["value"] = slider_state(slider)["value"]
    for session in sessions:
        page = session["watched"].page
        wait_until_idle(page, timeout=80_000)
        assert_no_errors(session["watched"])
        assert_charts_drawn(page)

    for session in sessions:
        page, nav, seed = session["watched"].page, session["nav"], session["seed"]
        where = f"session with seed {seed} on {nav.title}"
        assert query(page).get("seed") == [str(seed)], f"{where} has URL {page.url}"
        seed_box = page.locator(f'{SIDEBAR} [data-testid="stNumberInput"]').filter(
            has_text=re.compile("seed", re.IGNORECASE)
        )
        if seed_box.count():
            assert seed_box.first.locator("input").input_value() == str(seed), where
        state = slider_state(session["slider"])
        assert state["value"] == session["value"], f"{where}: slider is {state}"
        if "arms" in state["label"].lower():
            shown = re.findall(r"(\d+)-armed bandit", page.locator(MAIN).inner_text())
            assert shown and set(shown) == {state["value"]}, f"{where}: text says {shown}"
    elapsed = time.monotonic() - started
    assert elapsed < 90, f"{CONCURRENT_SESSIONS} sessions took {elapsed:.0f} s"


def test_concurrent_training_sessions_get_their_own_runs(open_page) -> None:
    """Eight visitors train at once with different seeds; each sees its own run, none errs.

    Runs are cached by config and shared, so a wrong key would hand one visitor another's
    run: each must end up inspecting the run labelled with its own seed.
    """
    pages = [nav for nav in open_home(open_page(LAPTOP)) if NOT_A_BANDIT.search(nav.title)]
    if not pages:
        pytest.skip("no DQN page in the navigation")
    sessions = []
    for index in range(CONCURRENT_SESSIONS):
        seed = 201 + index
        watched = open_page({"width": 1280, "height": 900})
        watched.page.goto(f"{pages[0].href}?dqn_seed={seed}&budget=1000", wait_until="commit")
        sessions.append({"watched": watched, "seed": seed})
    for session in sessions:
        wait_until_idle(session["watched"].page, timeout=80_000)
    started = time.monotonic()
    for session in sessions:  # every visitor presses Train at about the same time
        train_buttons(session["watched"]).first.click()
    for session in sessions:
        page = session["watched"].page
        page.wait_for_timeout(300)
        wait_until_idle(page, timeout=150_000)
        assert_no_errors(session["watched"])
        label = page.locator(f'{MAIN} input[aria-label="Run to inspect"]').input_value()
        assert f"seed {session['seed']}" in label, f"seed {session['seed']} sees {label!r}"
        assert "budget 1000" in label
    elapsed = time.monotonic() - started
    assert elapsed < 150, f"{CONCURRENT_SESSIONS} trainings took {elapsed:.0f} s"


def test_hostile_url_is_ignored_safely(open_page) -> None:
    """Script in a URL value, a NaN and an unknown key: a note, no exception, no script run."""
    home = open_page(LAPTOP)
    nav = bandit_pages(open_home(home))[0]
    watched = open_page(LAPTOP)
    page = watched.page
    payload = "<script>alert(1)</script>"
    page.goto(f"{nav.href}?arms={quote(payload)}&steps=nan&bogus=x")
    wait_until_idle(page)
    page.wait_for_timeout(300)  # give a (wrongly) injected script time to fire

    assert_no_errors(watched)  # includes: no alert() dialog, no JS error
    notes = page.locator(INFO_BOX).filter(has_text=re.compile("ignored", re.IGNORECASE))
    assert notes.count() >= 1, f"no note about ignored settings on {page.url}"
    assert notes.first.is_visible()
    injected = page.evaluate(
        """() => [...document.querySelectorAll('script')]
                 .filter((s) => (s.textContent || '').includes('alert(1)')).length"""
    )
    assert injected == 0, "the URL's script ended up as a <script> element"
    html = page.locator(MAIN).inner_html()
    assert payload not in html, "the URL's script text is in the page as raw HTML"
    assert "bogus" not in query(page), f"unknown key kept in the URL: {page.url}"
    assert chart_count(page) > 0
    assert_charts_drawn(page)


def test_shared_link_on_a_fresh_server(open_page, browser) -> None:
    """A shared deep link as a new server's very first visit gets the real navigation."""
    expected = open_home(open_page(LAPTOP))
    nav = bandit_pages(expected)[0]
    with running_app("fresh") as fresh:
        context = browser.new_context(viewport=LAPTOP, base_url=fresh.url)
        try:
            watched = Watched(context.new_page())
            watched.page.goto(f"/{nav.path}?seed=7")
            wait_until_idle(watched.page)
            assert_no_errors(watched)
            titles = [item.title for item in nav_pages(watched.page)]
            assert titles == [item.title for item in expected], "first visit shows another nav"
            current = watched.page.locator(f'{NAV_LINK}[aria-current="page"]')
            assert current.count() == 1 and nav.title in current.inner_text()
            assert chart_count(watched.page) > 0
            assert_charts_drawn(watched.page)
        finally:
            context.close()
