"""What the browser tests need to read and drive a Streamlit page.

Everything here is generic: it knows Streamlit's DOM (test ids), not this app's pages, so new
pages are covered without changes.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Dialog, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

SIDEBAR = '[data-testid="stSidebar"]'
MAIN = '[data-testid="stMain"]'
NAV_LINK = '[data-testid="stSidebarNav"] a'
EXCEPTION = '[data-testid="stException"]'
ERROR_BOX = '[data-testid="stAlertContentError"]'
INFO_BOX = '[data-testid="stAlertContentInfo"]'
SLIDER = '[data-testid="stSlider"]'
SLIDER_THUMB = 'input[type="range"], [role="slider"]'
FORM = '[data-testid="stForm"]'
CHART = ".vega-embed"

SCREENSHOT_MAX_HEIGHT = 12000

# True once the script has finished, nothing on the page is stale, the main block has content,
# and every Vega chart has drawn its SVG or canvas.
_IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  if (!app || !main) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (!main.querySelector('[data-testid="stElementContainer"]')) return false;
  if (main.querySelector('[data-testid="stSkeleton"]')) return false;
  for (const chart of main.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    // The chart element is itself the .vega-embed (or, in other versions, wraps it).
    const embed = chart.matches('.vega-embed') ? chart : chart.querySelector('.vega-embed');
    if (!embed) return false;
    const svg = embed.querySelector('svg');
    const canvas = embed.querySelector('canvas');
    const svgDrawn = svg && svg.childElementCount > 0 && svg.getBoundingClientRect().width > 0;
    const canvasDrawn = canvas && canvas.width > 0 && canvas.height > 0;
    if (!svgDrawn && !canvasDrawn) return false;
  }
  return true;
}
"""

# The same check, true only after it has held for `polls` consecutive polls.
_STABLE_IDLE_JS = (
    "(polls) => { const idle = ("
    + _IDLE_JS.strip()
    + ")(); window.__e2eIdle = idle ? (window.__e2eIdle || 0) + 1 : 0;"
    " return window.__e2eIdle >= polls; }"
)

# A fingerprint of everything a learner reads as a result: each chart's drawing, each
# table's text (Streamlit keeps an accessible copy of glide-data-grid cells), each metric.
_RESULT_JS = """
() => {
  const hash = (text) => {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
    return (h >>> 0).toString(16) + ':' + text.length;
  };
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...main.querySelectorAll('.vega-embed')].map((embed) => {
    const canvas = embed.querySelector('canvas');
    const svg = embed.querySelector('svg');
    return hash((canvas ? canvas.toDataURL() : '') + (svg ? svg.innerHTML : ''));
  });
  const tables = [...main.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stTable"]')]
    .map((table) => hash(table.textContent || ''));
  const metrics = [...main.querySelectorAll('[data-testid="stMetric"]')]
    .map((metric) => metric.innerText);
  return {charts, tables, metrics};
}
"""

_CHANGED_RESULT_JS = (
    "(before) => JSON.stringify((" + _RESULT_JS.strip() + ")()) !== JSON.stringify(before)"
)


@dataclass
class Watched:
    """A page with its uncaught JavaScript errors and dialogs recorded."""

    page: Page
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@dataclass(frozen=True)
class NavPage:
    """One link of the sidebar navigation."""

    title: str
    href: str
    section: str

    @property
    def path(self) -> str:
        return urlsplit(self.href).path.strip("/")

    @property
    def is_home(self) -> bool:
        return self.path == ""

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", (self.path or "home").lower()).strip("-")


def nav_pages(page: Page) -> list[NavPage]:
    """The sidebar navigation's links in order, with the section header each sits under."""
    page.locator(NAV_LINK).first.wait_for()
    rows = page.evaluate(
        """() => {
          const rows = [];
          let section = '';
          const nav = document.querySelector('[data-testid="stSidebarNav"]');
          const walker = nav.querySelectorAll('[data-testid="stNavSectionHeader"], a');
          for (const node of walker) {
            if (node.tagName !== 'A') { section = node.innerText.trim(); continue; }
            const label = node.querySelector('[data-testid="stMarkdownContainer"]');
            rows.push({title: (label || node).innerText.trim(), href: node.href, section});
          }
          return rows;
        }"""
    )
    return [NavPage(**row) for row in rows]


def wait_until_idle(page: Page, timeout: float = 60_000, polls: int = 3) -> None:
    """Wait until the script has finished and the page has settled (``polls`` x 100 ms)."""
    page.evaluate("() => { window.__e2eIdle = 0; }")
    try:
        page.wait_for_function(_STABLE_IDLE_JS, arg=polls, polling=100, timeout=timeout)
    except Exception as error:  # add what the page was doing to the timeout message
        state = page.evaluate(
            """() => {
              const app = document.querySelector('[data-testid="stApp"]');
              return {
                script: app && app.getAttribute('data-test-script-state'),
                connection: app && app.getAttribute('data-test-connection-state'),
                status: !!document.querySelector('[data-testid="stStatusWidget"]'),
                stale: document.querySelectorAll('[data-stale="true"]').length,
                charts: document.querySelectorAll('[data-testid="stVegaLiteChart"]').length,
              };
            }"""
        )
        raise AssertionError(f"{page.url} did not finish running: {state}") from error


def result_fingerprint(page: Page) -> dict:
    return page.evaluate(_RESULT_JS)


def chart_count(page: Page) -> int:
    return page.locator(f"{MAIN} {CHART}").count()


def assert_charts_drawn(page: Page) -> int:
    """Every Vega chart in the main area has a non-empty SVG or canvas; returns how many."""
    sizes = page.locator(f"{MAIN} {CHART}").evaluate_all(
        """(embeds) => embeds.map((embed) => {
          const svg = embed.querySelector('svg');
          const canvas = embed.querySelector('canvas');
          const box = embed.getBoundingClientRect();
          return {
            width: box.width, height: box.height,
            svgMarks: svg ? svg.querySelectorAll('path, line, rect, text, circle').length : 0,
            canvas: canvas ? canvas.width * canvas.height : 0,
          };
        })"""
    )
    for index, size in enumerate(sizes):
        assert size["width"] > 50 and size["height"] > 50, f"chart {index} is tiny: {size}"
        assert size["svgMarks"] > 0 or size["canvas"] > 0, f"chart {index} is empty: {size}"
    return len(sizes)


def assert_no_errors(watched: Watched) -> None:
    """No Streamlit exception, no error box, no uncaught JS error, no dialog."""
    page = watched.page
    exceptions = page.locator(EXCEPTION)
    assert exceptions.count() == 0, f"exception on {page.url}: {exceptions.all_inner_texts()}"
    errors = page.locator(ERROR_BOX)
    assert errors.count() == 0, f"error box on {page.url}: {errors.all_inner_texts()}"
    assert not watched.page_errors, f"JavaScript errors on {page.url}: {watched.page_errors}"
    assert not watched.dialogs, f"dialogs opened on {page.url}: {watched.dialogs}"


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def free_sidebar_sliders(page: Page) -> list[Locator]:
    """Sidebar sliders that rerun the page on their own (not inside a form)."""
    sliders = page.locator(f"{SIDEBAR} {SLIDER}")
    in_form = sliders.evaluate_all(
        "(sliders) => sliders.map((slider) => !!slider.closest('[data-testid=\"stForm\"]'))"
    )
    return [sliders.nth(index) for index, inside in enumerate(in_form) if not inside]


def slider_state(slider: Locator) -> dict:
    thumb = slider.locator(SLIDER_THUMB).first
    return thumb.evaluate(
        """(thumb) => ({
          label: thumb.getAttribute('aria-label') || '',
          value: thumb.value !== undefined && thumb.value !== '' ? thumb.value
                 : thumb.getAttribute('aria-valuenow'),
          min: thumb.getAttribute('min') ?? thumb.getAttribute('aria-valuemin'),
          max: thumb.getAttribute('max') ?? thumb.getAttribute('aria-valuemax'),
        })"""
    )


def press_slider(slider: Locator, key: str, times: int = 1) -> None:
    """Focus a slider's thumb and press ``key`` (ArrowRight, ArrowLeft, Home, End)."""
    thumb = slider.locator(SLIDER_THUMB).first
    thumb.focus()
    for _ in range(times):
        thumb.press(key)


def nudge_slider(slider: Locator) -> str:
    """Move a slider one step, right unless it is at its maximum; returns the key pressed."""
    state = slider_state(slider)
    key = "ArrowLeft" if state["value"] == state["max"] else "ArrowRight"
    press_slider(slider, key)
    return key


def wait_for_new_result(page: Page, before: dict, timeout: float = 30_000) -> dict:
    """Wait until the page is idle with a result different from ``before``; return it.

    The browser watches for the change itself; a change seen mid-run counts only if it is
    still there once the page is idle (a chart, a table's text or a metric).
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        remaining = max(1_000.0, (deadline - time.monotonic()) * 1000)
        try:
            page.wait_for_function(_CHANGED_RESULT_JS, arg=before, polling=100, timeout=remaining)
        except PlaywrightTimeoutError as error:
            raise AssertionError(f"no chart, table or metric changed on {page.url}") from error
        wait_until_idle(page, timeout=remaining)
        after = result_fingerprint(page)
        if after != before:
            return after
        if time.monotonic() > deadline:
            raise AssertionError(f"no chart, table or metric changed on {page.url} for good")


def main_scroll_height(page: Page) -> int:
    return page.evaluate(
        """() => {
          const main = document.querySelector('[data-testid="stMain"]')
            || document.querySelector('section.stMain')
            || document.querySelector('[data-testid="stAppViewContainer"]');
          const sidebar = document.querySelector('[data-testid="stSidebarContent"]');
          return Math.max(
            main ? main.scrollHeight : 0,
            sidebar ? sidebar.scrollHeight : 0,
            document.documentElement.scrollHeight,
          );
        }"""
    )


def full_page_screenshot(page: Page, path: Path) -> int:
    """Screenshot the whole page: Streamlit scrolls an inner container, so grow the viewport.

    Returns the page height captured (capped at ``SCREENSHOT_MAX_HEIGHT``).
    """
    viewport = page.viewport_size or {"width": 1280, "height": 900}
    height = viewport["height"]
    for _ in range(4):  # growing the viewport can reflow the page; repeat until it fits
        wanted = min(SCREENSHOT_MAX_HEIGHT, max(viewport["height"], main_scroll_height(page)))
        if wanted == height:
            break
        height = wanted
        page.set_viewport_size({"width": viewport["width"], "height": height})
        wait_until_idle(page, polls=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    page.set_viewport_size(viewport)
    return height
