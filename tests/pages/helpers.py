"""Open pages through the entrypoint as a learner would, and read what their charts draw."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.compat import arrow_to_frame

ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 120
SKIP_PREDICTION = "Skip, just show me"
TRAINING_DEADLINE = 240.0
SMALL = {"runs": "100", "steps": "300"}
"""A testbed small enough that a page runs in a blink; page tests check that the page draws
what core returns, and tests/core checks the book's figures at full size."""


def open_page(
    page: str, query: dict[str, str | list[str]] | None = None, *, reveal: bool = True
) -> AppTest:
    """Run the app, switch to ``page`` with ``query`` in the URL, and (unless ``reveal`` is
    False) skip the prediction so the results show."""
    at = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    if reveal:
        skip_prediction(at)
    return at


def skip_prediction(at: AppTest) -> AppTest:
    """Press "Skip, just show me" if the page is asking for a prediction."""
    for button in at.button:
        if button.label == SKIP_PREDICTION:
            button.click().run()
            break
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@dataclass
class DrawnChart:
    """One chart as sent to the browser: its Vega-Lite spec, datasets as frames, alt text."""

    spec: dict
    frames: dict[str, pd.DataFrame]
    alt: str

    @property
    def frame(self) -> pd.DataFrame:
        """The main dataset (the largest one)."""
        return max(self.frames.values(), key=len)

    def frames_with(self, column: str) -> list[pd.DataFrame]:
        return [frame for frame in self.frames.values() if column in frame.columns]


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else title


def charts_by_title(at: AppTest) -> dict[str, DrawnChart]:
    drawn = {}
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        frames = {
            dataset.name: arrow_to_frame(dataset.data.data) for dataset in element.proto.datasets
        }
        drawn[_title(spec)] = DrawnChart(spec=spec, frames=frames, alt=element.proto.alt)
    return drawn


def chart_titled(at: AppTest, title: str) -> DrawnChart:
    charts = charts_by_title(at)
    assert title in charts, f"no chart titled {title!r}; charts: {sorted(charts)}"
    return charts[title]


def text_of(at: AppTest) -> str:
    """Everything the page says in markdown, captions and alerts, as one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("info", "success", "warning", "error"):
        parts += [element.value for element in getattr(at, kind)]
    return "\n".join(parts)


def wait_for_training(at: AppTest) -> AppTest:
    """Wait in the training pool until this session's training has settled, then rerun the page
    once, as its status fragment would, so that it collects the run."""
    from core.workers import shared_pool
    from ui.dqn import runs

    if runs.JOB_KEY in at.session_state:
        pool = shared_pool()
        job = pool.job(at.session_state[runs.JOB_KEY])
        if job is not None:
            settled = pool.wait_for(lambda: job.settled, TRAINING_DEADLINE, [job.owner])
            assert settled, "training did not finish in time"
        at.run()
    assert runs.JOB_KEY not in at.session_state, "the page did not collect its training"
    return at
