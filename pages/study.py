"""Parameter study: Figure 2.6, every method's average reward against its parameter."""

import streamlit as st

from core import study
from ui import course, routing, runners, sections
from ui.charts import study as study_charts
from ui.controls import ControlPanel, Testbed
from ui.drawing import draw

routing.ensure_router()
PAGE = "study"

st.title("Parameter study")
st.markdown(
    "Which method is best depends on its parameter. This study runs each method at a range of "
    "values of its parameter, each a factor of 2 apart, and sums up each run by one number: the "
    "**average reward over all its steps**. Plotted on a log scale, each method traces an "
    "**inverted U**: too little exploration and too much both cost reward. It reproduces "
    "Figure 2.6 of the book: "
    f"{study.settings_count()} settings, each 2000 runs of 1000 steps by default."
)
st.markdown(
    "\n".join(
        f"- **{method.name}**: {method.parameter} from {method.grid_label}"
        for method in study.METHODS
    )
)

panel = ControlPanel()
panel.header("Study")
runs = panel.select_slider(
    "Runs per setting",
    "runs",
    options=(100, 200, 500, 1000, 2000),
    value=2000,
    help="Fewer runs finish sooner but give bumpier curves. The book uses 2000.",
)
steps = panel.select_slider(
    "Steps per run",
    "steps",
    options=(100, 200, 500, 1000, 2000),
    value=1000,
    help="The book averages over the first 1000 steps.",
)
seed = panel.seed()
panel.finish()

progress = st.progress(0.0, text="Running the study…")


def report(done: int, total: int) -> None:
    progress.progress(done / total, text=f"{done} of {total} settings done")


with sections.readable_errors():
    testbed = Testbed(steps=int(steps), runs=int(runs), seed=int(seed))
    runners.simulate_all(study.strategies(), testbed, progress=report)
    points = study.parameter_study(
        runs=int(runs), steps=int(steps), seed=int(seed), run=runners.simulate_testbed_call
    )
progress.empty()

draw(study_charts.study_chart(points, int(steps)))
best = study_charts.best_settings(points)
st.dataframe(
    best[["method", "parameter", "value", "average_reward", "optimal_rate"]].rename(
        columns={
            "method": "Method",
            "parameter": "Parameter",
            "value": "Best value",
            "average_reward": "Average reward",
            "optimal_rate": "% optimal action",
        }
    ),
    hide_index=True,
    column_config={
        "Best value": st.column_config.NumberColumn(format="%.4g"),
        "Average reward": st.column_config.NumberColumn(format="%.3f"),
        "% optimal action": st.column_config.NumberColumn(format="percent"),
    },
)
best_method = best.iloc[0]
sections.takeaways(
    [
        "Every method does best at an intermediate value of its parameter: an inverted U.",
        f"At these settings {best_method['method']} does best overall "
        f"({best_method['average_reward']:.2f} at {best_method['parameter']} = "
        f"{best_method['value']:.4g}); the others' best settings reach "
        + ", ".join(
            f"{row.average_reward:.2f} ({row.method})" for row in best.iloc[1:].itertuples()
        )
        + ". All are fairly insensitive within a factor of 2 or so of their best value.",
        "A parameter study answers *how well can this method do*, and *how much does it matter "
        "that I tune it*: a flat curve means a robust method.",
    ]
)


def study_at(step_count: int, methods=study.METHODS):
    return study.parameter_study(
        runs=int(runs),
        steps=step_count,
        seed=int(seed),
        methods=methods,
        run=runners.simulate_testbed_call,
    )


def describe_best(points) -> str:
    return "; ".join(
        f"{row.method} {row.average_reward:.2f} at {row.parameter} = {row.value:.4g}"
        for row in study_charts.best_settings(points).itertuples()
    )


def short_answer() -> str:
    return (
        f"Best value of each method over the first 100 steps: {describe_best(study_at(100))}. "
        f"Over {int(steps):,} steps: {describe_best(points)}. In 100 steps, the pulls spent "
        "trying every arm (optimistic values: each one is tried until its estimate falls; UCB: "
        "every untried arm first) are a large part of the run, so both score lower than after "
        "a long run, where that early exploration has long paid for itself."
    )


def long_answer() -> str:
    epsilon_method = study.METHODS[:1]
    now = study_charts.best_settings(study_at(int(steps), epsilon_method)).iloc[0]
    longer = study_charts.best_settings(study_at(2000, epsilon_method)).iloc[0]
    moved = (
        "smaller"
        if longer["value"] < now["value"]
        else "larger"
        if longer["value"] > now["value"]
        else "the same"
    )
    return (
        f"Over {int(steps):,} steps the best ε is **{now['value']:.4g}**; over 2,000 steps it is "
        f"**{longer['value']:.4g}** ({moved}). The longer the run, the more the early cost of "
        "learning slowly is outweighed by wasting fewer pulls later, which favours a smaller ε."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Lower **Steps per run** to 100: which methods suffer, and why do optimistic values "
            "and UCB pay for their early exploration?",
            short_answer,
        ),
        course.TryThis(
            "Raise **Steps per run** to 2000: does the best ε move to smaller values?", long_answer
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "Why does every curve rise and then fall?",
            (
                "Too little exploration and too much both cost reward",
                "Larger parameters always mean more exploration, which always helps",
                "It is noise from too few runs",
            ),
            0,
            (
                "Right: the best setting balances finding the best arm against using it.",
                "Exploration helps only up to a point; past it, pulls are wasted on known-bad "
                "arms.",
                "2000 runs per point make the shape far larger than the noise.",
            ),
        ),
        course.Question(
            "A method's curve is flat around its peak. What does that tell you?",
            (
                "It works well over a wide range of its parameter: it is robust",
                "Its parameter has no effect at all",
                "It is the best method",
            ),
            0,
            (
                "Right: you do not need to tune it precisely.",
                "Flat near the peak, but every curve falls off far enough from it.",
                "Flatness is about sensitivity, not about how high the curve is.",
            ),
        ),
    ],
)
