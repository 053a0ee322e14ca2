"""Gradient bandit: learn preferences, pull arms by their softmax probabilities."""

import streamlit as st

from core.bandit import GradientBandit
from ui import routing, runners, sections
from ui.controls import ControlPanel

routing.ensure_router()

st.title("Gradient bandit")
sections.idea(
    "Instead of estimating each arm's value, learn a **preference** H(a) for each arm and pull "
    "arms at random with probabilities given by a *softmax* of the preferences. After each "
    "reward, compare it with a **baseline**, the average reward so far: a reward above the "
    "baseline makes the pulled arm more likely next time, one below it less likely.",
    [
        r"\pi_t(a) = \frac{e^{H_t(a)}}{\sum_{b} e^{H_t(b)}}",
        r"H_{t+1}(a) = H_t(a) + \alpha \,(R_t - \bar R_t)\,"
        r"\bigl(\mathbb{1}_{a = A_t} - \pi_t(a)\bigr)",
    ],
    [
        "Start with every preference at 0: all arms equally likely.",
        "Pull an arm at random with probabilities π(a), the softmax of the preferences.",
        "Compare the reward R with the baseline R̄, the average of the earlier rewards.",
        "Raise the pulled arm's preference by α(R − R̄)(1 − π(A)) and lower every other arm's "
        "by α(R − R̄)π(a): better than usual means more of that arm.",
    ],
)
st.markdown(
    "Only *differences* between preferences matter, and only the difference between a reward and "
    "the baseline drives learning. That makes the method blind to a shift of all the true values, "
    "as long as the baseline is there. Without it (R̄ = 0) and with all rewards positive, every "
    "pull makes its own arm more likely, whether it was a good choice or not."
)

panel = ControlPanel()
testbed = panel.testbed(default_q_mean=4.0, q_mean_key="gradient_q_mean")
panel.header("Gradient agent")
alpha = panel.slider(
    "Step size α",
    "gradient_alpha",
    min_value=0.01,
    max_value=1.0,
    value=0.1,
    step=0.01,
    help="How far one reward moves the preferences. The book compares 0.1 and 0.4.",
)
panel.finish()

strategies = [
    GradientBandit(alpha=alpha, baseline=True),
    GradientBandit(alpha=alpha, baseline=False),
]
results = sections.run_all(lambda: [runners.simulate(s, testbed) for s in strategies])
sections.results_over_runs(
    results,
    note=(
        "Both agents use the same α; one compares rewards with the baseline, the other with 0. "
        "With true values around +4 and α = 0.1 or 0.4, this is Figure 2.5 of the book."
    ),
)
sections.inside_one_run(results)
sections.takeaways(
    [
        "With the baseline, the gradient bandit finds the best arm about as often whether the "
        "true values are centred on 0 or on +4: only rewards relative to the average matter.",
        "Without the baseline and with rewards around +4, every pull looks like good news, so "
        "the agent reinforces whatever it happens to pull first and finds the best arm far less "
        "often.",
        "The update is stochastic gradient ascent on the expected reward; the baseline does not "
        "change the expected update, only its variance, which is why it speeds learning.",
    ],
    [
        "Set the mean of the true values to 0: how much does the no-baseline agent recover?",
        "Set α to 0.4: compare both agents with the α = 0.1 curves (Figure 2.5).",
        "In *Inside one run*, watch the probabilities of the no-baseline agent: how quickly does "
        "one arm take over, and is it the best one?",
    ],
)
