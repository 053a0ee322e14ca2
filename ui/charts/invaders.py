"""Space Invaders DQN: score curves against environment steps, greedy checks against the MinAtar
paper's level, and the spread of greedy against random scores."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from core.dqn import TrainingResult
from core.dqn.training import RECENT_EPISODES
from ui.charts.dqn import moving_average
from ui.charts.figure import Figure, data, template
from ui.charts.style import (
    REFERENCE_COLOR,
    reference_rules,
    series_color,
    series_dash,
    titled,
)

MINATAR_DQN_LEVEL = (40.0, 45.0)
"""Where the DQN of Young & Tian (2019), MinAtar's paper, levels off on Space Invaders by about
1M frames (read off its learning curves): a fact from the paper, not a measurement here."""
SHIPPED_LABEL = "shipped agent (seed 0)"
CHECKS_SMOOTHED = 5
"""Greedy checks averaged for the thick line: one check plays only a few games."""
CHECK_COLOR = "#c0392b"
MAX_POINTS_PER_RUN = 600
"""A long run's curve is thinned to this many points (its moving average is smooth anyway)."""


def _thin(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame) <= MAX_POINTS_PER_RUN:
        return frame
    keep = np.unique(np.linspace(0, len(frame) - 1, MAX_POINTS_PER_RUN).round().astype(int))
    return frame.iloc[keep]


def curves_frame(runs: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """One row per (run, episode): the env step at its end, the mean score of the last 20."""
    labels = [label for label, _, _ in runs]
    frame = pd.concat(
        [
            _thin(
                pd.DataFrame(
                    {
                        "run": label,
                        "env_step": np.asarray(steps, dtype=np.int64),
                        "mean_score": moving_average(np.asarray(scores, dtype=float)),
                    }
                )
            )
            for label, steps, scores in runs
        ],
        ignore_index=True,
    )
    frame["run"] = pd.Categorical(frame["run"], categories=labels)
    return frame


def shipped_curve(shipped: TrainingResult, up_to_step: int | None = None) -> tuple:
    """The shipped run as (label, steps, scores), cut at ``up_to_step`` if given."""
    steps, scores = shipped.episode_steps, shipped.episode_returns
    if up_to_step is not None:
        keep = steps <= up_to_step
        steps, scores = steps[keep], scores[keep]
    return SHIPPED_LABEL, steps, scores


@template
def _curves_template(
    labels: tuple[str, ...], title: str, has_references: bool
) -> alt.LayerChart | alt.FacetChart:
    lines = (
        alt.Chart(data("curves"))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("env_step:Q", title="Environment steps", axis=alt.Axis(format="~s")),
            y=alt.Y("mean_score:Q", title=f"Score, mean of last {RECENT_EPISODES} episodes"),
            color=series_color("run", labels, label_limit=600),
            strokeDash=series_dash("run", labels),
            tooltip=[
                alt.Tooltip("run:N", title="Run"),
                alt.Tooltip("env_step:Q", title="Env steps", format=","),
                alt.Tooltip("mean_score:Q", title="Mean score", format=".1f"),
            ],
        )
    )
    layers = [lines]
    if has_references:
        layers.append(reference_rules(data("references"), ".1f"))
    return titled(
        alt.layer(*layers),
        title,
        "training episodes, so exploration's random moves are included",
    )


def curves_chart(
    runs: Sequence[tuple[str, np.ndarray, np.ndarray]],
    title: str,
    references: dict[str, float] | None = None,
) -> Figure:
    """Training scores (mean of the last 20 episodes) of several runs against env steps.

    ``runs`` holds (label, env step at each episode's end, score of each episode);
    ``references`` are levels drawn as labelled dashed lines (e.g. random play).
    """
    frame = curves_frame(runs)
    labels = tuple(label for label, _, _ in runs)
    endings = "; ".join(
        f"{label}: {moving_average(np.asarray(scores, dtype=float))[-1]:.1f} after "
        f"{int(steps[-1]):,} steps"
        if len(steps)
        else f"{label}: no finished episode yet"
        for label, steps, scores in runs
    )
    text = f"Line chart of {len(runs)} runs' training scores against environment steps: {endings}."
    frames = {"curves": frame}
    if references:
        frames["references"] = pd.DataFrame(
            {"reference": list(references), "value": list(references.values())}
        )
        text += " Reference lines: " + "; ".join(
            f"{name} {value:.1f}" for name, value in references.items()
        )
        text += "."
    return Figure(_curves_template(labels, title, bool(references)), frames, text)


def race_chart(
    steps: np.ndarray, scores: np.ndarray, shipped: TrainingResult, budget: int
) -> Figure:
    """A training in progress against the shipped run's first ``budget`` steps."""
    return curves_chart(
        [("your run", steps, scores), shipped_curve(shipped, budget)],
        f"Your run against the shipped agent's first {budget:,} steps",
    )


@template
def _checks_template() -> alt.LayerChart | alt.FacetChart:
    band = (
        alt.Chart(data("paper"))
        .mark_rect(opacity=0.18, color=REFERENCE_COLOR)
        .encode(y="low:Q", y2="high:Q")
    )
    band_label = (
        alt.Chart(data("paper"))
        .mark_text(align="left", baseline="bottom", dx=4, dy=-2, color=REFERENCE_COLOR)
        .encode(x=alt.value(0), y="high:Q", text="label:N")
    )
    tooltip = [
        alt.Tooltip("env_step:Q", title="Env steps", format=","),
        alt.Tooltip("greedy:Q", title="Greedy check", format=".1f"),
        alt.Tooltip("smoothed:Q", title=f"Mean of {CHECKS_SMOOTHED} checks", format=".1f"),
    ]
    base = alt.Chart(data("checks")).encode(
        x=alt.X("env_step:Q", title="Environment steps", axis=alt.Axis(format="~s")),
        tooltip=tooltip,
    )
    points = alt.OverlayMarkDef(filled=True, size=18, color=CHECK_COLOR, opacity=0.6)
    checks = base.mark_line(point=points, strokeWidth=1, opacity=0.5, color=CHECK_COLOR).encode(
        y=alt.Y("greedy:Q", title="Greedy score (mean of a check's games)")
    )
    smoothed = base.mark_line(strokeWidth=2.5, color=CHECK_COLOR).encode(y="smoothed:Q")
    return titled(
        alt.layer(band, band_label, checks, smoothed, reference_rules(data("references"), ".1f")),
        "Greedy score against training steps",
        [
            f"thin: each greedy check (no exploration) · thick: mean of the last {CHECKS_SMOOTHED}",
            "grey band: where MinAtar's DQN levels off",
        ],
    )


def greedy_checks_chart(
    eval_steps: np.ndarray, eval_means: np.ndarray, games_per_check: int, random_mean: float
) -> Figure:
    """The shipped run's greedy checks against the MinAtar paper's DQN level and random play."""
    low, high = MINATAR_DQN_LEVEL
    checks = pd.DataFrame(
        {
            "env_step": eval_steps,
            "greedy": eval_means,
            "smoothed": moving_average(eval_means, CHECKS_SMOOTHED),
        }
    )
    frames = {
        "checks": checks,
        "paper": pd.DataFrame(
            {"low": [low], "high": [high], "label": [f"MinAtar paper's DQN: {low:g}–{high:g}"]}
        ),
        "references": pd.DataFrame({"reference": ["random play"], "value": [random_mean]}),
    }
    above = np.flatnonzero(np.asarray(eval_means) >= low)
    first_above = int(eval_steps[above[0]]) if len(above) else None
    text = (
        f"Line chart of {len(checks)} greedy checks of {games_per_check} games each during the "
        f"shipped run, from {eval_means[0]:.1f} after {int(eval_steps[0]):,} steps to "
        f"{eval_means[-1]:.1f} after {int(eval_steps[-1]):,} steps (best {eval_means.max():.1f}; "
        f"the mean of the last {CHECKS_SMOOTHED} ends at {checks['smoothed'].iloc[-1]:.1f}); "
        + (
            f"first at the paper's level ({low:g}) after {first_above:,} steps"
            if first_above is not None
            else f"never at the paper's level ({low:g})"
        )
        + f". Random play scores {random_mean:.1f}."
    )
    return Figure(_checks_template(), frames, text)


@template
def _scores_template(labels: tuple[str, ...], bins: tuple[str, ...]) -> alt.Chart:
    chart = (
        alt.Chart(data("scores"))
        .mark_bar()
        .encode(
            x=alt.X(
                "bin:N",
                sort=list(bins),
                title="Score of one game",
                axis=alt.Axis(labelAngle=0, labelOverlap="greedy"),
            ),
            xOffset=alt.XOffset("player:N", sort=list(labels)),
            y=alt.Y("games:Q", title="Games"),
            color=series_color("player", labels),
            tooltip=[
                alt.Tooltip("player:N", title="Player"),
                alt.Tooltip("bin:N", title="Score"),
                alt.Tooltip("games:Q", title="Games"),
            ],
        )
    )
    return titled(chart, "Scores of single games", "how many games ended in each score range")


BIN_WIDTHS = (1, 2, 5, 10, 20, 25, 50, 100)


def scores_chart(players: dict[str, np.ndarray], bins: int = 10) -> Figure:
    """Single-game scores of several players side by side, on at most ``bins`` shared score
    ranges of a round width."""
    top = max(float(scores.max()) for scores in players.values())
    width = next((w for w in BIN_WIDTHS if w * bins > top), BIN_WIDTHS[-1])
    edges = np.arange(0, (top // width + 2) * width, width)
    names = tuple(
        f"{a:.0f}" if width == 1 else f"{a:.0f}–{b - 1:.0f}" for a, b in itertools.pairwise(edges)
    )
    rows = []
    for player, scores in players.items():
        counts, _ = np.histogram(scores, bins=edges)
        rows += [
            {"player": player, "bin": name, "games": int(n)}
            for name, n in zip(names, counts, strict=True)
        ]
    text = (
        "Bar chart of single-game scores in ranges of "
        + f"{width}: "
        + "; ".join(
            f"{player}: {len(scores)} games, mean {scores.mean():.1f}, from {scores.min():.0f} to "
            f"{scores.max():.0f}"
            for player, scores in players.items()
        )
    )
    return Figure(
        _scores_template(tuple(players), names), {"scores": pd.DataFrame(rows)}, text + "."
    )
