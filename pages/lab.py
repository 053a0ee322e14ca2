"""Comparison lab: any strategies side by side, with presets that reproduce the book's figures."""

import streamlit as st

from ui import lab, routing, runners, sections
from ui.controls import ControlPanel, Testbed

routing.ensure_router()

TESTBED_KEYS = {"q_mean": 0.0, "drift": False, "steps": 1000, "runs": 2000}


def apply_preset() -> None:
    """Set the testbed controls to what the newly chosen preset needs."""
    preset = lab.PRESETS[st.session_state["preset"]]
    for key, default in TESTBED_KEYS.items():
        st.session_state[key] = preset.testbed.get(key, default)


st.title("Comparison lab")
st.markdown(
    "Put any strategies side by side on the same bandit problems. Start from a preset that "
    "reproduces one of the book's figures, then edit the table: change a parameter, add a row, "
    "or delete one. Every strategy faces the same true values and the same reward noise."
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

preset = lab.PRESETS[preset_name]
st.info(f"**{preset_name}.** {preset.description}", icon=":material/menu_book:")
table = st.data_editor(
    lab.preset_table(preset_name),
    key=f"lab_table_{preset_name}",
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
        "Method": st.column_config.SelectboxColumn(
            options=lab.METHODS, required=True, help=lab.COLUMN_HELP["Method"]
        ),
        "ε": st.column_config.NumberColumn(min_value=0.0, max_value=1.0, help=lab.COLUMN_HELP["ε"]),
        "Q₁ / μ₀": st.column_config.NumberColumn(
            min_value=-100.0, max_value=100.0, help=lab.COLUMN_HELP["Q₁ / μ₀"]
        ),
        "α": st.column_config.NumberColumn(
            min_value=0.001, max_value=10.0, help=lab.COLUMN_HELP["α"]
        ),
        "c": st.column_config.NumberColumn(
            min_value=0.0, max_value=100.0, help=lab.COLUMN_HELP["c"]
        ),
        "Baseline": st.column_config.CheckboxColumn(help=lab.COLUMN_HELP["Baseline"]),
        "σ₀": st.column_config.NumberColumn(
            min_value=0.01, max_value=100.0, help=lab.COLUMN_HELP["σ₀"]
        ),
    },
)
strategies, problems = lab.strategies_from_table(table)
for problem in problems:
    st.warning(f"{problem}. That row is left out.", icon=":material/warning:")
if not strategies:
    st.info("Add at least one row with a method to compare.", icon=":material/add_row_below:")
    st.stop()

results = sections.run_all(lambda: [runners.simulate(s, testbed) for s in strategies])
if testbed.walk_sd > 0:
    note = (
        "The true values drift, so the best possible reward and the optimal arm change over "
        "time; sample averages weigh a reward from step 10 as much as one from step 9,000."
    )
else:
    note = None
sections.results_over_runs(results, note=note)
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
    [
        "Pick *Exercise 2.5* and compare % optimal action after step 5,000.",
        "In *All methods*, switch on **Nonstationary**: which methods suffer most?",
        "Add a row *UCB* with c = 0.5 to *Figure 2.4*: is c = 2 the best choice here?",
    ],
)
