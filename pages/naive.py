"""Strategy 1: pull arms uniformly at random. Pure exploration; the baseline."""

import streamlit as st

from core.bandit import Naive
from ui import routing, runners, sections
from ui.controls import ControlPanel

routing.ensure_router()

st.title("Strategy 1: Naive random play")
sections.idea(
    "The simplest strategy ignores everything it has seen: at every step it pulls one of the "
    "k arms **uniformly at random**. It explores all the time and never exploits what it "
    "learns, so it is the baseline every other strategy has to beat.",
    [
        r"A_t \sim \mathrm{Uniform}\{1, \dots, k\}",
        r"\mathbb{E}[R_t] = \frac{1}{k}\sum_{a=1}^{k} q_*(a)",
    ],
    [
        "Pick one of the k arms, each with probability 1/k.",
        "Pull it and write the reward in the tally (count and average reward per arm).",
        "Never look at the tally when choosing: go back to step 1.",
    ],
)
st.markdown(
    "Why does it earn **about 0**? Each pull lands on an average arm, so its expected reward is "
    "the mean of the true values, and on the testbed those are drawn from N(0, 1). It pulls "
    "the best arm **1 time in k** on average, at step 1 as at step 1000: nothing it learns "
    "changes what it does."
)

panel = ControlPanel()
testbed = panel.testbed()
panel.finish()

results = sections.run_all(lambda: [runners.simulate(Naive(), testbed)])
sections.results_over_runs(results)
sections.inside_one_run(results)
st.markdown(
    "Look at the estimates after a few hundred steps: they sit close to the black ticks of the "
    "true values for **every** arm. The naive agent ends up knowing the most about the bandit, "
    "yet earns the least, because it never uses what it knows."
)
sections.takeaways(
    [
        "Random play's average reward is the mean of q\\*, about 0 here, and it never improves.",
        "It finds the best arm 1/k of the time: 10% with 10 arms, 5% with 20.",
        "Exploration alone gathers knowledge but earns nothing from it; the next strategies "
        "use the tally to choose.",
    ],
    [
        "Set **Arms** to 2 and then to 20: how do % optimal action and the best possible "
        "reward change?",
        "Lower **Runs** to 100: the curve gets noisier but its average stays near 0. Why?",
        "Change the **seed**: the individual run changes, the averages hardly do.",
    ],
)
