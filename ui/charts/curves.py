"""Averages over many runs, step by step: reward, % optimal action, regret, ε, pulls per arm.

A curve never carries more points than a chart can show: the first ``EXACT_STEPS`` steps are
kept one by one (the spike at step k + 1 lives there), later steps are averaged into bins so
that a curve has at most ``MAX_POINTS`` points. Strategy names are categorical, so each one is
sent once, not once per point.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from core.bandit import BanditResult
from ui.charts.figure import Figure, data, template
from ui.charts.style import (
    REFERENCE_COLOR,
    number,
    reference_rules,
    series_color,
    series_dash,
    titled,
)

MAX_POINTS = 300
EXACT_STEPS = 100


def step_bins(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """(bin of every step, last step of every bin): exact early, then equal bins."""
    exact = min(steps, EXACT_STEPS)
    rest = steps - exact
    width = max(1, -(-rest // (MAX_POINTS - exact))) if rest else 1
    index = np.arange(steps)
    bins = np.where(index < exact, index, exact + (index - exact) // width)
    last_steps = np.flatnonzero(np.diff(bins, append=bins[-1] + 1)) + 1
    return bins, last_steps


def binned(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(step numbers, values averaged over each bin) for a per-step array."""
    bins, last_steps = step_bins(len(values))
    counts = np.bincount(bins)
    return last_steps, np.bincount(bins, weights=values) / counts


def labels_of(results: Sequence[BanditResult]) -> tuple[str, ...]:
    return tuple(result.strategy.label for result in results)


def curve_frame(results: Sequence[BanditResult], metric: str) -> pd.DataFrame:
    """One row per (strategy, drawn step): columns ``strategy`` (categorical), ``step``, ``value``.

    ``metric`` names a per-step array of :class:`BanditResult` (``mean_reward``,
    ``optimal_rate``, ``cumulative_regret``, ``epsilon``); a binned point's ``step`` is its
    bin's last step. Strategies without that array (no ε schedule) are left out.
    """
    labels = labels_of(results)
    codes, steps, values = [], [], []
    for code, result in enumerate(results):
        per_step = getattr(result, metric)
        if per_step is None:
            continue
        drawn_steps, averaged = binned(np.asarray(per_step, dtype=float))
        codes.append(np.full(len(drawn_steps), code, dtype=np.int16))
        steps.append(drawn_steps)
        values.append(averaged)
    return pd.DataFrame(
        {
            "strategy": pd.Categorical.from_codes(np.concatenate(codes), categories=labels),
            "step": np.concatenate(steps),
            "value": np.concatenate(values),
        }
    )


def late_mean(values: np.ndarray) -> float:
    """Mean of the last tenth of a run (the last 100 of the book's 1000 steps)."""
    return float(np.mean(values[-max(1, len(values) // 10) :]))


def _hover_lines(
    y_title: str,
    value_format: str,
    labels: tuple[str, ...],
    slots: tuple[int, ...] | None,
    *,
    log_x: bool = False,
) -> alt.LayerChart | alt.FacetChart:
    """Lines per strategy (colour and dash) with a hover rule showing every strategy's value."""
    color = series_color("strategy", labels, slots)
    x_scale = alt.Scale(type="log") if log_x else alt.Undefined
    base = alt.Chart(data("curves")).encode(
        x=alt.X("step:Q", title="Step (log scale)" if log_x else "Step", scale=x_scale)
    )
    lines = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=value_format)),
        color=color,
        strokeDash=series_dash("strategy", labels, slots),
    )
    hover = alt.selection_point(
        nearest=True, on="pointerover", fields=["step"], empty=False, clear="pointerout"
    )
    points = (
        base.mark_point(size=40, filled=True)
        .encode(
            y="value:Q",
            color=color,
            opacity=alt.condition(hover, alt.value(1), alt.value(0)),
            tooltip=[
                alt.Tooltip("strategy:N", title="Strategy"),
                alt.Tooltip("step:Q", title="Step"),
                alt.Tooltip("value:Q", title=y_title, format=value_format),
            ],
        )
        .add_params(hover)
    )
    rule = base.mark_rule(color=REFERENCE_COLOR).encode(
        opacity=alt.condition(hover, alt.value(0.4), alt.value(0))
    )
    return alt.layer(lines, points, rule)


def _endings(results: Sequence[BanditResult], metric: str, formatter) -> str:
    return "; ".join(
        f"{result.strategy.label} {formatter(late_mean(getattr(result, metric)))}"
        for result in results
    )


def _overview(results: Sequence[BanditResult]) -> str:
    first = results[0]
    return f"over {first.steps:,} steps, averaged over {first.runs:,} runs"


@template
def _reward_template(labels, slots, drifting: bool) -> alt.TopLevelMixin:
    layers = [_hover_lines("Average reward", ".2f", labels, slots)]
    if drifting:
        best = alt.Chart(data("best")).mark_line(
            strokeDash=[5, 4], color=REFERENCE_COLOR, strokeWidth=1.5
        )
        layers.append(
            best.encode(
                x="step:Q",
                y="value:Q",
                tooltip=[
                    alt.Tooltip("step:Q", title="Step"),
                    alt.Tooltip("value:Q", title="Best possible", format=".2f"),
                ],
            )
        )
    layers.append(reference_rules(data("references"), ".2f"))
    subtitle = (
        "dashed grey curve: best possible at each step (the best arm drifts)" if drifting else None
    )
    return titled(alt.layer(*layers), "Average reward", subtitle)


def reward_chart(results: Sequence[BanditResult], slots: tuple[int, ...] | None = None) -> Figure:
    """Average reward per step, with the best possible reward and random play for reference.

    When the true values drift, the best possible reward changes step by step, so it is drawn
    as a curve: a constant line would be crossed by strategies and look like beating the best.
    """
    first = results[0]
    drifting = first.walk_sd > 0
    random_play = float(first.q_true.mean())
    references = [("random play (mean of q*)", random_play)]
    frames = {"curves": curve_frame(results, "mean_reward")}
    if drifting:
        steps, best = binned(first.best_reward)
        frames["best"] = pd.DataFrame({"step": steps, "value": best})
    else:
        references.insert(0, ("best possible (mean of max q*)", first.best_possible))
    frames["references"] = pd.DataFrame(references, columns=["reference", "value"])
    best_text = (
        f"the best possible reward drifts, ending near {number(first.best_reward[-1])}"
        if drifting
        else f"best possible {number(first.best_possible)}"
    )
    alt_text = (
        f"Line chart of average reward {_overview(results)}. Over the last 10% of steps: "
        f"{_endings(results, 'mean_reward', number)}. For reference, {best_text}, random play "
        f"{number(random_play)}."
    )
    return Figure(_reward_template(labels_of(results), slots, drifting), frames, alt_text)


@template
def _optimal_template(labels, slots) -> alt.TopLevelMixin:
    return titled(
        alt.layer(
            _hover_lines("% optimal action", ".0%", labels, slots),
            reference_rules(data("references"), ".0%"),
        ),
        "% optimal action",
    )


def optimal_chart(results: Sequence[BanditResult], slots: tuple[int, ...] | None = None) -> Figure:
    """Fraction of runs that pulled the optimal arm at each step, with random play's 1/k."""
    first = results[0]
    frames = {
        "curves": curve_frame(results, "optimal_rate"),
        "references": pd.DataFrame({"reference": ["random play (1/k)"], "value": [1 / first.arms]}),
    }
    alt_text = (
        f"Line chart of the share of runs pulling the optimal arm {_overview(results)}. Over the "
        f"last 10% of steps: {_endings(results, 'optimal_rate', lambda v: f'{v:.0%}')}. Random "
        f"play picks it {1 / first.arms:.0%} of the time."
    )
    return Figure(_optimal_template(labels_of(results), slots), frames, alt_text)


@template
def _regret_template(labels, slots, log_x: bool) -> alt.TopLevelMixin:
    subtitle = (
        "on a log step axis, logarithmic regret is a straight line; linear regret curves upward"
        if log_x
        else "a straight line means linear regret: the same loss every step, forever"
    )
    return titled(
        _hover_lines("Cumulative regret", ",.0f", labels, slots, log_x=log_x),
        "Cumulative regret",
        subtitle,
    )


def regret_chart(
    results: Sequence[BanditResult], slots: tuple[int, ...] | None = None, log_x: bool = False
) -> Figure:
    """Cumulative expected regret: reward lost against always pulling the best arm."""
    endings = "; ".join(
        f"{result.strategy.label} {result.cumulative_regret[-1]:,.0f}" for result in results
    )
    alt_text = (
        f"Line chart of cumulative regret {_overview(results)}"
        f"{', step axis on a log scale' if log_x else ''}. Total regret at the end: {endings}."
    )
    frames = {"curves": curve_frame(results, "cumulative_regret")}
    return Figure(_regret_template(labels_of(results), slots, log_x), frames, alt_text)


@template
def _epsilon_template(labels, slots) -> alt.TopLevelMixin:
    return titled(
        _hover_lines("ε (chance of a random pull)", ".3f", labels, slots),
        "Exploration schedule",
    )


def epsilon_chart(results: Sequence[BanditResult], slots: tuple[int, ...] | None = None) -> Figure:
    """The probability of a random pull at each step, for every strategy that has one."""
    with_schedule = [r for r in results if r.epsilon is not None]
    schedules = [r.epsilon for r in with_schedule if r.epsilon is not None]
    chosen = (
        None
        if slots is None
        else tuple(s for r, s in zip(results, slots, strict=True) if r.epsilon is not None)
    )
    endings = "; ".join(
        f"{r.strategy.label} from {schedule[0]:.3g} to {schedule[-1]:.3g}"
        for r, schedule in zip(with_schedule, schedules, strict=True)
    )
    alt_text = f"Line chart of each strategy's ε at every step: {endings}."
    frames = {"curves": curve_frame(with_schedule, "epsilon")}
    return Figure(_epsilon_template(labels_of(with_schedule), chosen), frames, alt_text)


def pull_share_frame(results: Sequence[BanditResult]) -> pd.DataFrame:
    """Share of pulls on each arm, by the arm's rank in its own run (1 = best arm)."""
    arms = results[0].arms
    return pd.DataFrame(
        {
            "strategy": pd.Categorical.from_codes(
                np.repeat(np.arange(len(results), dtype=np.int16), arms),
                categories=labels_of(results),
            ),
            "rank": np.tile(np.arange(1, arms + 1), len(results)),
            "share": np.concatenate([result.pull_share_by_rank for result in results]),
        }
    )


@template
def _pull_share_template(labels, slots, drifting: bool) -> alt.TopLevelMixin:
    rank_title = (
        "Arm, ranked by its true value q* averaged over the run (1 = best)"
        if drifting
        else "Arm, ranked by its true value q* (1 = best)"
    )
    chart = (
        alt.Chart(data("shares"))
        .mark_bar()
        .encode(
            x=alt.X("rank:O", title=rank_title, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("strategy:N", sort=list(labels)),
            y=alt.Y("share:Q", title="Share of all pulls", axis=alt.Axis(format=".0%")),
            color=series_color("strategy", labels, slots),
            tooltip=[
                alt.Tooltip("strategy:N", title="Strategy"),
                alt.Tooltip("rank:O", title="Rank of arm"),
                alt.Tooltip("share:Q", title="Share of pulls", format=".1%"),
            ],
        )
    )
    subtitle = "in each group the bars follow the legend's order" if len(labels) > 1 else None
    return titled(chart, "Pulls per arm, best arm first", subtitle)


def pull_share_chart(
    results: Sequence[BanditResult], slots: tuple[int, ...] | None = None
) -> Figure:
    """Grouped bars: how the pulls split between the best arm, the second best, and so on."""
    first = results[0]
    drifting = first.walk_sd > 0
    shares = "; ".join(
        f"{result.strategy.label} {result.pull_share_by_rank[0]:.0%}" for result in results
    )
    alt_text = (
        f"Bar chart of the share of pulls on each arm, arms ranked from best to worst in each "
        f"run. Share of pulls on the best arm: {shares}. Random play would give each arm "
        f"{1 / first.arms:.0%}."
    )
    frames = {"shares": pull_share_frame(results)}
    return Figure(_pull_share_template(labels_of(results), slots, drifting), frames, alt_text)
