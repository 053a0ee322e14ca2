"""Strategy 3: greedy, but with probability epsilon pull a random arm."""

import streamlit as st

from core.bandit import EpsilonGreedy
from ui import routing, runners, sections
from ui.controls import ControlPanel

routing.ensure_router()

st.title("Strategy 3: ε-greedy")
sections.idea(
    "Behave greedily most of the time, but every now and then, with a small probability ε, "
    "pull an arm **at random** instead. Every arm keeps being sampled, so in the long run every "
    "estimate Q(a) converges to its true value q\\*(a) and the agent picks the best arm with "
    "probability close to 1 − ε.",
    r"A_t = \begin{cases}"
    r"\operatorname*{argmax}_a Q_t(a) & \text{with probability } 1 - \varepsilon \\"
    r"\text{a uniformly random arm} & \text{with probability } \varepsilon"
    r"\end{cases}",
    [
        "Keep the same tally as the greedy agent: pulls N(a) and average reward Q(a) per arm.",
        "Flip a biased coin: with probability ε pull a random arm (explore).",
        "Otherwise pull the arm with the highest average (exploit), breaking ties at random.",
        "Update the pulled arm's average with the reward, as before.",
    ],
)
st.markdown(
    "The random pull can land on the greedy arm too, so a non-greedy arm is pulled with "
    "probability ε(k − 1)/k. Even after the agent has found the best arm it keeps exploring, "
    "which caps it at picking the best arm about 1 − ε(k − 1)/k of the time: 91% for ε = 0.1."
)

panel = ControlPanel()
testbed = panel.testbed()
panel.header("ε-greedy agents")
epsilons = panel.epsilons()
initial, step_size = panel.update_rule()
panel.finish()

if not epsilons:
    st.warning("Pick at least one value of ε in the sidebar to compare.", icon=":material/tune:")
    st.stop()

results = sections.run_all(
    lambda: [
        runners.simulate(EpsilonGreedy(epsilon=e, initial=initial, step_size=step_size), testbed)
        for e in epsilons
    ]
)
sections.results_over_runs(
    results,
    note="With the defaults (ε = 0, 0.01 and 0.1) this is Figure 2.2 of the book.",
)
sections.inside_one_run(results)
sections.takeaways(
    [
        "With the book's settings, ε = 0.1 reaches an average reward of about 1.35 and picks "
        "the best arm about 80% of the time by step 1000; greedy (ε = 0) levels off near 1.0.",
        "ε = 0.01 learns more slowly but is still rising at step 1000; in the long run it beats "
        "ε = 0.1, because it wastes fewer pulls once the best arm is known.",
        "Too much exploration costs too: ε = 0.5 finds the best arm quickly but keeps pulling "
        "random arms half the time.",
        "The best ε depends on the task: noisier rewards need more exploration; deterministic "
        "rewards need less.",
    ],
    [
        "Set ε to 0 alone: what happens to % optimal action? Compare with the greedy page.",
        "Add ε = 0.5 and ε = 1: where does % optimal action level off, and why?",
        "Increase **Steps per run** to 5000: does ε = 0.01 overtake ε = 0.1?",
        "In *Inside one run*, follow the table for ε = 0.1: how many exploring steps happen "
        "in the first 100?",
    ],
)
