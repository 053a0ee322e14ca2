"""The sections every strategy page shares, in the page anatomy's order.

1. :func:`idea`: the idea, the rule as a formula, the rule in plain words.
2. Controls: :class:`ui.controls.ControlPanel`; then the prediction (:mod:`ui.course`).
3. :func:`results_over_runs`: averages over many runs, with reference lines.
4. :func:`inside_one_run`: one run's table, stepped through with play / pause / ±1.
5. :func:`takeaways`, then "Try this" and the understanding check (:mod:`ui.course`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core import notebooks, reference
from core.bandit import BanditResult
from ui import registry
from ui.charts import curves, one_run
from ui.charts.style import number
from ui.course import PageHalted
from ui.drawing import draw_in_columns

FIRST_STEPS_SHOWN = 15
PLAY_SECONDS_PER_STEP = 0.7
"""How long each step stays on screen while "Play" steps through a run."""


def idea(summary: str, formulas: str | Sequence[str], steps_in_words: Sequence[str]) -> None:
    """The idea in a few sentences, the rule as formulas, then the rule in plain words.

    Each formula gets its own line, so none is wider than a phone screen.
    """
    st.markdown(summary)
    for formula in [formulas] if isinstance(formulas, str) else formulas:
        st.latex(formula)
    st.markdown("**The rule in plain words**")
    st.markdown("\n".join(f"{number}. {step}" for number, step in enumerate(steps_in_words, 1)))


def reward_index_note() -> None:
    """The book's time index, explained once where the formulas first use it."""
    st.caption(
        "About the indices: the agent picks A_t at step t, and the reward that answers it is "
        "R_t on these bandit pages (as in chapter 2 of the book). From chapter 3 on, and on the "
        "DQN page, the same reward is called R_{t+1}, because it arrives together with the next "
        "state S_{t+1}. Same reward, two bookkeeping conventions."
    )


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
        raise PageHalted from error


def run_all(runner: Callable[[], list[BanditResult]]) -> list[BanditResult]:
    """Call ``runner`` with a spinner, turning rejected parameters into a readable message."""
    with readable_errors(), st.spinner("Simulating…"):
        return runner()


def summary_figures(result: BanditResult) -> dict[str, float]:
    """A strategy's final figures, the stated goal (total reward) first."""
    return {
        "Total reward per run": float(result.mean_reward.sum()),
        "Average reward, all steps": float(result.mean_reward.mean()),
        "Average reward, last 10%": curves.late_mean(result.mean_reward),
        "% optimal action, last 10%": 100 * curves.late_mean(result.optimal_rate),
        "Total regret": float(result.cumulative_regret[-1]),
        "% runs that never tried the best arm": 100 * result.never_tried_best_rate,
    }


SUMMARY_FORMATS = {
    "Total reward per run": "{:,.0f}",
    "Average reward, all steps": "{:.2f}",
    "Average reward, last 10%": "{:.2f}",
    "% optimal action, last 10%": "{:.1f}%",
    "Total regret": "{:,.0f}",
    "% runs that never tried the best arm": "{:.1f}%",
}


def summary_table(results: Sequence[BanditResult]) -> None:
    """The summary as a plain table, one row per strategy: headers and names wrap instead of
    being cut off, and a screen reader reads it as a table."""
    rows = [
        {column: SUMMARY_FORMATS[column].format(value) for column, value in figures.items()}
        for figures in map(summary_figures, results)
    ]
    index = pd.Index([result.strategy.label for result in results], name="Strategy")
    st.table(pd.DataFrame(rows, index=index))


def _results_intro(first: BanditResult) -> str:
    if first.walk_sd > 0:
        best = (
            f"The true values drift, so the best any strategy can expect changes over time: "
            f"from **{number(first.best_reward[0])}** per step at the start to "
            f"**{number(first.best_reward[-1])}** at the end (always pulling each run's best "
            "arm of the moment)"
        )
    else:
        best = (
            f"The best any strategy can expect is **{number(first.best_possible)}** per step "
            "(always pulling each run's best arm)"
        )
    return (
        f"Every curve is an average over **{first.runs:,} runs**, each a different "
        f"{first.arms}-armed bandit with true values q*(a) ~ N({first.q_mean:g}, 1). {best}; "
        f"random play expects **{number(float(first.q_true.mean()))}** and finds the best arm "
        f"1/k = **{1 / first.arms:.0%}** of the time. Hover over a curve to read its values."
    )


def regret_growth(result: BanditResult) -> float:
    """Regret added per step over the last tenth of the run: flat for a learner that stops
    losing, the same as mid-run for one that keeps paying for exploration (linear regret)."""
    regret = result.cumulative_regret
    window = max(1, result.steps // 10)
    return float((regret[-1] - regret[-window - 1]) / window) if result.steps > window else 0.0


def results_over_runs(
    results: Sequence[BanditResult],
    *,
    show_epsilon: bool = False,
    note: str | None = None,
    slots: tuple[int, ...] | None = None,
    feedback: Callable[[], None] | None = None,
    key: str = "results",
) -> None:
    """Average reward, % optimal action, pulls per arm and regret over all runs.

    ``slots`` pins each strategy's colour (see :func:`ui.charts.style.series_color`);
    ``feedback`` draws how the learner's prediction compares, right under the introduction.
    """
    first = results[0]
    st.header("Results over many runs")
    st.markdown(_results_intro(first) + (f" {note}" if note else ""))
    if feedback is not None:
        feedback()
    summary_table(results)
    draw_in_columns([curves.reward_chart(results, slots), curves.optimal_chart(results, slots)])
    log_x = st.toggle(
        "Log scale for steps on the regret chart",
        key=f"{key}_regret_log",
        help="On a log step axis, regret that grows like log t becomes a straight line.",
    )
    figures = [curves.pull_share_chart(results, slots)]
    if show_epsilon:
        figures.append(curves.epsilon_chart(results, slots))
    figures.append(curves.regret_chart(results, slots, log_x))
    draw_in_columns(figures)
    _regret_caption(results)
    take_home(results, key)


def _testbed_of(result: BanditResult) -> dict[str, Any]:
    return {
        "arms": result.arms,
        "steps": result.steps,
        "runs": result.runs,
        "seed": result.seed,
        "q_mean": result.q_mean,
        "walk_sd": result.walk_sd,
        "start_equal": result.start_equal,
    }


def take_home(results: Sequence[BanditResult], key: str) -> None:
    """ "Show me the code" (the plain loop behind each strategy, with the call that reproduces
    this experiment) and "Download as notebook" (built only when clicked)."""
    testbed = _testbed_of(results[0])
    strategies = [result.strategy for result in results]
    box = st.expander(
        "Show me the code", icon=":material/code:", key=f"{key}_code", on_change="rerun"
    )
    with box:
        if box.open:
            st.markdown(
                "The same rule as a plain loop, one run at a time, as you would write it "
                "yourself. The app runs a vectorised version of it (all runs at once); tests "
                "check that the two agree. The last line runs it with the settings on this page."
            )
            shown: set[type] = set()
            for strategy in strategies:
                if type(strategy) in shown:
                    continue
                shown.add(type(strategy))
                st.code(reference.reference_code(strategy, **testbed), language="python")
            st.caption("The testbed they run on (`Bandit`, `argmax`, `run_experiment`):")
            st.code(reference.testbed_code(), language="python")
    names = ", ".join(dict.fromkeys(type(s).title for s in strategies))
    st.download_button(
        "Download as notebook",
        data=lambda: notebooks.experiment_notebook(
            strategies, **testbed, title=f"Bandit experiment: {names}"
        ),
        file_name="bandit-"
        + "-".join("".join(c for c in name.lower() if c.isalnum()) for name in names.split(", "))
        + ".ipynb",
        mime="application/x-ipynb+json",
        on_click="ignore",
        icon=":material/download:",
        help="A Jupyter notebook that reruns exactly this experiment with the plain-loop code: "
        "numpy, pandas and altair only (works in Colab too).",
    )


def _regret_caption(results: Sequence[BanditResult]) -> None:
    growth = "; ".join(f"{result.strategy.label} {regret_growth(result):.3f}" for result in results)
    st.caption(
        "Regret is the reward lost against always pulling the best arm, q*(best) − q*(A_t), "
        "added up over the steps. A strategy that keeps exploring at a fixed rate (ε-greedy "
        "with ε > 0), or that is stuck on a worse arm, loses about the same amount every step "
        "forever: its regret grows in a straight line (linear regret). Methods whose "
        "exploration fades as they grow sure, such as UCB and Thompson sampling, lose less and "
        "less: their regret grows only like the logarithm of the number of steps, which is "
        f"why they exist. Regret added per step over the last 10% of these runs: {growth}."
    )


def _describe_step(result: BanditResult, step: int) -> str:
    trace, strategy = result.trace, type(result.strategy)
    index = step - 1
    arm = int(trace.actions[index])
    before = trace.q_estimates[index - 1, arm] if index > 0 else None
    after = trace.q_estimates[index, arm]
    why = strategy.choice_words[int(trace.exploratory[index])]
    estimate = lower_first(strategy.estimate_name)
    moved = (
        f"from {before:.2f} to {after:.2f}"
        if before is not None
        else f"from its starting value to {after:.2f}"
    )
    others = "" if strategy.estimate_is_value else " (every other arm's moved the other way)"
    best = int(trace.q_true[index].argmax())
    verdict = "the best arm" if arm == best else f"not the best arm (that is arm {best + 1})"
    return (
        f"At step {step} the agent pulled **arm {arm + 1}**: *{why}*. It received a reward of "
        f"{trace.rewards[index]:.2f}, so its {estimate} of arm {arm + 1} moved "
        f"{moved}{others}. Arm {arm + 1} is {verdict}."
    )


def lower_first(text: str) -> str:
    """'Estimate Q(a)' -> 'estimate Q(a)', for a name in the middle of a sentence."""
    return text[:1].lower() + text[1:]


def _step_key(key: str, result: BanditResult) -> str:
    return f"{key}_step_{result.steps}"


def _move_step(step_key: str, delta: int, last: int) -> None:
    st.session_state[step_key] = int(np.clip(st.session_state.get(step_key, 1) + delta, 1, last))


def _toggle_play(play_key: str) -> None:
    st.session_state[play_key] = not st.session_state.get(play_key, False)


def _step_view(result: BanditResult, key: str, timed: bool) -> None:
    """The step controls and everything that depends on the step alone (a fragment's body).

    ``timed`` says whether this fragment was set up to rerun on a timer; when Play or Pause
    changes that, the whole page reruns once to set the fragment up again.
    """
    step_key, play_key = _step_key(key, result), f"{key}_playing"
    playing = st.session_state.get(play_key, False)
    if playing != timed:
        st.rerun(scope="app")
    if playing:
        _move_step(step_key, +1, result.steps)
        if st.session_state[step_key] >= result.steps:
            st.session_state[play_key] = False
    st.session_state.setdefault(step_key, min(result.steps, 10))
    back, play, forward = st.columns([1, 2, 1], vertical_alignment="bottom")
    back.button(
        "−1",
        key=f"{key}_back",
        on_click=_move_step,
        args=(step_key, -1, result.steps),
        help="One step back",
        width="stretch",
    )
    play.button(
        "Pause" if playing else "Play",
        key=f"{key}_play",
        on_click=_toggle_play,
        args=(play_key,),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        help="Step through the run, one step every "
        f"{PLAY_SECONDS_PER_STEP:g} s (only this section updates)",
        width="stretch",
    )
    forward.button(
        "+1",
        key=f"{key}_forward",
        on_click=_move_step,
        args=(step_key, +1, result.steps),
        help="One step forward",
        width="stretch",
    )
    step = st.slider(
        "Step",
        min_value=1,
        max_value=result.steps,
        key=step_key,
        help="The table after this step's pull and update.",
    )
    st.markdown(_describe_step(result, step))
    draw_in_columns(one_run.figures(result.trace, step, type(result.strategy)))
    other_word = type(result.strategy).choice_words[1]
    others = int(np.count_nonzero(result.trace.exploratory[:step]))
    st.caption(
        f"Up to step {step}, {others} of {step} pulls ({others / step:.0%}) went to an arm "
        f"other than the one with the highest {lower_first(type(result.strategy).estimate_name)} "
        f"(*{other_word}*)."
    )


def inside_one_run(results: Sequence[BanditResult], *, key: str = "inspect") -> None:
    """One run's table after any step: step through it with play / pause / −1 / +1.

    The step view is a fragment: a step change reruns only that section, not the page.
    """
    st.header("Inside one run")
    st.markdown(
        "The averages hide what a single agent goes through. Here is run 1: step through it to "
        "see its table after any step. Estimates only improve for arms that get pulled, which "
        "is why a greedy agent can stay stuck."
    )
    labels = [result.strategy.label for result in results]
    chosen = 0
    if len(results) > 1:
        chosen = labels.index(
            st.selectbox("Strategy to inspect", labels, index=len(labels) - 1, key=f"{key}_which")
        )
    result = results[chosen]
    playing = st.session_state.get(f"{key}_playing", False)
    timer = PLAY_SECONDS_PER_STEP if playing else None
    st.fragment(_step_view, run_every=timer)(result, key, playing)
    strategy = type(result.strategy)
    st.markdown(f"**The first {min(FIRST_STEPS_SHOWN, result.steps)} steps of this run**")
    st.dataframe(
        one_run.first_steps_frame(result.trace, FIRST_STEPS_SHOWN, strategy),
        hide_index=True,
        height="content",
        column_config={
            name: st.column_config.NumberColumn(format="%.2f")
            for name in ("Reward", f"New {strategy.estimate_name}", "True value q*(a)")
        },
    )


def takeaways(points: Sequence[str]) -> None:
    """What to remember from the page."""
    st.header("Takeaways")
    st.markdown("\n".join(f"- {point}" for point in points))


def page_links(specs: Sequence[registry.PageSpec]) -> None:
    """A link card per page, two per row (a phone stacks them in reading order)."""
    for start in range(0, len(specs), 2):
        for column, spec in zip(st.columns(2), specs[start : start + 2], strict=False):
            with column.container(border=True):
                st.page_link(spec.path, label=f"**{spec.nav_title}**", icon=spec.icon)
                st.caption(spec.blurb)
