"""The look every chart shares: sizes, colours, series encodings and reference lines.

Colour is never the only channel: lines of different series also differ by dash pattern, and
reference lines carry a text label. Colours come from Tableau's palette (distinct hues for
neighbouring series); a page may pin a series to a palette slot so that it keeps its colour when
other series are added or removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import altair as alt

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)

CHART_HEIGHT = 300
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fill the column's width but keep the plot CHART_HEIGHT tall, legend and title outside it."""

PALETTE = (
    "#4c78a8",
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)
"""Tableau 10: the colour of series i is PALETTE[slot i]."""
DASHES = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3), (12, 4), (3, 5), (1, 3), (10, 2, 2, 2, 2, 2))
"""Dash patterns for series, so lines differ without colour too."""

REFERENCE_COLOR = "#57606a"
"""Reference lines and their labels (4.5:1 contrast on white)."""
PULLED_COLOR = "#f58518"
TRUE_VALUE_COLOR = "#111827"
ESTIMATE_COLOR = "#4c78a8"
OPTIMAL_ARM_COLOR = "#54a24b"
OTHER_ARM_COLOR = "#bab0ac"
OPTIMAL_ARM, OTHER_ARMS = "optimal arm", "other arms"


def palette_slots(count: int, slots: Sequence[int] | None = None) -> list[int]:
    """Palette positions of ``count`` series: ``slots`` if given, else 0, 1, 2, ..."""
    chosen = list(slots) if slots is not None else list(range(count))
    if len(chosen) != count:
        raise ValueError(f"slots must name one palette slot per series ({count}), got {chosen}")
    return chosen


def series_color(
    field: str,
    labels: Sequence[str],
    slots: Sequence[int] | None = None,
    *,
    legend_columns: int = 1,
    label_limit: int = 400,
) -> alt.Color:
    """One colour per series, in ``labels`` order (or pinned by ``slots``); legend below."""
    chosen = palette_slots(len(labels), slots)
    return alt.Color(
        f"{field}:N",
        title=None,
        scale=alt.Scale(
            domain=list(labels), range=[PALETTE[slot % len(PALETTE)] for slot in chosen]
        ),
    ).legend(orient="bottom", columns=legend_columns, labelLimit=label_limit, symbolStrokeWidth=3)


def series_dash(field: str, labels: Sequence[str], slots: Sequence[int] | None = None):
    """One dash pattern per series, matching :func:`series_color`'s order; shares its legend."""
    chosen = palette_slots(len(labels), slots)
    return alt.StrokeDash(
        f"{field}:N",
        title=None,
        scale=alt.Scale(
            domain=list(labels), range=[list(DASHES[slot % len(DASHES)]) for slot in chosen]
        ),
    ).legend(None)


def optimal_arm_color() -> alt.Color:
    """Green for the run's optimal arm, grey for the rest (a ``kind`` column)."""
    return alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(
            domain=[OPTIMAL_ARM, OTHER_ARMS], range=[OPTIMAL_ARM_COLOR, OTHER_ARM_COLOR]
        ),
    ).legend(orient="bottom")


def reference_rules(source: alt.NamedData, value_format: str) -> alt.LayerChart | alt.FacetChart:
    """Dashed horizontal lines with a text label each, from rows (``reference``, ``value``)."""
    base = alt.Chart(source).encode(y="value:Q")
    rules = base.mark_rule(strokeDash=[5, 4], color=REFERENCE_COLOR).encode(
        tooltip=[
            alt.Tooltip("reference:N", title="Reference"),
            alt.Tooltip("value:Q", title="Value", format=value_format),
        ]
    )
    labels = base.mark_text(
        align="left", baseline="bottom", dx=4, dy=-2, color=REFERENCE_COLOR, fontSize=11
    ).encode(x=alt.value(0), text="reference:N")
    return alt.layer(rules, labels)


def titled(
    chart: ChartT,
    title: str,
    subtitle: str | Sequence[str] | None = None,
    *,
    height: int = CHART_HEIGHT,
) -> ChartT:
    """The finishing touches every chart gets: height, full width, title and subtitle."""
    heading = alt.TitleParams(title, subtitle=subtitle) if subtitle else title
    return chart.properties(height=height, autosize=FIT_WIDTH, title=heading)


def count_axis(title: str) -> alt.Axis:
    """An axis of whole numbers (pulls, episodes): no 0.5 ticks."""
    return alt.Axis(title=title, format="d", tickMinStep=1)


def number(value: float, digits: int = 2) -> str:
    """A figure for prose and alt text, without a stray minus sign on values that round to 0."""
    return f"{round(value, digits) + 0.0:.{digits}f}"
