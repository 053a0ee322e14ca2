"""Strategy 4: epsilon-greedy whose epsilon shrinks as the agent learns."""

import streamlit as st

from core.bandit import SCHEDULES, DecayingEpsilon, EpsilonGreedy
from ui import routing, runners, sections
from ui.controls import ControlPanel

SCHEDULE_HELP = {
    "exponential": "ε's excess over its floor halves every *half-life* steps.",
    "linear": "ε falls in a straight line to its floor over the *decay steps*, then stays.",
    "inverse": "ε's excess shrinks like 1/t: it halves at t = half-life, thirds at twice that.",
}

routing.ensure_router()

st.title("Strategy 4: Decaying ε")
sections.idea(
    "Early on the estimates are poor, so exploring is cheap and useful; later they are good, "
    "so exploring mostly wastes pulls. A decaying ε follows that logic: start with a lot of "
    "random pulls and **shrink ε over time** toward a small floor.",
    [
        r"\varepsilon_t = \varepsilon_{\text{end}}"
        r" + (\varepsilon_{\text{start}} - \varepsilon_{\text{end}})\, f(t)",
        r"f(t) = \begin{cases}"
        r"2^{-t/h} & \text{exponential} \\"
        r"\max(0,\ 1 - t/T) & \text{linear} \\"
        r"h / (h + t) & \text{inverse } (1/t)"
        r"\end{cases}",
    ],
    [
        "Keep the tally of pulls N(a) and average reward Q(a), as before.",
        "At step t, compute the current ε_t from the schedule.",
        "With probability ε_t pull a random arm; otherwise pull the arm with the highest average.",
        "Update the pulled arm's average with the reward.",
    ],
)

panel = ControlPanel()
testbed = panel.testbed()
panel.header("Decay schedule")
schedule = panel.selectbox(
    "Schedule",
    "schedule",
    options=SCHEDULES,
    index=0,
    help=" ".join(f"**{name}**: {text}" for name, text in SCHEDULE_HELP.items()),
)
start = panel.slider(
    "Starting ε",
    "start",
    min_value=0.1,
    max_value=1.0,
    value=1.0,
    step=0.05,
    help="ε at the first step. 1 means the first pulls are all random.",
)
end = panel.slider(
    "Final ε (floor)",
    "end",
    min_value=0.0,
    max_value=0.1,
    value=0.01,
    step=0.005,
    format="%.3f",
    help="ε never drops below this, so the agent keeps exploring a little.",
)
if schedule == "linear":
    decay_steps = panel.slider(
        "Decay steps T",
        "decay_steps",
        min_value=10,
        max_value=5000,
        value=500,
        step=10,
        help="Steps until ε reaches its floor.",
    )
    half_life = 100.0
else:
    half_life = panel.select_slider(
        "Half-life h (steps)",
        "half_life",
        options=(5, 10, 20, 50, 100, 200, 500, 1000, 2000),
        value=100,
        help="Steps until ε's excess over the floor has halved.",
    )
    decay_steps = 500
initial, step_size = panel.update_rule()
panel.finish()
st.caption(f"**{schedule}**: {SCHEDULE_HELP[schedule]}")

decaying = DecayingEpsilon(
    start=start,
    end=end,
    schedule=schedule,
    half_life=float(half_life),
    decay_steps=int(decay_steps),
    initial=initial,
    step_size=step_size,
)
fixed = EpsilonGreedy(epsilon=0.1, initial=initial, step_size=step_size)
results = sections.run_all(
    lambda: [runners.simulate(fixed, testbed), runners.simulate(decaying, testbed)]
)
sections.results_over_runs(
    results,
    show_epsilon=True,
    note="Fixed ε = 0.1 is drawn for comparison.",
)
sections.inside_one_run(results)
sections.takeaways(
    [
        "A decaying ε pays for its heavy early exploration in the first steps, then overtakes "
        "fixed ε = 0.1 because it stops wasting pulls on arms it already knows are worse.",
        "Decay too fast and it behaves like greedy and can lock onto a poor arm; decay too "
        "slowly and it behaves like random play for too long.",
        "A floor above 0 keeps a little exploration forever, a safety net if the world "
        "changes. In a nonstationary problem a schedule that has decayed cannot notice change.",
    ],
    [
        "Set the half-life to 5: how close to the greedy curve does it get?",
        "Set the half-life to 2000: the first 1000 steps look like what?",
        "Switch to **linear** with decay steps 1000: when does it overtake fixed ε = 0.1?",
        "Set the floor to 0 and compare the last steps of % optimal action with a floor of 0.1.",
    ],
)
