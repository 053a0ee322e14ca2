"""Thompson sampling: keep a belief about each arm, pull the arm whose sampled value is highest."""

import numpy as np
import streamlit as st

from core.bandit import UCB, EpsilonGreedy, Greedy, ThompsonSampling
from ui import answers, course, routing, runners, sections
from ui.answers import percent
from ui.controls import ControlPanel

routing.ensure_router()
PAGE = "thompson"

st.title("Thompson sampling")
sections.idea(
    "Keep a **belief** about each arm's value: not a single estimate but a whole probability "
    "distribution saying which values are plausible. Each step, draw one plausible value per "
    "arm from its belief and pull the arm whose draw is highest. Under the agent's own model "
    "(normal rewards with variance 1) and its prior, an arm is then pulled with exactly the "
    "probability that, given everything seen so far, it is the best arm.",
    [
        r"\tilde q(a) \sim \mathcal{N}\!\left(\mu_t(a),\ \sigma_t^2(a)\right),\quad "
        r"A_t = \operatorname*{argmax}_a \tilde q(a)",
        r"\sigma_t^{2}(a) = \frac{1}{1/\sigma_0^2 + N_t(a)}",
        r"\mu_t(a) = \sigma_t^{2}(a)\Bigl(\frac{\mu_0}{\sigma_0^2} + \sum R\Bigr)",
    ],
    [
        "Start every arm with the same prior belief N(μ₀, σ₀²) about its value.",
        "Draw one sample from each arm's belief; pull the arm with the highest sample.",
        "Update the pulled arm's belief with the reward (rewards have variance 1): its mean moves "
        "toward the average reward and its spread shrinks.",
    ],
)
st.markdown(
    "Exploration comes from the beliefs themselves: an arm that has rarely been pulled has a "
    "wide belief, so it sometimes draws a high sample and gets tried; an arm known to be poor "
    "almost never does. This page's rule is the conjugate Gaussian update for rewards with "
    "known variance 1, matching the testbed."
)

panel = ControlPanel()
testbed = panel.testbed()
panel.header("Prior belief")
prior_mean = panel.slider(
    "Prior mean μ₀",
    "prior_mean",
    min_value=-2.0,
    max_value=5.0,
    value=0.0,
    step=0.5,
    help="What the agent believes about an arm before pulling it. The testbed's truth is 0.",
)
prior_sd = panel.slider(
    "Prior standard deviation σ₀",
    "prior_sd",
    min_value=0.1,
    max_value=5.0,
    value=1.0,
    step=0.1,
    help="How unsure the agent is before pulling. The testbed's true spread is 1.",
)
panel.finish()

strategies = [
    EpsilonGreedy(epsilon=0.1),
    UCB(c=2.0),
    ThompsonSampling(prior_mean=prior_mean, prior_sd=prior_sd),
]
guess = course.predict(
    PAGE,
    course.Prediction(
        "Which pulls the optimal arm most often over the last 10% of steps?",
        tuple(strategy.label for strategy in strategies),
    ),
)
if guess.revealed:
    results = sections.run_all(lambda: runners.simulate_all(strategies, testbed))

    def feedback() -> None:
        endings = [answers.late(result) for result in results]
        course.prediction_feedback(
            guess,
            int(np.argmax(endings)),
            "% optimal action over the last 10% of steps: "
            + ", ".join(
                f"{result.strategy.label} **{percent(ending)}**"
                for result, ending in zip(results, endings, strict=True)
            )
            + ".",
        )

    sections.results_over_runs(
        results,
        feedback=feedback,
        note="ε-greedy (ε = 0.1) and UCB (c = 2) are drawn for comparison.",
    )
    sections.inside_one_run(results)
    thompson = results[-1]
    sections.takeaways(
        [
            f"At these settings Thompson sampling ends at {percent(answers.late(thompson))} "
            f"optimal action, with no exploration parameter to tune (ε-greedy: "
            f"{percent(answers.late(results[0]))}, UCB: {percent(answers.late(results[1]))}).",
            "Its exploration fades by itself: as beliefs narrow, samples stop disagreeing with "
            "the means, and the agent settles on the arm it believes is best.",
            "A wrong prior costs something: a very confident prior (small σ₀) learns slowly, a "
            "very pessimistic one explores too little early on.",
        ]
    )


def confident_answer() -> str:
    narrow = answers.run(ThompsonSampling(prior_mean=prior_mean, prior_sd=0.1), testbed)
    usual = answers.run(ThompsonSampling(prior_mean=prior_mean, prior_sd=1.0), testbed)
    widest = narrow.trace.details["posterior_sd"][-1].max()
    return (
        "With σ₀ = 0.1 every belief starts narrow, and the prior counts as much as 100 "
        "rewards: each reward moves an arm's belief mean by only about 1/(100 + n) of the "
        "surprise. The means stay close together, so the agent takes long to tell the arms "
        f"apart (run 1's widest belief still has sd {widest:.3f} at the end). % optimal action "
        f"ends at **{percent(answers.late(narrow))}**, against "
        f"**{percent(answers.late(usual))}** with σ₀ = 1."
    )


def optimistic_answer() -> str:
    optimistic = answers.run(ThompsonSampling(prior_mean=5.0, prior_sd=prior_sd), testbed)
    greedy = answers.run(Greedy(initial=5.0, step_size=0.1), testbed)
    return (
        f"With μ₀ = 5 every arm looks excellent until pulled, so each is tried early, like "
        f"optimistic initial values. Thompson sampling with μ₀ = 5 ends at "
        f"**{percent(answers.late(optimistic))}** optimal action; optimistic greedy (Q₁ = 5, "
        f"α = 0.1) at **{percent(answers.late(greedy))}**."
    )


def narrowing_answer() -> str:
    trace = answers.run(ThompsonSampling(prior_mean=prior_mean, prior_sd=prior_sd), testbed).trace
    step = min(30, testbed.steps)
    counts = trace.counts[step - 1]
    sd = trace.details["posterior_sd"][step - 1]
    most = int(counts.argmax())
    return (
        f"After {step} steps of run 1, arm {most + 1} has been pulled most ({int(counts[most])} "
        f"times) and its belief sd is down to **{sd[most]:.2f}**, while the least-pulled arm "
        f"({int(counts.min())} pulls) still has **{sd.max():.2f}**: sd = 1/√(1/σ₀² + N)."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set σ₀ to 0.1: how does the belief chart in *Inside one run* change, and what "
            "happens to % optimal action?",
            confident_answer,
        ),
        course.TryThis(
            "Set μ₀ to 5: an optimistic prior. Compare it with optimistic initial values on the "
            "greedy page.",
            optimistic_answer,
        ),
        course.TryThis(
            "Step through the first 30 steps of one run and watch the pulled arms' beliefs narrow.",
            narrowing_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "Where does Thompson sampling's exploration come from?",
            (
                "Arms with wide beliefs sometimes draw high samples",
                "A fixed chance ε of a random pull",
                "An explicit bonus for rarely pulled arms",
            ),
            0,
            (
                "Right: uncertainty itself drives exploration, and fades as beliefs narrow.",
                "That is ε-greedy.",
                "That is UCB; Thompson sampling adds no bonus.",
            ),
        ),
        course.Question(
            "With the prior N(0, 1), what is an arm's belief standard deviation after n pulls?",
            ("1/√(1 + n)", "1/n", "It stays 1"),
            0,
            (
                "Right: each pull adds 1 to the precision 1/σ², which starts at 1/σ₀² = 1.",
                "Precision grows by 1 per pull, so the sd shrinks like 1/√n, not 1/n.",
                "Every reward narrows the belief of the arm it came from.",
            ),
        ),
        course.Question(
            "'Each arm is pulled with the probability that it is the best arm.' When is that "
            "exactly true?",
            (
                "Under the agent's own model of the rewards and its prior",
                "Always, whatever the bandit",
                "Only after the beliefs have converged",
            ),
            0,
            (
                "Right: it is the probability according to the agent's beliefs, which are only "
                "as good as its model and prior.",
                "If the model or prior is wrong, the agent's probabilities are wrong too.",
                "It holds at every step, given the beliefs of that step.",
            ),
        ),
    ],
)
