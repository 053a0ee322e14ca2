"""Comparison lab: any strategies side by side, with presets that reproduce the book's figures."""

from dataclasses import replace

import streamlit as st

from core.bandit import UCB, EpsilonGreedy
from ui import answers, course, lab, routing, runners, sections
from ui.answers import percent
from ui.charts.style import number
from ui.controls import WALK_SD, ControlPanel, Testbed
from ui.course import PageHalted

routing.ensure_router()
PAGE = "lab"

TESTBED_KEYS = {"q_mean": 0.0, "drift": False, "start_equal": False, "steps": 1000, "runs": 2000}
TABLE_KEY = "lab_table"


def apply_preset() -> None:
    """Set the testbed controls and the table to what the newly chosen preset needs."""
    name = st.session_state["preset"]
    preset = lab.PRESETS[name]
    for key, default in TESTBED_KEYS.items():
        st.session_state[key] = preset.testbed.get(key, default)
    st.session_state[TABLE_KEY] = lab.preset_table(name)
    st.session_state["lab_table_version"] = st.session_state.get("lab_table_version", 0) + 1


def apply_edits(editor_key: str) -> None:
    """Fold the editor's changes into the table and normalise every row."""
    st.session_state[TABLE_KEY] = lab.apply_edits(
        st.session_state[TABLE_KEY], st.session_state[editor_key]
    )
    st.session_state["lab_table_version"] = st.session_state.get("lab_table_version", 0) + 1


st.title("Comparison lab")
st.markdown(
    "Put any strategies side by side on the same bandit problems. Start from a preset that "
    "reproduces one of the book's figures, then edit the table: change a parameter, add a row, "
    "or delete one. Every strategy faces the same true values and the same reward noise. A "
    "blank cell is a parameter the method does not have; an empty α means sample averages."
)

panel = ControlPanel()
panel.header("Preset")
preset_name = panel.selectbox(
    "Start from",
    "preset",
    options=list(lab.PRESETS),
    index=0,
    on_change=apply_preset,
    help="Choosing a preset resets the table and the testbed settings it needs.",
)
testbed: Testbed = panel.testbed(max_steps=10_000, default_q_mean=0.0, drift_switch=True)
panel.finish()

if TABLE_KEY not in st.session_state:
    st.session_state[TABLE_KEY] = lab.preset_table(preset_name)
preset = lab.PRESETS[preset_name]
st.info(f"**{preset_name}.** {preset.description}", icon=":material/menu_book:")
editor_key = f"lab_editor_{st.session_state.get('lab_table_version', 0)}"
column_config = {
    lab.METHOD: st.column_config.SelectboxColumn(
        options=list(lab.STRATEGIES), required=True, help="Which strategy this row runs."
    )
}
for column in lab.columns():
    if column.switch:
        column_config[column.symbol] = st.column_config.CheckboxColumn(help=column.help)
    else:
        column_config[column.symbol] = st.column_config.NumberColumn(help=column.help)
st.data_editor(
    st.session_state[TABLE_KEY],
    key=editor_key,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config=column_config,
    on_change=apply_edits,
    args=(editor_key,),
)
strategies, problems = lab.strategies_from_table(st.session_state[TABLE_KEY])
for problem in problems:
    st.warning(f"{problem}. That row is left out.", icon=":material/warning:")
if not strategies:
    st.info("Add at least one row with a method to compare.", icon=":material/add_row_below:")
    raise PageHalted

results = sections.run_all(lambda: runners.simulate_all(strategies, testbed))
note: str | None
if testbed.walk_sd > 0:
    note = (
        "The true values drift, so the best possible reward and the optimal arm change over "
        "time; sample averages weigh a reward from step 10 as much as one from step 9,000."
    )
else:
    note = None
sections.results_over_runs(results, note=note, key="lab")
st.download_button(
    "Download the curves (CSV)",
    data=lab.curves_csv(results),
    file_name="bandit-curves.csv",
    mime="text/csv",
    icon=":material/download:",
)
sections.inside_one_run(results)
sections.takeaways(
    [
        "Every method balances exploring and exploiting differently; compare them here on the "
        "same problems and the same reward noise, so the differences come from the methods.",
        "When the world drifts, sample averages (α = 1/n) react ever more slowly, because each "
        "new reward counts for less; a constant step size keeps tracking the change.",
        "Methods that explore only at the start (optimistic values, a decayed ε) cannot notice "
        "that the best arm has changed.",
    ]
)


def drift_answer() -> str:
    preset = lab.PRESETS["Exercise 2.5: a drifting world"]
    drifting = replace(
        testbed,
        walk_sd=WALK_SD,
        start_equal=True,
        steps=preset.testbed["steps"],
        runs=preset.testbed["runs"],
    )
    strategies, _ = lab.strategies_from_table(lab.preset_table("Exercise 2.5: a drifting world"))
    half = drifting.steps // 2
    lines = []
    for strategy in strategies:
        result = runners.simulate(strategy, drifting)
        lines.append(
            f"{strategy.label}: **{percent(result.optimal_rate[half:].mean())}** optimal, "
            f"average reward {number(result.mean_reward[half:].mean())}"
        )
    return (
        f"Over steps {half + 1:,} to {drifting.steps:,} of the drifting world "
        f"({drifting.runs:,} runs): " + "; ".join(lines) + ". Sample averages give a reward "
        "from step 10 the same weight as one from step 9,000, so they cannot follow the drift."
    )


def nonstationary_answer() -> str:
    strategies, _ = lab.strategies_from_table(lab.preset_table("All methods"))
    drops = []
    for strategy in strategies:
        still = answers.late(
            runners.simulate(strategy, replace(testbed, walk_sd=0.0)), "mean_reward"
        )
        moving = answers.late(
            runners.simulate(strategy, replace(testbed, walk_sd=WALK_SD)), "mean_reward"
        )
        drops.append((still - moving, strategy.label, still, moving))
    drops.sort(reverse=True)
    return (
        f"Average reward over the last 10% of {testbed.steps:,} steps, stationary → drifting: "
        + "; ".join(f"{label} {number(a)} → {number(b)}" for _, label, a, b in drops)
        + f". Hit hardest: **{drops[0][1]}**. Over a short run the drift is small; raise the "
        "steps to see it grow."
    )


def ucb_answer() -> str:
    lines = []
    for c in (0.5, 1.0, 2.0):
        result = runners.simulate(UCB(c=c), testbed)
        lines.append(f"c = {c:g}: **{number(answers.late(result, 'mean_reward'))}**")
    rival = answers.late(runners.simulate(EpsilonGreedy(epsilon=0.1), testbed), "mean_reward")
    return (
        "Average reward over the last 10% of steps: " + "; ".join(lines) + f" (ε-greedy "
        f"{number(rival)}). The book's c = 2 is not necessarily the best at every setting: the "
        "parameter study shows the whole curve."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Pick *Exercise 2.5* and compare % optimal action after step 5,000.", drift_answer
        ),
        course.TryThis(
            "In *All methods*, switch on **Nonstationary**: which methods suffer most?",
            nonstationary_answer,
        ),
        course.TryThis(
            "Add a row *UCB* with c = 0.5 to *Figure 2.4*: is c = 2 the best choice here?",
            ucb_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "In a drifting world, why does a constant step size α beat sample averages?",
            (
                "It weighs recent rewards more, so the estimates follow the change",
                "It explores more",
                "It converges to the true values exactly",
            ),
            0,
            (
                "Right: an exponential recency-weighted average forgets old rewards.",
                "The step size changes how estimates are averaged, not which arms are pulled.",
                "It never settles; that is exactly why it can track a moving target.",
            ),
        ),
        course.Question(
            "Every row faces the same true values and the same reward noise. Why does that matter?",
            (
                "The differences you see then come from the methods, not from luck",
                "It makes the simulation faster",
                "It lets every method find the best arm",
            ),
            0,
            (
                "Right: a fair comparison changes one thing at a time.",
                "Speed is unaffected; fairness is the point.",
                "Sharing the problems does not help any method find the best arm.",
            ),
        ),
    ],
)
