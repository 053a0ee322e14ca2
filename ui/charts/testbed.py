"""The testbed itself (Sutton & Barto, Figure 2.1): what one bandit problem's arms pay."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.figure import Figure, data, template
from ui.charts.style import ESTIMATE_COLOR, TRUE_VALUE_COLOR, titled

VIOLIN_POINTS = 60
VIOLIN_HALF_WIDTH = 0.4
"""Half the widest violin, in arm units: neighbouring violins never touch."""


def reward_distribution_frame(q_true: np.ndarray) -> pd.DataFrame:
    """Each arm's reward density N(q*(a), 1) as a violin outline: ``arm``, ``reward``, edges."""
    arms = len(q_true)
    offsets = np.linspace(-3.0, 3.0, VIOLIN_POINTS)
    density = np.exp(-0.5 * offsets**2)  # peak 1 at the arm's true value
    return pd.DataFrame(
        {
            "arm": np.repeat(np.arange(1, arms + 1), VIOLIN_POINTS),
            "reward": (q_true[:, None] + offsets[None, :]).ravel(),
            "left": (np.arange(1, arms + 1)[:, None] - VIOLIN_HALF_WIDTH * density).ravel(),
            "right": (np.arange(1, arms + 1)[:, None] + VIOLIN_HALF_WIDTH * density).ravel(),
        }
    )


@template
def _distribution_template(arms: int) -> alt.TopLevelMixin:
    violins = (
        alt.Chart(data("violins"))
        .mark_area(orient="horizontal", opacity=0.45, color=ESTIMATE_COLOR)
        .encode(
            y=alt.Y("reward:Q", title="Reward distribution"),
            x=alt.X(
                "left:Q",
                title="Arm",
                scale=alt.Scale(domain=[0.4, arms + 0.6], nice=False),
                axis=alt.Axis(values=list(range(1, arms + 1)), format="d", grid=False),
            ),
            x2="right:Q",
            detail="arm:N",
        )
    )
    truth = (
        alt.Chart(data("arms"))
        .mark_tick(color=TRUE_VALUE_COLOR, thickness=3, size=30, orient="horizontal")
        .encode(
            x="arm:Q",
            y="q_true:Q",
            tooltip=[
                alt.Tooltip("arm:Q", title="Arm"),
                alt.Tooltip("q_true:Q", title="True value q*(a)", format=".2f"),
            ],
        )
    )
    labels = (
        alt.Chart(data("arms"))
        .mark_text(dx=18, align="left", fontSize=11, color=TRUE_VALUE_COLOR)
        .encode(x="arm:Q", y="q_true:Q", text=alt.Text("label:N"))
    )
    return titled(
        alt.layer(violins, truth, labels),
        "One bandit problem: what each arm pays",
        "shaded: rewards of one pull, N(q*(a), 1) · black tick: the arm's true value q*(a)",
        height=340,
    )


def reward_distribution_chart(q_true: np.ndarray) -> Figure:
    """Figure 2.1: each arm's reward distribution around its true value, for one problem."""
    arms = len(q_true)
    frame = pd.DataFrame(
        {
            "arm": np.arange(1, arms + 1),
            "q_true": q_true,
            "label": [f"q*({a})" for a in range(1, arms + 1)],
        }
    )
    order = np.argsort(-q_true)
    text = (
        f"Violin chart of the reward distribution of each of {arms} arms, each a normal "
        f"distribution with standard deviation 1 around its true value. The best arm is arm "
        f"{order[0] + 1} (q* = {q_true[order[0]]:.2f}), the worst arm {order[-1] + 1} "
        f"(q* = {q_true[order[-1]]:.2f})."
    )
    frames = {"violins": reward_distribution_frame(q_true), "arms": frame}
    return Figure(_distribution_template(arms), frames, text)
