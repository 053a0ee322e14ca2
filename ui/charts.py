"""Chart builders: simulation results -> tidy pandas frames -> Altair charts.

Pure functions with no Streamlit calls, so each chart's data can be tested without a server.
Frames come first (``*_frame``), charts are built from them (``*_chart``).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from core.bandit import BanditResult, RunTrace

MAX_POINTS_PER_CURVE = 1000
"""Curves longer than this are averaged into this many bins: same shape, lighter charts."""

CHART_HEIGHT = 300
SCHEME = "tableau10"
"""Strategy colours: distinct hues, so neighbouring curves never look alike."""
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fill the column's width but keep the plot CHART_HEIGHT tall, legend and title outside it."""
REFERENCE_COLOR = "#6b7280"
PULLED_COLOR = "#f58518"
TRUE_VALUE_COLOR = "#111827"


def _series_color(field: str, labels: Sequence[str], label_limit: int = 400) -> alt.Color:
    """One distinct colour per series, in ``labels`` order, with a legend under the chart."""
    return alt.Color(
        f"{field}:N", title=None, scale=alt.Scale(domain=list(labels), scheme=SCHEME)
    ).legend(orient="bottom", direction="vertical", labelLimit=label_limit)


def _bins(steps: int) -> np.ndarray:
    """Bin index of every step, so that at most MAX_POINTS_PER_CURVE bins remain."""
    width = max(1, -(-steps // MAX_POINTS_PER_CURVE))
    return np.arange(steps) // width


def curve_frame(results: Sequence[BanditResult], metric: str) -> pd.DataFrame:
    """One row per (strategy, step): columns ``strategy``, ``step`` (1-based), ``value``.

    ``metric`` is a per-step array of :class:`BanditResult` (``mean_reward``,
    ``optimal_rate``, ``cumulative_regret``, ``epsilon``). Long runs are averaged into bins
    whose ``step`` is the bin's last step.
    """
    frames = []
    for result in results:
        values = getattr(result, metric)
        if values is None:
            continue
        steps = np.arange(1, result.steps + 1)
        bins = _bins(result.steps)
        if bins[-1] + 1 < result.steps:
            counts = np.bincount(bins)
            values = np.bincount(bins, weights=values) / counts
            steps = np.cumsum(counts)
        frames.append(
            pd.DataFrame({"strategy": result.strategy.label, "step": steps, "value": values})
        )
    return pd.concat(frames, ignore_index=True)


def _hover_lines(
    frame: pd.DataFrame, y_title: str, value_format: str, domain: Sequence[str]
) -> alt.LayerChart:
    """Lines per strategy with a vertical hover rule that shows every strategy's value."""
    color = _series_color("strategy", domain)
    base = alt.Chart(frame).encode(x=alt.X("step:Q", title="Step"))
    lines = base.mark_line(strokeWidth=1.6).encode(
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=value_format)), color=color
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


def _reference_rules(references: Sequence[tuple[str, float]], value_format: str) -> alt.LayerChart:
    """Dashed horizontal lines with a label, e.g. ("best possible", 1.54)."""
    frame = pd.DataFrame(references, columns=["reference", "value"])
    base = alt.Chart(frame).encode(y="value:Q")
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


def _labels(results: Sequence[BanditResult]) -> list[str]:
    return [result.strategy.label for result in results]


def reward_chart(results: Sequence[BanditResult]) -> alt.LayerChart:
    """Average reward per step, with the best possible reward and random play for reference."""
    first = results[0]
    references = [
        ("best possible (mean of max q*)", first.best_possible),
        ("random play (mean of q*)", float(first.q_true.mean())),
    ]
    lines = _hover_lines(
        curve_frame(results, "mean_reward"), "Average reward", ".2f", _labels(results)
    )
    return alt.layer(lines, _reference_rules(references, ".2f")).properties(
        height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Average reward"
    )


def optimal_chart(results: Sequence[BanditResult]) -> alt.LayerChart:
    """Fraction of runs that pulled the optimal arm at each step, with random play's 1/k."""
    first = results[0]
    lines = _hover_lines(
        curve_frame(results, "optimal_rate"), "% optimal action", ".0%", _labels(results)
    )
    references = [("random play (1/k)", 1.0 / first.arms)]
    return (
        alt.layer(lines, _reference_rules(references, ".0%"))
        .properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="% optimal action")
        .resolve_scale(y="shared")
    )


def regret_chart(results: Sequence[BanditResult]) -> alt.LayerChart:
    """Cumulative expected regret: reward lost against always pulling the best arm."""
    return _hover_lines(
        curve_frame(results, "cumulative_regret"), "Cumulative regret", ",.0f", _labels(results)
    ).properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Cumulative regret")


def epsilon_chart(results: Sequence[BanditResult]) -> alt.LayerChart:
    """The probability of a random pull at each step, for every strategy that has one."""
    return _hover_lines(
        curve_frame(results, "epsilon"), "ε (chance of a random pull)", ".3f", _labels(results)
    ).properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Exploration schedule")


def pull_share_frame(results: Sequence[BanditResult]) -> pd.DataFrame:
    """Share of pulls on each arm, by the arm's rank in its own run (1 = best arm)."""
    frames = []
    for result in results:
        shares = result.pull_share_by_rank
        frames.append(
            pd.DataFrame(
                {
                    "strategy": result.strategy.label,
                    "rank": np.arange(1, result.arms + 1),
                    "share": shares,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def pull_share_chart(results: Sequence[BanditResult]) -> alt.Chart:
    """Grouped bars: how the pulls split between the best arm, the second best, and so on."""
    frame = pull_share_frame(results)
    labels = _labels(results)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "rank:O",
                title="Arm, ranked by its true value q* (1 = best)",
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("strategy:N", sort=labels),
            y=alt.Y("share:Q", title="Share of all pulls", axis=alt.Axis(format=".0%")),
            color=_series_color("strategy", labels),
            tooltip=[
                alt.Tooltip("strategy:N", title="Strategy"),
                alt.Tooltip("rank:O", title="Rank of arm"),
                alt.Tooltip("share:Q", title="Share of pulls", format=".1%"),
            ],
        )
        .properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Pulls per arm, best arm first")
    )


def arm_state_frame(trace: RunTrace, step: int) -> pd.DataFrame:
    """The single run's table after ``step`` (1-based): one row per arm.

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
            "kind": np.where(best, "optimal arm", "other arms"),
        }
    )


def estimates_chart(trace: RunTrace, step: int) -> alt.LayerChart:
    """Bars for the estimates Q(a), black ticks for the true values q*(a), the pulled arm lit."""
    frame = arm_state_frame(trace, step)
    tooltip = [
        alt.Tooltip("arm:O", title="Arm"),
        alt.Tooltip("q_estimate:Q", title="Estimate Q(a)", format=".3f"),
        alt.Tooltip("q_true:Q", title="True value q*(a)", format=".3f"),
        alt.Tooltip("pulls:Q", title="Pulls N(a)"),
    ]
    base = alt.Chart(frame).encode(x=alt.X("arm:O", title="Arm", axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar().encode(
        y=alt.Y("q_estimate:Q", title="Value"),
        color=alt.condition(alt.datum.pulled_now, alt.value(PULLED_COLOR), alt.value("#4c78a8")),
        tooltip=tooltip,
    )
    truth = base.mark_tick(color=TRUE_VALUE_COLOR, thickness=3, size=28).encode(
        y="q_true:Q", tooltip=tooltip
    )
    return alt.layer(bars, truth).properties(
        height=CHART_HEIGHT,
        autosize=FIT_WIDTH,
        title=alt.TitleParams(
            f"Estimates after step {step}",
            subtitle=[
                "bars: estimate Q(a) · black ticks: true value q*(a)",
                "orange: arm pulled now",
            ],
        ),
    )


def _optimal_arm_color() -> alt.Color:
    """Green for the run's optimal arm, grey for the rest (the ``kind`` column)."""
    return alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=["optimal arm", "other arms"], range=["#54a24b", "#bab0ac"]),
    ).legend(orient="bottom")


def counts_chart(trace: RunTrace, step: int) -> alt.Chart:
    """How often each arm has been pulled by ``step``; the optimal arm is marked."""
    frame = arm_state_frame(trace, step)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("arm:O", title="Arm", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("pulls:Q", title="Pulls N(a)"),
            color=_optimal_arm_color(),
            tooltip=[
                alt.Tooltip("arm:O", title="Arm"),
                alt.Tooltip("pulls:Q", title="Pulls N(a)"),
                alt.Tooltip("q_true:Q", title="True value q*(a)", format=".3f"),
            ],
        )
        .properties(
            height=CHART_HEIGHT, autosize=FIT_WIDTH, title=f"Pulls per arm after step {step}"
        )
    )


def first_steps_frame(trace: RunTrace, count: int) -> pd.DataFrame:
    """The first ``count`` steps of the run as a table a learner can follow by hand."""
    count = min(count, len(trace.actions))
    index = np.arange(count)
    actions = trace.actions[:count]
    return pd.DataFrame(
        {
            "Step": index + 1,
            "Arm pulled": actions + 1,
            "Why": np.where(trace.exploratory[:count], "explore", "exploit"),
            "Reward": trace.rewards[:count],
            "New estimate Q(a)": trace.q_estimates[index, actions],
            "Pulls N(a)": trace.counts[index, actions].astype(int),
            "True value q*(a)": trace.q_true[index, actions],
        }
    )


def probability_chart(trace: RunTrace, step: int) -> alt.Chart:
    """The gradient bandit's action probabilities pi(a) after ``step``; the best arm marked."""
    frame = arm_state_frame(trace, step)
    frame["probability"] = trace.details["probability"][step - 1]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("arm:O", title="Arm", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "probability:Q",
                title="Probability π(a)",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=_optimal_arm_color(),
            tooltip=[
                alt.Tooltip("arm:O", title="Arm"),
                alt.Tooltip("probability:Q", title="π(a)", format=".1%"),
                alt.Tooltip("q_estimate:Q", title="Preference H(a)", format=".3f"),
                alt.Tooltip("q_true:Q", title="True value q*(a)", format=".3f"),
            ],
        )
        .properties(
            height=CHART_HEIGHT,
            autosize=FIT_WIDTH,
            title=f"Action probabilities after step {step}",
        )
    )


def upper_bound_frame(trace: RunTrace, step: int, c: float) -> pd.DataFrame:
    """UCB's two parts per arm for the choice at ``step + 1``: estimate and bonus."""
    frame = arm_state_frame(trace, step)
    with np.errstate(divide="ignore"):
        bonus = c * np.sqrt(np.log(step + 1) / frame["pulls"].to_numpy(dtype=float))
    frame["bonus"] = bonus
    frame["upper_bound"] = frame["q_estimate"] + frame["bonus"]
    return frame


def upper_bound_chart(trace: RunTrace, step: int, c: float) -> alt.LayerChart:
    """Estimate plus uncertainty bonus per arm: UCB pulls the arm whose total is highest next."""
    frame = upper_bound_frame(trace, step, c)
    frame = frame[np.isfinite(frame["upper_bound"])]
    tooltip = [
        alt.Tooltip("arm:O", title="Arm"),
        alt.Tooltip("q_estimate:Q", title="Estimate Q(a)", format=".3f"),
        alt.Tooltip("bonus:Q", title="Bonus c√(ln t / N(a))", format=".3f"),
        alt.Tooltip("upper_bound:Q", title="Upper bound", format=".3f"),
        alt.Tooltip("pulls:Q", title="Pulls N(a)"),
    ]
    base = alt.Chart(frame).encode(x=alt.X("arm:O", title="Arm", axis=alt.Axis(labelAngle=0)))
    bounds = base.mark_rule(strokeWidth=10, opacity=0.35, color="#4c78a8").encode(
        y=alt.Y("q_estimate:Q", title="Value"), y2="upper_bound:Q", tooltip=tooltip
    )
    estimate = base.mark_tick(thickness=3, size=26, color="#4c78a8").encode(
        y="q_estimate:Q", tooltip=tooltip
    )
    top = base.mark_tick(thickness=3, size=26, color=PULLED_COLOR).encode(
        y="upper_bound:Q", tooltip=tooltip
    )
    truth = base.mark_point(shape="diamond", filled=True, size=60, color=TRUE_VALUE_COLOR).encode(
        y="q_true:Q", tooltip=tooltip
    )
    return alt.layer(bounds, estimate, top, truth).properties(
        height=CHART_HEIGHT,
        autosize=FIT_WIDTH,
        title=alt.TitleParams(
            f"Upper confidence bounds after step {step}",
            subtitle=[
                "blue tick: estimate Q(a) · orange tick: Q(a) + bonus · black ◆: q*(a)",
                "UCB pulls the arm with the highest orange tick next",
            ],
        ),
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


def belief_chart(trace: RunTrace, step: int) -> alt.LayerChart:
    """Thompson sampling's belief about every arm's value, with the true values as rules."""
    frame = belief_frame(trace, step)
    arms = trace.q_true.shape[1]
    color = alt.Color(
        "arm:N",
        title="Arm",
        sort=list(range(1, arms + 1)),
        scale=alt.Scale(scheme="tableau10" if arms <= 10 else "tableau20"),
    ).legend(orient="bottom", columns=5)
    curves = (
        alt.Chart(frame)
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
    truths = pd.DataFrame({"arm": np.arange(1, arms + 1), "q_true": trace.q_true[step - 1]})
    rules = (
        alt.Chart(truths)
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
    return alt.layer(curves, rules).properties(
        height=CHART_HEIGHT,
        autosize=FIT_WIDTH,
        title=alt.TitleParams(
            f"Beliefs after step {step}",
            subtitle="curves: belief about each arm's value · dashed: its true value q*(a)",
        ),
    )


def belief_width_frame(trace: RunTrace) -> pd.DataFrame:
    """Standard deviation of every arm's belief at every step (binned for long runs)."""
    sd = trace.details["posterior_sd"]
    steps, arms = sd.shape
    bins = _bins(steps)
    counts = np.bincount(bins)
    step_numbers = np.cumsum(counts)
    frames = []
    for arm in range(arms):
        values = np.bincount(bins, weights=sd[:, arm]) / counts
        frames.append(pd.DataFrame({"arm": arm + 1, "step": step_numbers, "sd": values}))
    return pd.concat(frames, ignore_index=True)


def belief_width_chart(trace: RunTrace) -> alt.Chart:
    """How each arm's belief narrows as it gets pulled: 1/sqrt(1/prior_sd² + N(a))."""
    arms = trace.q_true.shape[1]
    return (
        alt.Chart(belief_width_frame(trace))
        .mark_line(strokeWidth=1.6, interpolate="step-after")
        .encode(
            x=alt.X("step:Q", title="Step"),
            y=alt.Y("sd:Q", title="Belief standard deviation"),
            color=alt.Color(
                "arm:N",
                title="Arm",
                sort=list(range(1, arms + 1)),
                scale=alt.Scale(scheme="tableau10" if arms <= 10 else "tableau20"),
            ).legend(orient="bottom", columns=5),
            tooltip=[
                alt.Tooltip("arm:N", title="Arm"),
                alt.Tooltip("step:Q", title="Step"),
                alt.Tooltip("sd:Q", title="Belief sd", format=".3f"),
            ],
        )
        .properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Beliefs narrowing, run 1")
    )


def study_frame(points: Sequence) -> pd.DataFrame:
    """Parameter study points (``core.study.StudyPoint``) as a tidy frame."""
    return pd.DataFrame(
        {
            "method": [p.method for p in points],
            "parameter": [p.parameter for p in points],
            "exponent": [p.exponent for p in points],
            "value": [p.value for p in points],
            "average_reward": [p.average_reward for p in points],
            "optimal_rate": [p.optimal_rate for p in points],
        }
    )


def study_chart(points: Sequence, steps: int) -> alt.LayerChart:
    """Figure 2.6: average reward against each method's parameter, on a log2 axis."""
    frame = study_frame(points)
    frame["label"] = frame["method"] + " (" + frame["parameter"] + ")"
    labels = list(dict.fromkeys(frame["label"]))
    color = alt.Color(
        "label:N",
        title=None,
        scale=alt.Scale(domain=labels, range=["#e45756", "#54a24b", "#4c78a8", "#222222"]),
    ).legend(orient="bottom", direction="vertical", labelLimit=400)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "exponent:Q",
            title="ε, α, c, Q₀ (log scale)",
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
    lines = base.mark_line(strokeWidth=2)
    dots = base.mark_point(filled=True, size=50).encode(
        tooltip=[
            alt.Tooltip("method:N", title="Method"),
            alt.Tooltip("parameter:N", title="Parameter"),
            alt.Tooltip("value:Q", title="Value", format=".4g"),
            alt.Tooltip("average_reward:Q", title="Average reward", format=".3f"),
            alt.Tooltip("optimal_rate:Q", title="% optimal action", format=".1%"),
        ]
    )
    return alt.layer(lines, dots).properties(
        height=380, autosize=FIT_WIDTH, title="Parameter study (Figure 2.6)"
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


def tally_chart(
    counts: np.ndarray, averages: np.ndarray, q_true: np.ndarray | None = None
) -> alt.LayerChart:
    """Bars: the player's average reward per arm (labelled with pulls); ticks: true values."""
    frame = tally_frame(counts, averages, q_true)
    tooltip = [
        alt.Tooltip("arm:O", title="Arm"),
        alt.Tooltip("pulls:Q", title="Your pulls"),
        alt.Tooltip("average:Q", title="Your average reward", format=".2f"),
    ]
    if q_true is not None:
        tooltip.append(alt.Tooltip("q_true:Q", title="True value q*(a)", format=".2f"))
    base = alt.Chart(frame).encode(x=alt.X("arm:O", title="Arm", axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color="#4c78a8").encode(
        y=alt.Y("average:Q", title="Average reward", axis=alt.Axis(format=".1f")),
        opacity=alt.condition(alt.datum.tried, alt.value(1), alt.value(0)),
        tooltip=tooltip,
    )
    labels = base.mark_text(dy=-8, fontSize=11, color=REFERENCE_COLOR).encode(
        y="average:Q", text=alt.Text("pulls:Q", format="d")
    )
    layers = [bars, labels]
    title = alt.TitleParams("Your tally", subtitle="bars: your average reward · numbers: pulls")
    if q_true is not None:
        layers.append(
            base.mark_tick(color=TRUE_VALUE_COLOR, thickness=3, size=28).encode(
                y="q_true:Q", tooltip=tooltip
            )
        )
        title = alt.TitleParams(
            "Your tally and the truth",
            subtitle="bars: your average reward · numbers: pulls · black ticks: true values",
        )
    return alt.layer(*layers).properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title=title)


def race_frame(player: Sequence[float], rivals: dict[str, np.ndarray]) -> pd.DataFrame:
    """Cumulative reward pull by pull for the player and each rival agent."""
    frames = [
        pd.DataFrame(
            {
                "who": name,
                "pull": np.arange(1, len(rewards) + 1),
                "total": np.cumsum(rewards),
            }
        )
        for name, rewards in {"You": np.asarray(player), **rivals}.items()
    ]
    return pd.concat(frames, ignore_index=True)


def race_chart(player: Sequence[float], rivals: dict[str, np.ndarray]) -> alt.Chart:
    """Who collected more reward, pull by pull, on the same bandit and reward draws."""
    frame = race_frame(player, rivals)
    names = list(dict.fromkeys(frame["who"]))
    return (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("pull:Q", title="Pull"),
            y=alt.Y("total:Q", title="Total reward so far"),
            color=alt.Color(
                "who:N",
                title=None,
                scale=alt.Scale(domain=names, range=["#e45756", "#4c78a8", "#72b7b2", "#54a24b"]),
            ).legend(orient="bottom", columns=2, labelLimit=300),
            tooltip=[
                alt.Tooltip("who:N", title="Player"),
                alt.Tooltip("pull:Q", title="Pull"),
                alt.Tooltip("total:Q", title="Total", format=".2f"),
            ],
        )
        .properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="The race")
    )


MOVING_AVERAGE = 20
"""Episodes in the moving average of DQN returns (CartPole's usual 'recent mean')."""


def moving_average(values: np.ndarray, window: int = MOVING_AVERAGE) -> np.ndarray:
    """Mean of the last ``window`` values at each point (fewer at the start)."""
    values = np.asarray(values, dtype=float)
    sums = np.cumsum(values)
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    shifted = np.concatenate([np.zeros(window), sums])[: len(values)]
    return (sums - shifted) / counts


def training_frame(returns: np.ndarray, epsilons: np.ndarray, losses: np.ndarray) -> pd.DataFrame:
    """One row per training episode: return, its moving average, epsilon and mean loss."""
    returns = np.asarray(returns, dtype=float)
    return pd.DataFrame(
        {
            "episode": np.arange(1, len(returns) + 1),
            "return": returns,
            "moving_average": moving_average(returns),
            "epsilon": np.asarray(epsilons, dtype=float),
            "loss": np.asarray(losses, dtype=float),
        }
    )


def learning_curve_chart(
    frame: pd.DataFrame, eval_episodes=(), eval_means=(), threshold: float = 475.0
) -> alt.LayerChart:
    """Episode returns, their moving average, greedy checks and epsilon on a second axis."""
    base = alt.Chart(frame).encode(x=alt.X("episode:Q", title="Episode"))
    tooltip = [
        alt.Tooltip("episode:Q", title="Episode"),
        alt.Tooltip("return:Q", title="Return", format=".0f"),
        alt.Tooltip("moving_average:Q", title=f"Mean of last {MOVING_AVERAGE}", format=".1f"),
        alt.Tooltip("epsilon:Q", title="ε", format=".3f"),
    ]
    returns = base.mark_line(strokeWidth=1, opacity=0.45, color="#4c78a8").encode(
        y=alt.Y("return:Q", title="Return (training episodes)"), tooltip=tooltip
    )
    average = base.mark_line(strokeWidth=2.5, color="#1f3b73").encode(
        y="moving_average:Q", tooltip=tooltip
    )
    target = alt.Chart(
        pd.DataFrame({"y": [threshold], "label": [f"solved ({threshold:g})"]})
    ).encode(y="y:Q")
    layers = [
        returns,
        average,
        target.mark_rule(strokeDash=[5, 4], color=REFERENCE_COLOR),
        target.mark_text(align="left", dx=4, dy=-6, color=REFERENCE_COLOR).encode(
            x=alt.value(0), text="label:N"
        ),
    ]
    if len(eval_means):
        checks = pd.DataFrame({"episode": list(eval_episodes), "greedy": list(eval_means)})
        layers.append(
            alt.Chart(checks)
            .mark_point(shape="diamond", filled=True, size=70, color="#e45756")
            .encode(
                x="episode:Q",
                y="greedy:Q",
                tooltip=[
                    alt.Tooltip("episode:Q", title="After episode"),
                    alt.Tooltip("greedy:Q", title="Greedy check (mean return)", format=".1f"),
                ],
            )
        )
    epsilon = base.mark_line(strokeDash=[2, 2], color="#54a24b").encode(
        y=alt.Y(
            "epsilon:Q",
            title="ε (green, dotted)",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(orient="right", titleColor="#54a24b"),
        ),
        tooltip=tooltip,
    )
    return (
        alt.layer(alt.layer(*layers), epsilon)
        .resolve_scale(y="independent")
        .properties(
            height=CHART_HEIGHT,
            autosize=FIT_WIDTH,
            title=alt.TitleParams(
                "Learning curve",
                subtitle=[
                    f"thin: each episode's return · thick: mean of the last {MOVING_AVERAGE}",
                    "red ◆: greedy checks (no exploration) · green dotted: ε",
                ],
            ),
        )
    )


def loss_chart(frame: pd.DataFrame) -> alt.Chart:
    """Mean Huber loss per episode (log scale): the TD error the network is fitting."""
    data = frame[np.isfinite(frame["loss"]) & (frame["loss"] > 0)]
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=1.5, color="#b279a2")
        .encode(
            x=alt.X("episode:Q", title="Episode"),
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
        .properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Loss")
    )


def evaluation_chart(returns: np.ndarray, threshold: float = 475.0) -> alt.LayerChart:
    """The greedy returns of each evaluation episode, with the solved bar."""
    frame = pd.DataFrame({"episode": np.arange(1, len(returns) + 1), "return": returns})
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("episode:O", title="Evaluation episode", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("return:Q", title="Return", scale=alt.Scale(domain=[0, 500])),
            tooltip=[
                alt.Tooltip("episode:O", title="Episode"),
                alt.Tooltip("return:Q", title="Return", format=".0f"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"y": [threshold]}))
        .mark_rule(strokeDash=[5, 4], color=REFERENCE_COLOR)
        .encode(y="y:Q")
    )
    return alt.layer(bars, rule).properties(
        height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Greedy evaluation (no exploration)"
    )


def history_frame(runs: Sequence[tuple[str, np.ndarray]]) -> pd.DataFrame:
    """Moving-average returns of several runs, one row per (run, episode)."""
    frames = [
        pd.DataFrame(
            {
                "run": label,
                "episode": np.arange(1, len(returns) + 1),
                "moving_average": moving_average(returns),
            }
        )
        for label, returns in runs
    ]
    return pd.concat(frames, ignore_index=True)


def history_chart(runs: Sequence[tuple[str, np.ndarray]]) -> alt.Chart:
    """Overlay of runs' learning curves: the ablation lesson as one picture."""
    frame = history_frame(runs)
    labels = list(dict.fromkeys(frame["run"]))
    return (
        alt.Chart(frame)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("episode:Q", title="Episode"),
            y=alt.Y("moving_average:Q", title=f"Return, mean of last {MOVING_AVERAGE}"),
            color=_series_color("run", labels, label_limit=600),
            tooltip=[
                alt.Tooltip("run:N", title="Run"),
                alt.Tooltip("episode:Q", title="Episode"),
                alt.Tooltip("moving_average:Q", title="Mean return", format=".1f"),
            ],
        )
        .properties(height=CHART_HEIGHT, autosize=FIT_WIDTH, title="Run history")
    )
