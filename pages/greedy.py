"""Strategy 2: always pull the arm with the highest estimate. Pure exploitation."""

import streamlit as st

from core.bandit import Greedy
from ui import routing, runners, sections
from ui.controls import ControlPanel

routing.ensure_router()

st.title("Strategy 2: Greedy")
sections.idea(
    "The greedy agent keeps a tally of how often it pulled each arm and the average reward "
    "each paid, and always pulls the arm with the **highest current average**. It exploits "
    "what it knows and never explores on purpose, so an unlucky early reward can hide the best "
    "arm for good.",
    [
        r"A_t = \operatorname*{argmax}_a Q_t(a)",
        r"Q_{n+1} = Q_n + \frac{1}{n}\bigl[R_n - Q_n\bigr]",
    ],
    [
        "Keep a tally of actions and average reward: for each arm, the number of pulls N(a) "
        "and the average reward Q(a).",
        "Choose the action with the maximum current average (break ties at random).",
        "Pull it, and move that arm's average toward the reward by 1/N(a) of the difference.",
    ],
)
st.markdown(
    "With all estimates starting at 0, the first arm that pays a positive reward looks better "
    "than the untried arms, and the greedy agent keeps pulling it. The other arms' estimates "
    "never change, because estimates only improve for arms that get pulled."
)

panel = ControlPanel()
testbed = panel.testbed()
panel.header("Greedy agent")
initial, step_size = panel.update_rule()
panel.finish()

chosen = Greedy(initial=initial, step_size=step_size)
strategies = [chosen] if chosen == Greedy() else [Greedy(), chosen]
results = sections.run_all(lambda: [runners.simulate(s, testbed) for s in strategies])

result = results[-1]
stuck, found, never = st.columns(3)
stuck.metric(
    "Runs stuck on a worse arm",
    f"{1 - result.best_arm_found_rate:.0%}",
    help="Runs whose most-pulled arm is not the best one.",
    border=True,
)
found.metric(
    "Runs that found the best arm",
    f"{result.best_arm_found_rate:.0%}",
    help="Runs whose most-pulled arm is the best one.",
    border=True,
)
never.metric(
    "Runs that never tried the best arm",
    f"{result.never_tried_best_rate:.0%}",
    help="Runs that did not pull the best arm even once in all their steps.",
    border=True,
)
sections.results_over_runs(results)
sections.inside_one_run(results)
sections.takeaways(
    [
        "Greedy learns fast at first, then levels off near an average reward of 1.0, well "
        "below the best possible 1.54: it finds the best arm in only about a third of runs.",
        "It gets stuck because it only improves the estimates of arms it pulls: an arm that "
        "looked bad once is never tried again.",
        "**Optimistic initial values** (for example Q₁ = 5 with a constant step size α = 0.1) "
        "make greedy try every arm early, since each reward disappoints it. This helps on a "
        "stationary problem but is a one-off push: it explores only at the start.",
    ],
    [
        "Set **Initial estimate Q₁** to 5, turn on **Constant step size α** (0.1): compare "
        "% optimal action with the plain greedy curve (the book's Figure 2.3).",
        "In *Inside one run*, step through the first 10 steps with Q₁ = 5: every arm gets "
        "tried once before any repeats.",
        "Set Q₁ to −2 (pessimistic): how many runs never try the best arm now?",
    ],
)
