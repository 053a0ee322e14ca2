"""Strategy 3: greedy, but with probability epsilon pull a random arm."""

import numpy as np
import streamlit as st

from core.bandit import EpsilonGreedy
from ui import answers, course, routing, runners, sections
from ui.answers import percent
from ui.charts.style import number
from ui.controls import EPSILON_CHOICES, ControlPanel

routing.ensure_router()
PAGE = "epsilon_greedy"
FIGURE_EPSILONS = (0.0, 0.01, 0.1)

st.title("Strategy 3: ε-greedy")
sections.idea(
    "Behave greedily most of the time, but every now and then, with a small probability ε, "
    "pull an arm **at random** instead. Every arm keeps being sampled, so with sample averages "
    "every estimate Q(a) converges to its true value q\\*(a), and the agent ends up picking the "
    "best arm with a probability greater than 1 − ε.",
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

panel = ControlPanel()
testbed = panel.testbed()
panel.header("ε-greedy agents")
epsilons = panel.epsilons()
initial, step_size = panel.update_rule()
panel.finish()

cap = 1 - 0.1 + 0.1 / testbed.arms
st.markdown(
    "The random pull can land on the greedy arm too, so a non-greedy arm is pulled with "
    f"probability ε(k − 1)/k. Once the agent has found the best arm it still explores, so it "
    f"picks the best arm with probability exactly 1 − ε + ε/k: **{cap:.0%}** for ε = 0.1 "
    f"with k = {testbed.arms}. With a constant step size α the estimates never settle: they "
    "keep following the latest rewards, which is what you want when the world changes."
)

if not epsilons:
    st.warning("Pick at least one value of ε in the sidebar to compare.", icon=":material/tune:")
    raise course.PageHalted


def agent(epsilon: float) -> EpsilonGreedy:
    return EpsilonGreedy(epsilon=epsilon, initial=initial, step_size=step_size)


guess = course.predict(
    PAGE,
    course.Prediction(
        "Of ε = 0 (greedy), 0.01 and 0.1, which picks the optimal arm most often by the end?",
        tuple(f"ε = {epsilon:g}" for epsilon in FIGURE_EPSILONS),
    ),
)
if guess.revealed:
    results = sections.run_all(lambda: runners.simulate_all([agent(e) for e in epsilons], testbed))
    slots = tuple(EPSILON_CHOICES.index(e) for e in epsilons)

    def feedback() -> None:
        figure = [answers.run(agent(e), testbed) for e in FIGURE_EPSILONS]
        endings = [answers.late(result) for result in figure]
        course.prediction_feedback(
            guess,
            int(np.argmax(endings)),
            "Over the last 10% of steps: "
            + ", ".join(
                f"ε = {e:g} **{percent(v)}**" for e, v in zip(FIGURE_EPSILONS, endings, strict=True)
            )
            + ". A small ε learns slowly but wastes little once it knows; greedy often never "
            "finds the best arm at all.",
        )

    default_trio = epsilons == list(FIGURE_EPSILONS) and (initial, step_size) == (0.0, None)
    sections.results_over_runs(
        results,
        slots=slots,
        feedback=feedback,
        note="With ε = 0, 0.01 and 0.1 and sample averages this is Figure 2.2 of the book."
        if default_trio
        else None,
    )
    sections.inside_one_run(results)
    by_epsilon = dict(zip(epsilons, results, strict=True))
    points = [
        "Exploration pays: "
        + ", ".join(
            f"ε = {e:g} ends at an average reward of {number(answers.late(r, 'mean_reward'))} "
            f"and {percent(answers.late(r))} optimal action"
            for e, r in by_epsilon.items()
        )
        + f" at these settings (the best possible is {number(results[0].best_possible)}).",
        "A small ε learns more slowly but wastes fewer pulls once the best arm is known, so in "
        "the long run it can overtake a larger ε (try 5,000 steps below).",
        "Too much exploration costs too: ε = 0.5 finds the best arm quickly but keeps pulling "
        "random arms half the time.",
        "The best ε depends on the task: noisier rewards need more exploration; deterministic "
        "rewards need less.",
    ]
    sections.takeaways(points)


def greedy_answer() -> str:
    zero = answers.run(agent(0.0), testbed)
    return (
        f"ε = 0 never explores: it *is* the greedy method, and pulls the optimal arm "
        f"**{percent(answers.late(zero))}** of the time at the end, exactly what the greedy page "
        f"shows at the same settings (it stays stuck in {1 - zero.best_arm_found_rate:.0%} of "
        "runs)."
    )


def large_epsilon_answer() -> str:
    lines = []
    for epsilon in (0.5, 1.0):
        result = answers.run(agent(epsilon), testbed)
        cap = 1 - epsilon + epsilon / testbed.arms
        lines.append(
            f"ε = {epsilon:g} levels off at **{percent(answers.late(result))}** optimal action; "
            f"its ceiling is 1 − ε + ε/k = {cap:.0%}"
        )
    return (
        "; ".join(lines)
        + ". Even with perfect estimates, a random pull picks the best arm only 1 time in k, "
        "and ε = 1 is pure random play."
    )


def long_run_answer() -> str:
    steps = 5000
    small, large = (answers.run(agent(e), testbed, steps=steps) for e in (0.01, 0.1))
    by_reward = answers.overtakes_at(small, large, "mean_reward")
    by_optimal = answers.overtakes_at(small, large, "optimal_rate")

    def verdict(step: int | None, metric: str) -> str:
        if step is None:
            return f"not ahead in {metric} by step {steps:,}"
        return f"ahead in {metric} for good from about step **{step:,}**"

    return (
        f"Over {steps:,} steps, ε = 0.01 is {verdict(by_reward, 'average reward')}, and "
        f"{verdict(by_optimal, '% optimal action')} (curves smoothed over "
        f"{answers.SMOOTHING_STEPS} steps). The answer depends on the metric: at the end ε = "
        f"0.01 averages {number(answers.late(small, 'mean_reward'))} reward and "
        f"{percent(answers.late(small))} optimal, ε = 0.1 "
        f"{number(answers.late(large, 'mean_reward'))} and {percent(answers.late(large))}."
    )


def exploring_answer() -> str:
    trace = answers.run(agent(0.1), testbed).trace
    first = min(100, testbed.steps)
    explored = int(np.count_nonzero(trace.exploratory[:first]))
    expected = first * 0.1 * (testbed.arms - 1) / testbed.arms
    return (
        f"In run 1, **{explored}** of the first {first} pulls went to an arm other than the "
        f"greedy one. On average you would expect ε(k − 1)/k × {first} = {expected:.0f}: the "
        "other random pulls land on the greedy arm. (The table under the chart lists only the "
        "first 15 steps; step through with +1 or Play to count the rest.)"
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set ε to 0 alone: what happens to % optimal action? Compare with the greedy page.",
            greedy_answer,
        ),
        course.TryThis(
            "Add ε = 0.5 and ε = 1: where does % optimal action level off, and why?",
            large_epsilon_answer,
        ),
        course.TryThis(
            "Increase **Steps per run** to 5000: does ε = 0.01 overtake ε = 0.1?",
            long_run_answer,
        ),
        course.TryThis(
            "In *Inside one run*, follow ε = 0.1: how many of the first 100 pulls explore?",
            exploring_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "With ε = 0.1 and k = 10 arms, once the agent knows the best arm, how often does it "
            "pull it?",
            ("90% of the time", "91% of the time", "100% of the time"),
            1,
            (
                "Close, but a random pull can land on the best arm too.",
                "1 − ε + ε/k = 0.9 + 0.01: the greedy pulls plus the random pulls that happen "
                "to hit it.",
                "It keeps pulling random arms 10% of the time forever.",
            ),
        ),
        course.Question(
            "On the stationary testbed, which ε earns most over a very long run (say 10,000 "
            "steps)?",
            ("ε = 0.1", "ε = 0.01", "ε = 0"),
            1,
            (
                "It finds the best arm fastest but keeps wasting 9% of its pulls forever.",
                "It learns slowly, but once it knows the best arm it wastes less than 1% of its "
                "pulls, so it ends up ahead, as the book notes.",
                "Greedy often never finds the best arm at all.",
            ),
        ),
        course.Question(
            "With a constant step size α = 0.1 instead of sample averages, do the estimates "
            "converge to q*(a)?",
            (
                "Yes, exactly",
                "No: they keep following the latest rewards and fluctuate around q*(a)",
                "Only for ε = 0",
            ),
            1,
            (
                "Only sample averages (α = 1/n) converge; a constant α weighs recent rewards "
                "more forever.",
                "Right, and that is what lets them track a world that drifts.",
                "ε changes which arms are sampled, not how an estimate averages its rewards.",
            ),
        ),
    ],
)
