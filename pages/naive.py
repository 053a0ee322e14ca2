"""Strategy 1: pull arms uniformly at random. Pure exploration; the baseline."""

import streamlit as st

from core.bandit import Naive
from ui import answers, course, routing, runners, sections
from ui.answers import percent
from ui.charts.style import number
from ui.controls import ControlPanel

routing.ensure_router()
PAGE = "naive"

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
sections.reward_index_note()
st.markdown(
    "Why does it earn **about 0**? Each pull lands on an average arm, so its expected reward is "
    "the mean of the true values, and on the testbed those are drawn from N(0, 1). It pulls "
    "the best arm **1 time in k** on average, at step 1 as at step 1000: nothing it learns "
    "changes what it does."
)

panel = ControlPanel()
testbed = panel.testbed()
panel.finish()

guess = course.predict(
    PAGE,
    course.Prediction(
        "Where will the naive agent's average reward be after many steps?",
        (
            "Near the mean of the true values (about 0)",
            "Halfway between that and the best possible",
            "Close to the best possible",
        ),
    ),
)
if guess.revealed:
    results = sections.run_all(lambda: [runners.simulate(Naive(), testbed)])
    result = results[0]
    random_play, best = float(result.q_true.mean()), result.best_possible
    ending = answers.late(result, "mean_reward")
    share = (ending - random_play) / (best - random_play)

    def feedback() -> None:
        course.prediction_feedback(
            guess,
            answers.level_off_bucket(share, (1 / 3, 2 / 3)),
            f"Over the last 10% of steps it averages **{number(ending)}**: the mean of q\\* is "
            f"{number(random_play)} and the best possible {number(best)}. It picks the best arm "
            f"{percent(answers.late(result))} of the time, against 1/k = {1 / result.arms:.0%}.",
        )

    sections.results_over_runs(results, feedback=feedback)
    sections.inside_one_run(results)
    st.markdown(
        "Look at the estimates after a few hundred steps: they sit close to the black ticks of "
        "the true values for **every** arm. The naive agent ends up knowing the most about the "
        "bandit, yet earns the least, because it never uses what it knows."
    )
    sections.takeaways(
        [
            f"Random play's average reward is the mean of q\\*, {number(random_play)} at these "
            "settings, and it never improves.",
            "It finds the best arm 1/k of the time: 10% with 10 arms, 5% with 20.",
            "Exploration alone gathers knowledge but earns nothing from it; the next strategies "
            "use the tally to choose.",
        ]
    )


def arms_answer() -> str:
    two, twenty = (answers.run(Naive(), testbed, arms=k) for k in (2, 20))
    return (
        f"With 2 arms it picks the best arm **{percent(answers.late(two))}** of the time and "
        f"the best possible reward is **{number(two.best_possible)}**; with 20 arms "
        f"**{percent(answers.late(twenty))}** and **{number(twenty.best_possible)}**. More arms "
        "make a random pick less likely to be the best, while the best of more draws from "
        "N(0, 1) is higher, so the gap random play leaves grows."
    )


def runs_answer() -> str:
    few = answers.run(Naive(), testbed, runs=100)
    many = answers.run(Naive(), testbed)
    return (
        f"Each point of the curve averages one reward per run. With 100 runs the per-step "
        f"curve swings with a standard deviation of **{few.mean_reward.std():.3f}**, against "
        f"**{many.mean_reward.std():.3f}** with {many.runs:,} runs (noise shrinks like "
        f"1/√runs). Its average over all steps stays near 0: **{number(few.mean_reward.mean())}** "
        f"against {number(many.mean_reward.mean())}."
    )


def seed_answer() -> str:
    this = answers.run(Naive(), testbed)
    other = answers.run(Naive(), testbed, seed=testbed.seed + 1)

    def first_pulls(result) -> str:
        return ", ".join(str(arm + 1) for arm in result.trace.actions[:5])

    return (
        f"Seed {testbed.seed} and seed {testbed.seed + 1} average "
        f"**{number(this.mean_reward.mean(), 3)}** and **{number(other.mean_reward.mean(), 3)}** "
        f"over all steps, while run 1 starts by pulling arms {first_pulls(this)} with one seed "
        f"and {first_pulls(other)} with the other. One run is at the mercy of chance; an "
        "average over many runs hardly is."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set **Arms** to 2 and then to 20: how do % optimal action and the best possible "
            "reward change?",
            arms_answer,
        ),
        course.TryThis(
            "Lower **Runs** to 100: the curve gets noisier but its average stays near 0. Why?",
            runs_answer,
        ),
        course.TryThis(
            "Change the **seed**: the individual run changes, the averages hardly do.",
            seed_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "With k = 10 arms, how often does naive random play pull the best arm at step 1000?",
            ("About 10%", "About 50%", "Almost always, it has learned by then"),
            0,
            (
                "Each pull is a uniform pick among k arms, at step 1000 as at step 1: 1/k.",
                "That would be 1/k with only 2 arms.",
                "It learns the values but never uses them to choose.",
            ),
        ),
        course.Question(
            "After 1000 steps, whose table of estimates is closest to the true values for every "
            "arm: the naive agent's or a greedy agent's?",
            ("The naive agent's", "The greedy agent's", "Both are equally good"),
            0,
            (
                "It pulls every arm about 100 times, so every estimate is an average of many "
                "rewards. Knowing is not earning, though.",
                "Greedy estimates only the arms it keeps pulling; the others stay at their first "
                "guess.",
                "Greedy leaves most arms barely sampled, so its table is far worse off the arm it "
                "exploits.",
            ),
        ),
        course.Question(
            "Why does naive random play average about 0 reward on the testbed?",
            (
                "Its expected reward is the mean of the q*(a), and those are drawn around 0",
                "Random rewards always average to 0",
                "It keeps losing what it earned",
            ),
            0,
            (
                "Right: shift the true values to N(4, 1) and random play would average about 4.",
                "Rewards average to the pulled arm's q*(a), which is not 0 in general.",
                "Rewards are simply added up; nothing is lost.",
            ),
        ),
    ],
)
