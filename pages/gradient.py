"""Gradient bandit: learn preferences, pull arms by their softmax probabilities."""

import numpy as np
import streamlit as st

from core.bandit import GradientBandit
from ui import answers, course, routing, runners, sections
from ui.answers import percent
from ui.controls import ControlPanel

routing.ensure_router()
PAGE = "gradient"

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
guess = course.predict(
    PAGE,
    course.Prediction(
        "With the true values in the sidebar, how does the agent *without* a baseline compare "
        "with the one *with* a baseline, in % optimal action at the end?",
        ("Much worse (10 points or more lower)", "About the same", "Better"),
    ),
)
if guess.revealed:
    results = sections.run_all(lambda: runners.simulate_all(strategies, testbed))
    with_baseline, without = results

    def feedback() -> None:
        gap = answers.late(with_baseline) - answers.late(without)
        actual = 0 if gap >= 0.1 else (2 if gap <= -0.1 else 1)
        course.prediction_feedback(
            guess,
            actual,
            f"With the baseline: **{percent(answers.late(with_baseline))}**; without: "
            f"**{percent(answers.late(without))}** (true values around {testbed.q_mean:+g}). "
            + (
                "With every reward positive, the agent without a baseline raises the preference "
                "of whatever it pulls."
                if testbed.q_mean >= 2
                else "Around 0, rewards are as often negative as positive, so a baseline of 0 "
                "is not so far off."
            ),
        )

    figure = testbed.q_mean == 4.0 and alpha in (0.1, 0.4)
    sections.results_over_runs(
        results,
        feedback=feedback,
        note=(
            "Both agents use the same α; one compares rewards with the baseline, the other "
            "with 0." + (" This is one pair of curves of the book's Figure 2.5." if figure else "")
        ),
    )
    sections.inside_one_run(results)
    sections.takeaways(
        [
            "With the baseline, the gradient bandit finds the best arm about as often whether "
            "the true values are centred on 0 or on +4: only rewards relative to the average "
            "matter.",
            "Without the baseline and with rewards around +4, every pull looks like good news, "
            "so the agent reinforces whatever it happens to pull early and finds the best arm "
            "far less often.",
            "The update is stochastic gradient ascent on the expected reward; the baseline does "
            "not change the expected update, only its variance, which is why it speeds learning.",
        ]
    )


def centred_answer() -> str:
    shifted = answers.run(GradientBandit(alpha=alpha, baseline=False), testbed, q_mean=4.0)
    centred = answers.run(GradientBandit(alpha=alpha, baseline=False), testbed, q_mean=0.0)
    with_baseline = answers.run(GradientBandit(alpha=alpha, baseline=True), testbed, q_mean=0.0)
    return (
        f"Without a baseline, the agent ends at **{percent(answers.late(centred))}** optimal "
        f"action with true values around 0, against **{percent(answers.late(shifted))}** around "
        f"+4 (α = {alpha:g}). Around 0 the agent with a baseline ends at "
        f"{percent(answers.late(with_baseline))}: a baseline of 0 is a fair guess of the "
        "average reward there."
    )


def alpha_answer() -> str:
    rows = []
    for step_size in (0.1, 0.4):
        for baseline in (True, False):
            result = answers.run(GradientBandit(alpha=step_size, baseline=baseline), testbed)
            rows.append(
                f"α = {step_size:g} {'with' if baseline else 'without'} baseline: "
                f"**{percent(answers.late(result))}**"
            )
    return (
        f"% optimal action at the end, true values around {testbed.q_mean:+g}: "
        + "; ".join(rows)
        + ". A larger α learns faster at first but settles on a worse arm more often."
    )


def takeover_answer() -> str:
    trace = answers.run(GradientBandit(alpha=alpha, baseline=False), testbed).trace
    probability = trace.details["probability"]
    dominant = np.flatnonzero(probability.max(axis=1) > 0.5)
    if not len(dominant):
        return (
            f"In run 1 no arm ever gets more than half the probability within {testbed.steps:,} "
            "steps."
        )
    step = int(dominant[0])
    arm = int(probability[step].argmax())
    best = int(trace.q_true[step].argmax())
    verdict = "the best arm" if arm == best else f"not the best arm (that is arm {best + 1})"
    return (
        f"In run 1 without a baseline, arm **{arm + 1}** takes more than half the probability "
        f"after step **{step + 1}**, and it is {verdict}. By the last step its probability is "
        f"{probability[-1, arm]:.0%}."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set the mean of the true values to 0: how much does the no-baseline agent recover?",
            centred_answer,
        ),
        course.TryThis(
            "Set α to 0.4: compare both agents with the α = 0.1 curves (Figure 2.5).", alpha_answer
        ),
        course.TryThis(
            "In *Inside one run*, watch the probabilities of the no-baseline agent: how quickly "
            "does one arm take over, and is it the best one?",
            takeover_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "What does the gradient bandit learn instead of value estimates?",
            (
                "A preference H(a) per arm, turned into probabilities by a softmax",
                "The exact true values q*(a)",
                "Which arm to pull at each step, as a fixed plan",
            ),
            0,
            (
                "Right: only differences between preferences matter.",
                "It never estimates values; a preference is not on the scale of rewards.",
                "It keeps choosing at random, with probabilities that change as it learns.",
            ),
        ),
        course.Question(
            "What does the baseline R̄ do in the update?",
            (
                "A reward above the average raises its arm's preference, one below lowers it",
                "It caps how large a preference can grow",
                "It makes the agent explore more at the start",
            ),
            0,
            (
                "Right: without it (R̄ = 0) and with all rewards positive, every pull raises its "
                "own arm's preference.",
                "Preferences are not capped; the softmax keeps probabilities between 0 and 1.",
                "Exploration comes from sampling by π; the baseline only sets the reference.",
            ),
        ),
        course.Question(
            "Add +4 to every true value. How does the agent *with* a baseline change?",
            (
                "Hardly at all: only rewards relative to the baseline matter",
                "It gets much better, since rewards are larger",
                "It gets much worse",
            ),
            0,
            (
                "Right: the baseline shifts by 4 too, so reward minus baseline is unchanged on "
                "average.",
                "Larger rewards do not help: what counts is how they compare with the average.",
                "That is what happens without the baseline.",
            ),
        ),
    ],
)
