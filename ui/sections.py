"""The sections every strategy page shares, in the page anatomy's order.

1. :func:`idea`: the idea, the rule as a formula, the rule in plain words.
2. Controls: :class:`ui.controls.ControlPanel`.
3. :func:`results_over_runs`: averages over many runs, with reference lines.
4. :func:`inside_one_run`: a step slider over one run's table of estimates.
5. :func:`takeaways`: what to remember and what to try.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
import streamlit as st

from core.bandit import UCB, BanditResult, GradientBandit, ThompsonSampling
from ui import charts
from ui.chart_cache import altair_chart

FIRST_STEPS_SHOWN = 15


def idea(summary: str, formulas: str | Sequence[str], steps_in_words: Sequence[str]) -> None:
    """The idea in a few sentences, the rule as formulas, then the rule in plain words.

    Each formula gets its own line, so none is wider than a phone screen.
    """
    st.markdown(summary)
    for formula in [formulas] if isinstance(formulas, str) else formulas:
        st.latex(formula)
    st.markdown("**The rule in plain words**")
    st.markdown("\n".join(f"{number}. {step}" for number, step in enumerate(steps_in_words, 1)))


@contextmanager
def readable_errors() -> Iterator[None]:
    """Turn a rejected parameter into a message on the page instead of a traceback."""
    try:
        yield
    except ValueError as error:
        st.error(
            f"These settings can't be simulated: {error}. Change them in the sidebar.",
            icon=":material/error:",
        )
        st.stop()


def _number(value: float, digits: int = 2) -> str:
    """Format without a stray minus sign on values that round to zero."""
    return f"{round(value, digits) + 0.0:.{digits}f}"


def _late_window(result: BanditResult) -> slice:
    """The last tenth of the run (the last 100 of the book's 1000 steps)."""
    return slice(-max(1, result.steps // 10), None)


def summary_frame(results: Sequence[BanditResult]) -> pd.DataFrame:
    """Final figures per strategy: what the curves end at, and what the whole run cost."""
    rows = []
    for result in results:
        late = _late_window(result)
        rows.append(
            {
                "Strategy": result.strategy.label,
                "Average reward (last 10% of steps)": float(result.mean_reward[late].mean()),
                "% optimal action (last 10%)": 100 * float(result.optimal_rate[late].mean()),
                "Total regret": float(result.cumulative_regret[-1]),
                "% runs that never tried the best arm": 100 * result.never_tried_best_rate,
            }
        )
    return pd.DataFrame(rows)


def results_over_runs(
    results: Sequence[BanditResult], *, show_epsilon: bool = False, note: str | None = None
) -> None:
    """Average reward, % optimal action, pulls per arm and regret over all runs."""
    first = results[0]
    st.header("Results over many runs")
    st.markdown(
        f"Every curve is an average over **{first.runs:,} runs**, each a different "
        f"{first.arms}-armed bandit with true values q*(a) ~ N({first.q_mean:g}, 1). "
        f"The best any strategy can expect is **{first.best_possible:.2f}** per step "
        f"(always pulling each run's best arm); random play expects "
        f"**{_number(float(first.q_true.mean()))}** and finds the best arm 1/k = "
        f"**{1 / first.arms:.0%}** of the time. Hover over a curve to read its values."
        + (f" {note}" if note else "")
    )
    st.dataframe(
        summary_frame(results),
        hide_index=True,
        column_config={
            "Average reward (last 10% of steps)": st.column_config.NumberColumn(format="%.2f"),
            "% optimal action (last 10%)": st.column_config.NumberColumn(format="%.1f%%"),
            "Total regret": st.column_config.NumberColumn(format="%.0f"),
            "% runs that never tried the best arm": st.column_config.NumberColumn(format="%.1f%%"),
        },
    )
    left, right = st.columns(2)
    altair_chart(charts.reward_chart, results, container=left)
    altair_chart(charts.optimal_chart, results, container=right)
    left, right = st.columns(2)
    altair_chart(charts.pull_share_chart, results, container=left)
    if show_epsilon:
        altair_chart(charts.epsilon_chart, results, container=right)
    else:
        altair_chart(charts.regret_chart, results, container=right)
    st.caption(
        "Regret is the reward lost against always pulling the best arm, q*(best) − q*(A_t), "
        "added up over the steps. A strategy that keeps learning bends its regret curve flat."
    )


def _describe_step(result: BanditResult, step: int) -> str:
    trace = result.trace
    index = step - 1
    arm = int(trace.actions[index])
    before = trace.q_estimates[index - 1, arm] if index > 0 else None
    after = trace.q_estimates[index, arm]
    how = (
        "**explored**: it was not one of the arms with the highest estimate"
        if trace.exploratory[index]
        else "**exploited**: it was (one of) the arms with the highest estimate"
    )
    moved = (
        f"from {before:.2f} to {after:.2f}"
        if before is not None
        else f"from its initial value to {after:.2f}"
    )
    best = int(trace.q_true[index].argmax())
    verdict = "the best arm" if arm == best else f"not the best arm (that is arm {best + 1})"
    return (
        f"At step {step} the agent pulled **arm {arm + 1}** and {how}. It received a reward of "
        f"{trace.rewards[index]:.2f}, so its estimate of arm {arm + 1} moved {moved}. "
        f"Arm {arm + 1} is {verdict}."
    )


def _one_run_charts(result: BanditResult, step: int) -> list[tuple[Callable, tuple]]:
    """The charts that show one run's table, with each strategy's own view of it."""
    trace, strategy = result.trace, result.strategy
    if isinstance(strategy, ThompsonSampling):
        return [
            (charts.belief_chart, (trace, step)),
            (charts.counts_chart, (trace, step)),
            (charts.belief_width_chart, (trace,)),
        ]
    if isinstance(strategy, GradientBandit):
        return [
            (charts.probability_chart, (trace, step)),
            (charts.counts_chart, (trace, step)),
        ]
    views = [(charts.estimates_chart, (trace, step)), (charts.counts_chart, (trace, step))]
    if isinstance(strategy, UCB):
        views.append((charts.upper_bound_chart, (trace, step, strategy.c)))
    return views


def inside_one_run(results: Sequence[BanditResult], *, key: str = "inspect") -> None:
    """A step slider over the table of one run: estimates next to true values, and counts."""
    st.header("Inside one run")
    st.markdown(
        "The averages hide what a single agent goes through. Here is run 1: drag the slider "
        "to see its table of estimates (the *Q-action table*) after any step. Estimates only "
        "improve for arms that get pulled, which is why a greedy agent can stay stuck."
    )
    labels = [result.strategy.label for result in results]
    chosen = 0
    if len(results) > 1:
        chosen = labels.index(
            st.selectbox("Strategy to inspect", labels, index=len(labels) - 1, key=f"{key}_which")
        )
    result = results[chosen]
    step = st.slider(
        "Step",
        min_value=1,
        max_value=result.steps,
        value=min(result.steps, 10),
        key=f"{key}_step_{result.steps}",
        help="The table after this step's pull and update.",
    )
    st.markdown(_describe_step(result, step))
    left, right = st.columns(2)
    for column, (builder, args) in zip(
        [left, right, *st.columns(2)], _one_run_charts(result, step), strict=False
    ):
        altair_chart(builder, *args, container=column)
    explored = int(np.count_nonzero(result.trace.exploratory[:step]))
    st.caption(
        f"Up to step {step}, this agent explored on {explored} of {step} steps "
        f"({explored / step:.0%})."
    )
    st.markdown(f"**The first {min(FIRST_STEPS_SHOWN, result.steps)} steps of this run**")
    st.dataframe(
        charts.first_steps_frame(result.trace, FIRST_STEPS_SHOWN),
        hide_index=True,
        height="content",
        column_config={
            name: st.column_config.NumberColumn(format="%.2f")
            for name in ("Reward", "New estimate Q(a)", "True value q*(a)")
        },
    )


def takeaways(points: Sequence[str], try_this: Sequence[str]) -> None:
    """What to remember from the page, and experiments to run with the sidebar."""
    st.header("Takeaways")
    st.markdown("\n".join(f"- {point}" for point in points))
    st.subheader("Try this")
    st.markdown("\n".join(f"- {prompt}" for prompt in try_this))


def run_all(runner: Callable[[], list[BanditResult]]) -> list[BanditResult]:
    """Call ``runner`` with a spinner, turning rejected parameters into a readable message."""
    with readable_errors(), st.spinner("Simulating…"):
        return runner()


def page_links(links: Sequence[tuple[str, str, str, str]]) -> None:
    """A link card per page: (page file, label, icon, one-line description)."""
    for start in range(0, len(links), 2):
        # One row of columns per pair, so a phone stacks the cards in reading order.
        for column, (page, label, icon, description) in zip(
            st.columns(2), links[start : start + 2], strict=False
        ):
            with column.container(border=True):
                st.page_link(page, label=f"**{label}**", icon=icon)
                st.caption(description)
