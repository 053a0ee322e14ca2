"""Comparison lab: any strategies side by side, with presets that reproduce the book's figures."""

import streamlit as st

from ui import lab, routing, runners, sections
from ui.controls import ControlPanel, Testbed
from ui.course import PageHalted

routing.ensure_router()

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

results = sections.run_all(lambda: [runners.simulate(s, testbed) for s in strategies])
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
        "Every method balances exploring and exploiting differently; on the stationary testbed "
        "UCB, optimistic starts and Thompson sampling beat plain ε-greedy after a few hundred "
        "steps.",
        "When the world drifts, sample averages (α = 1/n) react ever more slowly, because each "
        "new reward counts for less; a constant step size keeps tracking the change.",
        "Methods that explore only at the start (optimistic values, a decayed ε) cannot notice "
        "that the best arm has changed.",
    ],
)
