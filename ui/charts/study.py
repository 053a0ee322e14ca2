"""The parameter study (Sutton & Barto, Figure 2.6): average reward against each parameter."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from core.study import StudyPoint
from ui.charts.figure import Figure, data, template
from ui.charts.style import PALETTE, series_dash, titled

STUDY_SLOTS = (2, 4, 0, 6)
"""Palette slots of the four curves (red, green, blue, purple), as in the book's figure."""


def study_frame(points: Sequence[StudyPoint]) -> pd.DataFrame:
    """Parameter study points as a tidy frame, with a ``label`` per curve."""
    frame = pd.DataFrame(
        {
            "method": [p.method for p in points],
            "parameter": [p.parameter for p in points],
            "exponent": [p.exponent for p in points],
            "value": [p.value for p in points],
            "average_reward": [p.average_reward for p in points],
            "optimal_rate": [p.optimal_rate for p in points],
        }
    )
    frame["label"] = frame["method"] + " (" + frame["parameter"] + ")"
    return frame


def best_settings(points: Sequence[StudyPoint]) -> pd.DataFrame:
    """Each method's best parameter value, best method first."""
    frame = study_frame(points)
    best = frame.loc[frame.groupby("method", sort=False)["average_reward"].idxmax()]
    return best.sort_values("average_reward", ascending=False).reset_index(drop=True)


@template
def _study_template(labels: tuple[str, ...], steps: int) -> alt.TopLevelMixin:
    slots = STUDY_SLOTS[: len(labels)]
    color = alt.Color(
        "label:N",
        title=None,
        scale=alt.Scale(domain=list(labels), range=[PALETTE[slot] for slot in slots]),
    ).legend(orient="bottom", direction="vertical", labelLimit=400, symbolStrokeWidth=3)
    base = alt.Chart(data("points")).encode(
        x=alt.X(
            "exponent:Q",
            title="ε, α, c, Q₁ (log scale)",
            scale=alt.Scale(domain=[-7, 2], nice=False),
            axis=alt.Axis(
                values=list(range(-7, 3)),
                labelExpr=(
                    "datum.value < 0 ? '1/' + pow(2, -datum.value) : '' + pow(2, datum.value)"
                ),
            ),
        ),
        y=alt.Y(
            "average_reward:Q",
            title=f"Average reward over the first {steps:,} steps",
            scale=alt.Scale(zero=False),
        ),
        color=color,
    )
    lines = base.mark_line(strokeWidth=2).encode(strokeDash=series_dash("label", labels, slots))
    dots = base.mark_point(filled=True, size=50).encode(
        shape=alt.Shape("label:N", legend=None),
        tooltip=[
            alt.Tooltip("method:N", title="Method"),
            alt.Tooltip("parameter:N", title="Parameter"),
            alt.Tooltip("value:Q", title="Value", format=".4g"),
            alt.Tooltip("average_reward:Q", title="Average reward", format=".3f"),
            alt.Tooltip("optimal_rate:Q", title="% optimal action", format=".1%"),
        ],
    )
    return titled(alt.layer(lines, dots), "Parameter study (Figure 2.6)", height=380)


def study_chart(points: Sequence[StudyPoint], steps: int) -> Figure:
    """Figure 2.6: average reward against each method's parameter, on a log2 axis."""
    frame = study_frame(points)
    labels = tuple(dict.fromkeys(frame["label"]))
    best = best_settings(points)
    peaks = "; ".join(
        f"{row.method} peaks at {row.parameter} = {row.value:.4g} with {row.average_reward:.2f}"
        for row in best.itertuples()
    )
    alt_text = (
        f"Line chart of average reward over the first {steps:,} steps against each method's "
        f"parameter on a log scale; every curve rises then falls. {peaks}."
    )
    return Figure(_study_template(labels, steps), {"points": frame}, alt_text)
