"""Open pages through the entrypoint and read what their charts draw."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 60


def open_page(page: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    """Run the app, then switch to ``page`` with ``query`` in the URL, as a visitor would."""
    at = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


@dataclass
class DrawnChart:
    """One chart as sent to the browser: its Vega-Lite spec and its datasets as frames."""

    spec: dict
    frames: list[pd.DataFrame]

    @property
    def frame(self) -> pd.DataFrame:
        """The main dataset (the largest one)."""
        return max(self.frames, key=len)

    def frames_with(self, column: str) -> list[pd.DataFrame]:
        return [frame for frame in self.frames if column in frame.columns]


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else title


def charts_by_title(at: AppTest) -> dict[str, DrawnChart]:
    drawn = {}
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        frames = [
            dataframe_util.convert_arrow_bytes_to_pandas_df(dataset.data.data)
            for dataset in element.proto.datasets
        ]
        drawn[_title(spec)] = DrawnChart(spec=spec, frames=frames)
    return drawn


def chart_titled(at: AppTest, title: str) -> DrawnChart:
    charts = charts_by_title(at)
    assert title in charts, f"no chart titled {title!r}; charts: {sorted(charts)}"
    return charts[title]
