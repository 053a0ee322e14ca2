"""One run's table, step by step, in the strategy's own language.

Every strategy gets its table (estimates Q(a), preferences H(a) or belief means μ(a)) and its
pull counts; a strategy whose trace carries more (``RunTrace.details``) gets the views
registered for those details: the gradient bandit's π(a), UCB's bonuses, Thompson sampling's
beliefs and samples. A new strategy with a new detail registers a view with
:func:`register_detail_view`; nothing here asks which class a strategy is.

Templates are keyed without the step, so stepping through a run only swaps the data.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd

from core.bandit import RunTrace, Strategy
from ui.charts.curves import step_bins
from ui.charts.figure import Figure, data, template
from ui.charts.style import (
    ESTIMATE_COLOR,
    OPTIMAL_ARM,
    OPTIMAL_ARM_COLOR,
    OTHER_ARMS,
    PULLED_COLOR,
    TRUE_VALUE_COLOR,
    count_axis,
    optimal_arm_color,
    titled,
)

DetailView = Callable[[RunTrace, int], Figure]
DETAIL_VIEWS: dict[str, list[DetailView]] = {}
"""Views for per-arm trace details, by detail name, in the order they are drawn."""


def register_detail_view(detail: str) -> Callable[[DetailView], DetailView]:
    """Draw ``view(trace, step)`` for every run whose trace carries ``detail``."""

    def register(view: DetailView) -> DetailView:
        DETAIL_VIEWS.setdefault(detail, []).append(view)
        return view

    return register


def arm_state_frame(trace: RunTrace, step: int) -> pd.DataFrame:
    """The run's table after ``step`` (1-based): one row per arm.

    Columns: ``arm`` (1-based), ``q_true``, ``q_estimate``, ``pulls``, ``pulled_now`` (the arm
    pulled at this step), ``best`` (the optimal arm) and ``kind``, its legend label.
    """
    index = step - 1
    arms = trace.q_true.shape[1]
    best = np.arange(arms) == trace.q_true[index].argmax()
    return pd.DataFrame(
        {
            "arm": np.arange(1, arms + 1),
            "q_true": trace.q_true[index],
            "q_estimate": trace.q_estimates[index],
            "pulls": trace.counts[index].astype(int),
            "pulled_now": np.arange(arms) == trace.actions[index],
            "best": best,
            "kind": np.where(best, OPTIMAL_ARM, OTHER_ARMS),
        }
    )


def _best_arm_star(field: str) -> alt.Chart:
    """A ★ over the optimal arm's bar, so the optimal arm is marked by more than its colour."""
    return (
        alt.Chart(data("arms"))
        .transform_filter(alt.datum.best)
        .mark_text(text="★", dy=-10, fontSize=16, color=OPTIMAL_ARM_COLOR)
        .encode(x=alt.X("arm:O"), y=f"{field}:Q")
    )


def _arm_axis() -> alt.X:
    return alt.X("arm:O", title="Arm", axis=alt.Axis(labelAngle=0))


@template
def _estimates_template(estimate_name: str, with_truth: bool) -> alt.TopLevelMixin:
    tooltip = [
        alt.Tooltip("arm:O", title="Arm"),
        alt.Tooltip("q_estimate:Q", title=estimate_name, format=".3f"),
        alt.Tooltip("q_true:Q", title="True value q*(a)", format=".3f"),
        alt.Tooltip("pulls:Q", title="Pulls N(a)"),
    ]
    base = alt.Chart(data("arms")).encode(x=_arm_axis())
    bars = base.mark_bar().encode(
        y=alt.Y("q_estimate:Q", title=estimate_name),
        color=alt.condition(
            alt.datum.pulled_now, alt.value(PULLED_COLOR), alt.value(ESTIMATE_COLOR)
        ),
        tooltip=tooltip,
    )
    marker = base.mark_text(text="▼", dy=-10, color=PULLED_COLOR, fontSize=14).encode(
        y="q_estimate:Q", opacity=alt.condition(alt.datum.pulled_now, alt.value(1), alt.value(0))
    )
    layers = [bars, marker]
    name = estimate_name[:1].lower() + estimate_name[1:]
    subtitle = [f"bars: {name}", "orange bar with ▼: the arm pulled at this step"]
    if with_truth:
        layers.append(
            base.mark_tick(color=TRUE_VALUE_COLOR, thickness=3, size=28).encode(
                y="q_true:Q", tooltip=tooltip
            )
        )
        subtitle[0] += " · black ticks: true value q*(a)"
    return titled(alt.layer(*layers), estimate_name, subtitle)


def estimates_chart(trace: RunTrace, step: int, strategy_type: type[Strategy]) -> Figure:
    """The strategy's table after ``step``: bars per arm, the pulled arm lit, q* as ticks when
    the table is on the scale of the true values (not for the gradient bandit's preferences)."""
    frame = arm_state_frame(trace, step)
    name = strategy_type.estimate_name
    pulled = int(trace.actions[step - 1]) + 1
    top = int(frame["q_estimate"].idxmax()) + 1
    best = int(frame["q_true"].idxmax()) + 1
    alt_text = (
        f"Bar chart of {name} for each of {len(frame)} arms after step {step}. Arm {pulled} was "
        f"pulled at this step. Arm {top} has the highest value ({frame['q_estimate'].max():.2f}); "
        f"the truly best arm is arm {best} (q* = {frame['q_true'].max():.2f})."
    )
    return Figure(
        _estimates_template(name, strategy_type.estimate_is_value),
        {"arms": frame},
        alt_text,
        title_text=f"{name} after step {step}",
    )


@template
def _counts_template() -> alt.TopLevelMixin:
    chart = (
        alt.Chart(data("arms"))
        .mark_bar()
        .encode(
            x=_arm_axis(),
            y=alt.Y("pulls:Q", axis=count_axis("Pulls N(a)")),
            color=optimal_arm_color(),
            tooltip=[
                alt.Tooltip("arm:O", title="Arm"),
                alt.Tooltip("pulls:Q", title="Pulls N(a)"),
                alt.Tooltip("q_true:Q", title="True value q*(a)", format=".3f"),
            ],
        )
    )
    return titled(alt.layer(chart, _best_arm_star("pulls")), "Pulls per arm", "★: the optimal arm")


def counts_chart(trace: RunTrace, step: int) -> Figure:
    """How often each arm has been pulled by ``step``; the optimal arm is marked."""
    frame = arm_state_frame(trace, step)
    best = int(frame["q_true"].idxmax())
    most = int(frame["pulls"].idxmax())
    alt_text = (
        f"Bar chart of pulls per arm after step {step}. Arm {most + 1} was pulled most "
        f"({frame['pulls'][most]} times); the optimal arm, arm {best + 1}, "
        f"{frame['pulls'][best]} times."
    )
    return Figure(
        _counts_template(), {"arms": frame}, alt_text, title_text=f"Pulls per arm after step {step}"
    )


@register_detail_view("probability")
def probability_chart(trace: RunTrace, step: int) -> Figure:
    """The gradient bandit's π(a) after this step's update: what the next pull is drawn from."""
    frame = arm_state_frame(trace, step)
    frame["probability"] = trace.details["probability"][step - 1]
    likely = int(frame["probability"].idxmax())
    best = int(frame["q_true"].idxmax())
    alt_text = (
        f"Bar chart of the probability π(a) of pulling each arm next, after step {step}. Arm "
        f"{likely + 1} is most likely ({frame['probability'][likely]:.0%}); the optimal arm, arm "
        f"{best + 1}, has {frame['probability'][best]:.0%}."
    )
    return Figure(
        _probability_template(),
        {"arms": frame},
        alt_text,
        title_text=f"Action probabilities π(a) after step {step}",
    )


@template
def _probability_template() -> alt.TopLevelMixin:
    chart = (
        alt.Chart(data("arms"))
        .mark_bar()
        .encode(
            x=_arm_axis(),
            y=alt.Y(
                "probability:Q",
                title="Probability π(a) of the next pull",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=optimal_arm_color(),
            tooltip=[
                alt.Tooltip("arm:O", title="Arm"),
                alt.Tooltip("probability:Q", title="π(a)", format=".1%"),
                alt.Tooltip("q_estimate:Q", title="Preference H(a)", format=".3f"),
                alt.Tooltip("q_true:Q", title="True value q*(a)", format=".3f"),
            ],
        )
    )
    return titled(
        alt.layer(chart, _best_arm_star("probability")),
        "Action probabilities",
        "after this step's update of H(a) · ★: the optimal arm",
    )


def upper_bound_frame(trace: RunTrace, step: int) -> pd.DataFrame:
    """UCB's two parts per arm for the next choice: the estimate and its bonus (from core)."""
    frame = arm_state_frame(trace, step)
    frame["bonus"] = trace.details["bonus"][step - 1]
    frame["upper_bound"] = frame["q_estimate"] + frame["bonus"]
    return frame


@register_detail_view("bonus")
def upper_bound_chart(trace: RunTrace, step: int) -> Figure:
    """Estimate plus uncertainty bonus per arm: UCB pulls the arm whose total is highest next."""
    frame = upper_bound_frame(trace, step)
    untried = int((~np.isfinite(frame["upper_bound"])).sum())
    drawn = frame[np.isfinite(frame["upper_bound"])]
    if untried:
        next_pick = "an untried arm (its bound counts as infinite)"
    else:
        next_pick = f"arm {int(drawn['upper_bound'].idxmax()) + 1}"
    alt_text = (
        f"Chart of UCB's upper bounds after step {step}: each arm's estimate plus its "
        f"uncertainty bonus. UCB pulls {next_pick} next."
        + (f" {untried} arms are untried and not drawn." if untried else "")
    )
    return Figure(
        _upper_bound_template(),
        {"arms": drawn},
        alt_text,
        title_text=f"Upper confidence bounds after step {step}",
    )


@template
def _upper_bound_template() -> alt.TopLevelMixin:
    tooltip = [
        alt.Tooltip("arm:O", title="Arm"),
        alt.Tooltip("q_estimate:Q", title="Estimate Q(a)", format=".3f"),
        alt.Tooltip("bonus:Q", title="Bonus c√(ln t / N(a))", format=".3f"),
        alt.Tooltip("upper_bound:Q", title="Upper bound", format=".3f"),
        alt.Tooltip("pulls:Q", title="Pulls N(a)"),
    ]
    base = alt.Chart(data("arms")).encode(x=_arm_axis())
    bounds = base.mark_rule(strokeWidth=10, opacity=0.35, color=ESTIMATE_COLOR).encode(
        y=alt.Y("q_estimate:Q", title="Value"), y2="upper_bound:Q", tooltip=tooltip
    )
    estimate = base.mark_tick(thickness=3, size=26, color=ESTIMATE_COLOR).encode(
        y="q_estimate:Q", tooltip=tooltip
    )
    top = base.mark_tick(thickness=3, size=26, color=PULLED_COLOR).encode(
        y="upper_bound:Q", tooltip=tooltip
    )
    truth = base.mark_point(shape="diamond", filled=True, size=60, color=TRUE_VALUE_COLOR).encode(
        y="q_true:Q", tooltip=tooltip
    )
    return titled(
        alt.layer(bounds, estimate, top, truth),
        "Upper confidence bounds",
        [
            "blue tick: estimate Q(a) · orange tick: Q(a) + bonus · black ◆: q*(a)",
            "UCB pulls the arm with the highest orange tick next",
        ],
    )


def sample_frame(trace: RunTrace, step: int) -> pd.DataFrame:
    """The value sampled from every arm's belief to choose at ``step``, and the winner."""
    arms = trace.q_true.shape[1]
    index = step - 1
    samples = trace.details["sample"][index]
    means = trace.q_estimates[index - 1] if index > 0 else np.full(arms, np.nan)
    return pd.DataFrame(
        {
            "arm": np.arange(1, arms + 1),
            "sample": samples,
            "mean_before": means,
            "won": np.arange(arms) == trace.actions[index],
        }
    )


@register_detail_view("sample")
def sample_chart(trace: RunTrace, step: int) -> Figure:
    """The draw that decided step ``step``: one sample per arm, the highest one pulled."""
    frame = sample_frame(trace, step)
    winner = int(frame["won"].to_numpy().argmax())
    alt_text = (
        f"Bar chart of the value sampled from each arm's belief to choose step {step}. Arm "
        f"{winner + 1} drew the highest sample ({frame['sample'][winner]:.2f}) and was pulled."
    )
    return Figure(
        _sample_template(),
        {"samples": frame},
        alt_text,
        title_text=f"Samples drawn at step {step}",
    )


@template
def _sample_template() -> alt.TopLevelMixin:
    base = alt.Chart(data("samples")).encode(x=_arm_axis())
    tooltip = [
        alt.Tooltip("arm:O", title="Arm"),
        alt.Tooltip("sample:Q", title="Sampled value", format=".3f"),
        alt.Tooltip("mean_before:Q", title="Belief mean before", format=".3f"),
    ]
    bars = base.mark_bar().encode(
        y=alt.Y("sample:Q", title="Sampled value"),
        color=alt.condition(alt.datum.won, alt.value(PULLED_COLOR), alt.value(ESTIMATE_COLOR)),
        tooltip=tooltip,
    )
    marker = base.mark_text(text="▼", dy=-10, color=PULLED_COLOR, fontSize=14).encode(
        y="sample:Q", opacity=alt.condition(alt.datum.won, alt.value(1), alt.value(0))
    )
    means = base.mark_tick(color=TRUE_VALUE_COLOR, thickness=2, size=24).encode(
        y="mean_before:Q", tooltip=tooltip
    )
    return titled(
        alt.layer(bars, marker, means),
        "Samples drawn",
        [
            "bars: one sample from each belief · black ticks: belief means before the step",
            "orange bar with ▼: the highest sample, the arm pulled",
        ],
    )


BELIEF_POINTS = 120


def belief_frame(trace: RunTrace, step: int) -> pd.DataFrame:
    """Each arm's normal belief after ``step`` as a density curve (``arm``, ``value``, ...)."""
    mean = trace.q_estimates[step - 1]
    sd = trace.details["posterior_sd"][step - 1]
    low, high = float((mean - 3 * sd).min()), float((mean + 3 * sd).max())
    grid = np.linspace(low, high, BELIEF_POINTS)
    density = np.exp(-0.5 * ((grid[None, :] - mean[:, None]) / sd[:, None]) ** 2) / (
        sd[:, None] * np.sqrt(2 * np.pi)
    )
    arms = len(mean)
    return pd.DataFrame(
        {
            "arm": np.repeat(np.arange(1, arms + 1), BELIEF_POINTS),
            "value": np.tile(grid, arms),
            "density": density.ravel(),
            "mean": np.repeat(mean, BELIEF_POINTS),
            "sd": np.repeat(sd, BELIEF_POINTS),
        }
    )


def _arm_color(arms: int) -> alt.Color:
    return alt.Color(
        "arm:N",
        title="Arm",
        sort=list(range(1, arms + 1)),
        scale=alt.Scale(scheme="tableau10" if arms <= 10 else "tableau20"),
    ).legend(orient="bottom", columns=5)


@register_detail_view("posterior_sd")
def belief_chart(trace: RunTrace, step: int) -> Figure:
    """Thompson sampling's belief about every arm's value, with the true values as rules."""
    arms = trace.q_true.shape[1]
    frame = belief_frame(trace, step)
    truths = pd.DataFrame({"arm": np.arange(1, arms + 1), "q_true": trace.q_true[step - 1]})
    sd = trace.details["posterior_sd"][step - 1]
    mean = trace.q_estimates[step - 1]
    narrowest, widest = int(sd.argmin()), int(sd.argmax())
    alt_text = (
        f"Density curves of the belief about each of {arms} arms after step {step}. Arm "
        f"{narrowest + 1} has the narrowest belief (mean {mean[narrowest]:.2f}, sd "
        f"{sd[narrowest]:.2f}); arm {widest + 1} the widest (sd {sd[widest]:.2f})."
    )
    return Figure(
        _belief_template(arms),
        {"beliefs": frame, "truths": truths},
        alt_text,
        title_text=f"Beliefs after step {step}",
    )


@template
def _belief_template(arms: int) -> alt.TopLevelMixin:
    color = _arm_color(arms)
    curves = (
        alt.Chart(data("beliefs"))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("value:Q", title="Value of the arm"),
            y=alt.Y("density:Q", title="Belief (density)"),
            color=color,
            tooltip=[
                alt.Tooltip("arm:N", title="Arm"),
                alt.Tooltip("mean:Q", title="Belief mean", format=".3f"),
                alt.Tooltip("sd:Q", title="Belief sd", format=".3f"),
            ],
        )
    )
    rules = (
        alt.Chart(data("truths"))
        .mark_rule(strokeDash=[4, 3])
        .encode(
            x="q_true:Q",
            color=color,
            tooltip=[
                alt.Tooltip("arm:N", title="Arm"),
                alt.Tooltip("q_true:Q", title="True value q*(a)", format=".3f"),
            ],
        )
    )
    return titled(
        alt.layer(curves, rules),
        "Beliefs",
        "curves: belief about each arm's value · dashed: its true value q*(a)",
    )


def belief_width_frame(trace: RunTrace) -> pd.DataFrame:
    """Standard deviation of every arm's belief at every drawn step (binned for long runs)."""
    sd = trace.details["posterior_sd"]
    steps, arms = sd.shape
    bins, last_steps = step_bins(steps)
    counts = np.bincount(bins)
    frames = [
        pd.DataFrame(
            {
                "arm": arm + 1,
                "step": last_steps,
                "sd": np.bincount(bins, weights=sd[:, arm]) / counts,
            }
        )
        for arm in range(arms)
    ]
    return pd.concat(frames, ignore_index=True)


@register_detail_view("posterior_sd")
def belief_width_chart(trace: RunTrace, step: int) -> Figure:
    """How each arm's belief narrows as it gets pulled: 1/sqrt(1/prior_sd² + N(a))."""
    arms = trace.q_true.shape[1]
    sd = trace.details["posterior_sd"]
    final = sd[-1]
    alt_text = (
        f"Line chart of each arm's belief standard deviation over {len(sd):,} steps of run 1. "
        f"At the end it ranges from {final.min():.2f} (arm {int(final.argmin()) + 1}, pulled "
        f"most) to {final.max():.2f} (arm {int(final.argmax()) + 1})."
    )
    return Figure(_belief_width_template(arms), {"widths": belief_width_frame(trace)}, alt_text)


@template
def _belief_width_template(arms: int) -> alt.TopLevelMixin:
    chart = (
        alt.Chart(data("widths"))
        .mark_line(strokeWidth=1.6, interpolate="step-after")
        .encode(
            x=alt.X("step:Q", title="Step"),
            y=alt.Y("sd:Q", title="Belief standard deviation"),
            color=_arm_color(arms),
            tooltip=[
                alt.Tooltip("arm:N", title="Arm"),
                alt.Tooltip("step:Q", title="Step"),
                alt.Tooltip("sd:Q", title="Belief sd", format=".3f"),
            ],
        )
    )
    return titled(chart, "Beliefs narrowing, run 1")


def figures(trace: RunTrace, step: int, strategy_type: type[Strategy]) -> list[Figure]:
    """Everything "inside one run" draws for this strategy after ``step``."""
    drawn = [estimates_chart(trace, step, strategy_type), counts_chart(trace, step)]
    for detail, views in DETAIL_VIEWS.items():
        if detail in trace.details:
            drawn.extend(view(trace, step) for view in views)
    return drawn


def first_steps_frame(trace: RunTrace, count: int, strategy_type: type[Strategy]) -> pd.DataFrame:
    """The first ``count`` steps of the run as a table a learner can follow by hand."""
    count = min(count, len(trace.actions))
    index = np.arange(count)
    actions = trace.actions[:count]
    greedy_word, other_word = strategy_type.choice_words
    return pd.DataFrame(
        {
            "Step": index + 1,
            "Arm pulled": actions + 1,
            "Why": np.where(trace.exploratory[:count], other_word, greedy_word),
            "Reward": trace.rewards[:count],
            f"New {strategy_type.estimate_name}": trace.q_estimates[index, actions],
            "Pulls N(a)": trace.counts[index, actions].astype(int),
            "True value q*(a)": trace.q_true[index, actions],
        }
    )
