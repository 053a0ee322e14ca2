"""DQN training: the learning curve, the loss, a greedy evaluation and the run history."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from core.dqn.training import RECENT_EPISODES
from ui.charts.figure import Figure, data, template
from ui.charts.style import (
    ESTIMATE_COLOR,
    OPTIMAL_ARM_COLOR,
    REFERENCE_COLOR,
    count_axis,
    series_color,
    series_dash,
    titled,
)

RETURN_COLOR = ESTIMATE_COLOR
AVERAGE_COLOR = "#1f3b73"
CHECK_COLOR = "#c0392b"
EPSILON_COLOR = "#2e7d32"
LOSS_COLOR = "#8e44ad"


def moving_average(values: np.ndarray, window: int = RECENT_EPISODES) -> np.ndarray:
    """Mean of the last ``window`` values at each point (fewer at the start)."""
    values = np.asarray(values, dtype=float)
    sums = np.cumsum(values)
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    shifted = np.concatenate([np.zeros(window), sums])[: len(values)]
    return (sums - shifted) / counts


def training_frame(
    returns: np.ndarray, epsilons: np.ndarray, losses: np.ndarray, lengths: np.ndarray | None = None
) -> pd.DataFrame:
    """One row per training episode: return, its moving average, ε, mean loss, env steps."""
    returns = np.asarray(returns, dtype=float)
    steps = np.cumsum(lengths) if lengths is not None else np.full(len(returns), np.nan)
    return pd.DataFrame(
        {
            "episode": np.arange(1, len(returns) + 1),
            "env_step": steps,
            "return": returns,
            "moving_average": moving_average(returns),
            "epsilon": np.asarray(epsilons, dtype=float),
            "loss": np.asarray(losses, dtype=float),
        }
    )


@template
def _learning_curve_template(threshold: float, has_checks: bool) -> alt.TopLevelMixin:
    base = alt.Chart(data("episodes")).encode(x=alt.X("episode:Q", axis=count_axis("Episode")))
    tooltip = [
        alt.Tooltip("episode:Q", title="Episode"),
        alt.Tooltip("return:Q", title="Return", format=".0f"),
        alt.Tooltip("moving_average:Q", title=f"Mean of last {RECENT_EPISODES}", format=".1f"),
        alt.Tooltip("epsilon:Q", title="ε", format=".3f"),
    ]
    returns = base.mark_line(strokeWidth=1, opacity=0.45, color=RETURN_COLOR).encode(
        y=alt.Y("return:Q", title="Return (training episodes)"), tooltip=tooltip
    )
    average = base.mark_line(strokeWidth=2.5, color=AVERAGE_COLOR).encode(
        y="moving_average:Q", tooltip=tooltip
    )
    target = alt.Chart(data("threshold")).encode(y="y:Q")
    layers = [
        returns,
        average,
        target.mark_rule(strokeDash=[5, 4], color=REFERENCE_COLOR),
        target.mark_text(align="left", dx=4, dy=-6, color=REFERENCE_COLOR).encode(
            x=alt.value(0), text="label:N"
        ),
    ]
    if has_checks:
        layers.append(
            alt.Chart(data("checks"))
            .mark_point(shape="diamond", filled=True, size=70, color=CHECK_COLOR)
            .encode(
                x="episode:Q",
                y="greedy:Q",
                tooltip=[
                    alt.Tooltip("episode:Q", title="After episode"),
                    alt.Tooltip("greedy:Q", title="Greedy check (mean return)", format=".1f"),
                ],
            )
        )
    epsilon = base.mark_line(strokeDash=[2, 2], color=EPSILON_COLOR).encode(
        y=alt.Y(
            "epsilon:Q",
            title="ε (green, dotted)",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(orient="right", titleColor=EPSILON_COLOR),
        ),
        tooltip=tooltip,
    )
    return titled(
        alt.layer(alt.layer(*layers), epsilon).resolve_scale(y="independent"),
        "Learning curve",
        [
            f"thin: each episode's return · thick: mean of the last {RECENT_EPISODES}",
            "red ◆: greedy checks (no exploration) · green dotted: ε",
        ],
    )


def learning_curve_chart(
    frame: pd.DataFrame,
    eval_episodes: Sequence[int] = (),
    eval_means: Sequence[float] = (),
    threshold: float = 475.0,
) -> Figure:
    """Episode returns, their moving average, greedy checks and ε on a second axis."""
    frames = {
        "episodes": frame,
        "threshold": pd.DataFrame({"y": [threshold], "label": [f"solved ({threshold:g})"]}),
    }
    if len(eval_means):
        frames["checks"] = pd.DataFrame(
            {"episode": list(eval_episodes), "greedy": list(eval_means)}
        )
    text = f"Line chart of training returns over {len(frame):,} episodes"
    if len(frame):
        text += (
            f"; the mean of the last {RECENT_EPISODES} ends at "
            f"{frame['moving_average'].iloc[-1]:.0f} (best {frame['moving_average'].max():.0f})"
        )
    if len(eval_means):
        text += f"; {len(eval_means)} greedy checks, best {max(eval_means):.0f}"
    text += f". The solved bar is {threshold:g}."
    return Figure(_learning_curve_template(threshold, bool(len(eval_means))), frames, text)


@template
def _loss_template() -> alt.TopLevelMixin:
    chart = (
        alt.Chart(data("losses"))
        .mark_line(strokeWidth=1.5, color=LOSS_COLOR)
        .encode(
            x=alt.X("episode:Q", axis=count_axis("Episode")),
            y=alt.Y(
                "loss:Q",
                title="Mean Huber loss",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~g", labelOverlap="greedy", tickCount=4),
            ),
            tooltip=[
                alt.Tooltip("episode:Q", title="Episode"),
                alt.Tooltip("loss:Q", title="Loss", format=".4f"),
            ],
        )
    )
    return titled(chart, "Loss")


def loss_chart(frame: pd.DataFrame) -> Figure:
    """Mean Huber loss per episode (log scale): the TD error the network is fitting."""
    losses = frame[np.isfinite(frame["loss"]) & (frame["loss"] > 0)][["episode", "loss"]]
    if len(losses):
        text = (
            f"Line chart of the mean Huber loss per episode on a log scale, from "
            f"{losses['loss'].iloc[0]:.3g} in episode {losses['episode'].iloc[0]} to "
            f"{losses['loss'].iloc[-1]:.3g} in episode {losses['episode'].iloc[-1]}."
        )
    else:
        text = "Line chart of the loss: no gradient step has been taken yet."
    return Figure(_loss_template(), {"losses": losses}, text)


@template
def _evaluation_template(threshold: float) -> alt.TopLevelMixin:
    bars = (
        alt.Chart(data("evaluation"))
        .mark_bar()
        .encode(
            x=alt.X("episode:O", title="Evaluation episode", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("return:Q", title="Return", scale=alt.Scale(domain=[0, 500])),
            color=alt.Color(
                "verdict:N",
                title=None,
                scale=alt.Scale(
                    domain=["reached the bar", "below the bar"],
                    range=[OPTIMAL_ARM_COLOR, REFERENCE_COLOR],
                ),
            ).legend(orient="bottom"),
            tooltip=[
                alt.Tooltip("episode:O", title="Episode"),
                alt.Tooltip("return:Q", title="Return", format=".0f"),
            ],
        )
    )
    rule = alt.Chart(data("threshold")).mark_rule(strokeDash=[5, 4], color=REFERENCE_COLOR)
    return titled(alt.layer(bars, rule.encode(y="y:Q")), "Greedy evaluation (no exploration)")


def evaluation_chart(returns: np.ndarray, threshold: float = 475.0) -> Figure:
    """The greedy returns of each evaluation episode, against the solved bar."""
    returns = np.asarray(returns, dtype=float)
    frame = pd.DataFrame(
        {
            "episode": np.arange(1, len(returns) + 1),
            "return": returns,
            "verdict": np.where(returns >= threshold, "reached the bar", "below the bar"),
        }
    )
    text = (
        f"Bar chart of {len(returns)} greedy evaluation episodes: mean return "
        f"{returns.mean():.0f}, lowest {returns.min():.0f}, highest {returns.max():.0f}; "
        f"{int((returns >= threshold).sum())} reached {threshold:g}."
    )
    frames = {"evaluation": frame, "threshold": pd.DataFrame({"y": [threshold]})}
    return Figure(_evaluation_template(threshold), frames, text)


def history_frame(runs: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """Moving-average returns of several runs against env steps, one row per (run, episode)."""
    labels = [label for label, _, _ in runs]
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "run": label,
                    "env_step": np.cumsum(lengths),
                    "moving_average": moving_average(returns),
                }
            )
            for label, returns, lengths in runs
        ],
        ignore_index=True,
    )
    frame["run"] = pd.Categorical(frame["run"], categories=labels)
    return frame


@template
def _history_template(labels: tuple[str, ...], y_title: str) -> alt.TopLevelMixin:
    chart = (
        alt.Chart(data("history"))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("env_step:Q", title="Environment steps", axis=alt.Axis(format="~s")),
            y=alt.Y("moving_average:Q", title=y_title),
            color=series_color("run", labels, label_limit=600),
            strokeDash=series_dash("run", labels),
            tooltip=[
                alt.Tooltip("run:N", title="Run"),
                alt.Tooltip("env_step:Q", title="Env steps", format=","),
                alt.Tooltip("moving_average:Q", title="Mean return", format=".1f"),
            ],
        )
    )
    return titled(chart, "Run history")


def history_chart(
    runs: Sequence[tuple[str, np.ndarray, np.ndarray]],
    y_title: str = f"Episode length, mean of last {RECENT_EPISODES}",
) -> Figure:
    """Overlay of runs' learning curves against env steps: every run gets the same budget axis.

    ``runs`` holds (label, values per episode, episode lengths); values are what is compared
    (episode lengths compare runs trained with different reward schemes fairly).
    """
    frame = history_frame(runs)
    labels = tuple(label for label, _, _ in runs)
    endings = "; ".join(
        f"{label}: {moving_average(values)[-1]:.0f} after {int(np.sum(lengths)):,} steps"
        for label, values, lengths in runs
    )
    text = (
        f"Line chart of {len(runs)} runs' {y_title.lower()} against environment steps: {endings}."
    )
    return Figure(_history_template(labels, y_title), {"history": frame}, text)


ANGLE_LIMIT_DEGREES = 12.0
VELOCITY_LIMIT = 2.0
"""Pole angular velocities (rad/s) shown on the value map: the range a balancing pole visits."""
MAP_POINTS = 31
ARROW_EVERY = 3
"""Every third grid point carries an arrow for the greedy action."""


def value_map_frame(
    q_values: np.ndarray, angles: np.ndarray, velocities: np.ndarray
) -> pd.DataFrame:
    """One row per grid point: angle (degrees), angular velocity, V = max Q, greedy action."""
    angle, velocity = np.meshgrid(np.degrees(angles), velocities)
    greedy = q_values.argmax(axis=-1)
    rows, columns = np.indices(angle.shape)
    return pd.DataFrame(
        {
            "angle": angle.ravel(),
            "velocity": velocity.ravel(),
            "value": q_values.max(axis=-1).ravel(),
            "q_left": q_values[..., 0].ravel(),
            "q_right": q_values[..., 1].ravel(),
            "action": np.where(greedy.ravel() == 1, "→", "←"),
            "arrow": ((rows % ARROW_EVERY == 0) & (columns % ARROW_EVERY == 0)).ravel(),
        }
    )


@template
def _value_map_template() -> alt.TopLevelMixin:
    angle = alt.X("angle:Q", title="Pole angle (degrees, + leans right)")
    velocity = alt.Y("velocity:Q", title="Pole angular velocity (rad/s, + falling right)")
    tooltip = [
        alt.Tooltip("angle:Q", title="Angle (°)", format=".1f"),
        alt.Tooltip("velocity:Q", title="Angular velocity", format=".2f"),
        alt.Tooltip("q_left:Q", title="Q(s, push left)", format=".1f"),
        alt.Tooltip("q_right:Q", title="Q(s, push right)", format=".1f"),
    ]
    cells = (
        alt.Chart(data("grid"))
        .mark_rect()
        .encode(
            x=angle.bin(maxbins=MAP_POINTS),
            y=velocity.bin(maxbins=MAP_POINTS),
            color=alt.Color("value:Q", title="max Q", scale=alt.Scale(scheme="blues")).legend(
                orient="bottom"
            ),
            tooltip=tooltip,
        )
    )
    arrows = (
        alt.Chart(data("grid"))
        .transform_filter(alt.datum.arrow)
        .mark_text(fontSize=13, fontWeight="bold", color="#111827")
        .encode(x="angle:Q", y="velocity:Q", text="action:N", tooltip=tooltip)
    )
    return titled(
        alt.layer(cells, arrows),
        "What the network learned: a value map",
        "shade: max Q (the state's value) · arrows: the greedy push · cart at rest at the centre",
        height=360,
    )


def value_map_chart(q_values: np.ndarray, angles: np.ndarray, velocities: np.ndarray) -> Figure:
    """The trained network asked about pole angle x angular velocity (other inputs 0)."""
    frame = value_map_frame(q_values, angles, velocities)
    right = frame["action"] == "→"
    leaning_right = frame["angle"] + 10 * frame["velocity"] > 0
    agree = float((right == leaning_right).mean())
    text = (
        f"Heat map of the network's state value over pole angles from "
        f"{frame['angle'].min():.0f} to {frame['angle'].max():.0f} degrees and angular "
        f"velocities from {frame['velocity'].min():.1f} to {frame['velocity'].max():.1f} rad/s, "
        f"with arrows for the greedy push. It pushes right in {right.mean():.0%} of these "
        f"states; in {agree:.0%} it pushes toward the side the pole is falling to. Values range "
        f"from {frame['value'].min():.1f} to {frame['value'].max():.1f}."
    )
    return Figure(_value_map_template(), {"grid": frame}, text)
