""" "Be the agent": the player's tally (and the truth, once revealed) and the race."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.figure import Figure, data, template
from ui.charts.style import (
    ESTIMATE_COLOR,
    REFERENCE_COLOR,
    TRUE_VALUE_COLOR,
    count_axis,
    series_color,
    series_dash,
    titled,
)


def tally_frame(
    counts: np.ndarray, averages: np.ndarray, q_true: np.ndarray | None = None
) -> pd.DataFrame:
    """A player's own tally per arm, with the true values once they are revealed."""
    frame = pd.DataFrame(
        {
            "arm": np.arange(1, len(counts) + 1),
            "pulls": counts.astype(int),
            "average": np.where(counts > 0, averages, 0.0),
            "tried": counts > 0,
        }
    )
    if q_true is not None:
        frame["q_true"] = q_true
    return frame


@template
def _tally_template(revealed: bool) -> alt.TopLevelMixin:
    tooltip = [
        alt.Tooltip("arm:O", title="Arm"),
        alt.Tooltip("pulls:Q", title="Your pulls"),
        alt.Tooltip("average:Q", title="Your average reward", format=".2f"),
    ]
    if revealed:
        tooltip.append(alt.Tooltip("q_true:Q", title="True value q*(a)", format=".2f"))
    base = alt.Chart(data("tally")).encode(
        x=alt.X("arm:O", title="Arm", axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(color=ESTIMATE_COLOR).encode(
        y=alt.Y("average:Q", title="Average reward", axis=alt.Axis(format=".1f")),
        opacity=alt.condition(alt.datum.tried, alt.value(1), alt.value(0)),
        tooltip=tooltip,
    )
    labels = base.mark_text(dy=-8, fontSize=11, color=REFERENCE_COLOR).encode(
        y="average:Q",
        text=alt.Text("pulls:Q", format="d"),
        opacity=alt.condition(alt.datum.tried, alt.value(1), alt.value(0)),
    )
    layers = [bars, labels]
    if not revealed:
        return titled(
            alt.layer(*layers), "Your tally", "bars: your average reward · numbers: pulls"
        )
    layers.append(
        base.mark_tick(color=TRUE_VALUE_COLOR, thickness=3, size=28).encode(
            y="q_true:Q", tooltip=tooltip
        )
    )
    return titled(
        alt.layer(*layers),
        "Your tally and the truth",
        "bars: your average reward · numbers: pulls · black ticks: true values",
    )


def tally_chart(
    counts: np.ndarray, averages: np.ndarray, q_true: np.ndarray | None = None
) -> Figure:
    """Bars: the player's average reward per arm (labelled with pulls); ticks: true values."""
    frame = tally_frame(counts, averages, q_true)
    tried = frame[frame["tried"]]
    parts = [
        f"arm {row.arm}: {row.pulls} pulls, average {row.average:.2f}" for row in tried.itertuples()
    ]
    text = f"Bar chart of your tally, {len(tried)} of {len(frame)} arms tried: " + "; ".join(parts)
    if q_true is not None:
        best = int(np.argmax(q_true))
        text += f". The best arm was arm {best + 1} with true value {q_true[best]:.2f}"
    return Figure(_tally_template(q_true is not None), {"tally": frame}, text + ".")


def race_frame(player: Sequence[float], rivals: dict[str, np.ndarray]) -> pd.DataFrame:
    """Cumulative reward pull by pull for the player and each rival agent."""
    frames = [
        pd.DataFrame(
            {"who": name, "pull": np.arange(1, len(rewards) + 1), "total": np.cumsum(rewards)}
        )
        for name, rewards in {"You": np.asarray(player), **rivals}.items()
    ]
    return pd.concat(frames, ignore_index=True)


RACE_SLOTS = (2, 0, 3, 4)
"""You in red; the rival agents in blue, teal and green."""


@template
def _race_template(names: tuple[str, ...]) -> alt.TopLevelMixin:
    slots = RACE_SLOTS[: len(names)]
    chart = (
        alt.Chart(data("race"))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("pull:Q", axis=count_axis("Pull")),
            y=alt.Y("total:Q", title="Total reward so far"),
            color=series_color("who", names, slots, legend_columns=2, label_limit=300),
            strokeDash=series_dash("who", names, slots),
            shape=alt.Shape("who:N", legend=None),
            tooltip=[
                alt.Tooltip("who:N", title="Player"),
                alt.Tooltip("pull:Q", title="Pull"),
                alt.Tooltip("total:Q", title="Total", format=".2f"),
            ],
        )
    )
    return titled(chart, "The race")


def race_chart(player: Sequence[float], rivals: dict[str, np.ndarray]) -> Figure:
    """Who collected more reward, pull by pull, on the same bandit and reward draws."""
    frame = race_frame(player, rivals)
    names = tuple(dict.fromkeys(frame["who"]))
    totals = frame.groupby("who", sort=False)["total"].last()
    text = "Line chart of total reward pull by pull. Final totals: " + "; ".join(
        f"{name} {total:.2f}" for name, total in totals.items()
    )
    return Figure(_race_template(names), {"race": frame}, text + ".")
