"""Page render timings through Streamlit's AppTest: cold (empty caches) and cached (a rerun).

Cold is the first visit to a page with default settings in a fresh process whose caches are
empty; cached is the same page run again with the same settings. Both are server-side times,
which is what the learner waits for before the browser draws. Each page is timed with its
results on show, as for a learner who has made (or skipped) the page's prediction: timing the
prediction prompt alone would leave the simulation out.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from ui import course, registry

ENTRYPOINT = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def navigation_pages() -> list[str]:
    """Page files in course order, from the page registry the router reads too."""
    return [spec.path for spec in registry.COURSE]


def show_results(at: AppTest) -> None:
    """Every page's prediction skipped in this session, so pages show (and compute) results."""
    at.session_state[course.PREDICTIONS_KEY] = {
        spec.key: course.SKIPPED for spec in registry.COURSE
    }


def run_pages_benchmark(pages: list[str] | None = None) -> list[dict]:
    rows = []
    for page in pages or navigation_pages():
        st.cache_data.clear()
        at = AppTest.from_file(ENTRYPOINT, default_timeout=120)
        at.run()
        show_results(at)
        at.switch_page(page)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        at.run()
        cached = time.perf_counter() - start
        problems = len(at.exception) + len(at.error)
        rows.append({"page": page, "cold_s": cold, "cached_s": cached, "errors": problems})
    return rows
