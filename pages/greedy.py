"""Strategy 2: always pull the arm with the highest estimate. Pure exploitation."""

import streamlit as st

from core.bandit import EpsilonGreedy, Greedy
from ui import answers, course, routing, runners, sections
from ui.answers import percent
from ui.charts.style import number
from ui.controls import ControlPanel

routing.ensure_router()
PAGE = "greedy"

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
LEVELS = ("About 10%, like random play", "About a third", "About two thirds", "Nearly 100%")
guess = course.predict(
    PAGE,
    course.Prediction(
        "In what share of runs will the greedy agent be pulling the optimal arm at the end?",
        LEVELS,
    ),
)
if guess.revealed:
    results = sections.run_all(lambda: runners.simulate_all(strategies, testbed))
    plain = results[0]
    result = results[-1]

    def feedback() -> None:
        ending = answers.late(plain)
        course.prediction_feedback(
            guess,
            answers.level_off_bucket(ending, (0.2, 0.5, 0.85)),
            f"Plain greedy pulls the optimal arm in **{percent(ending)}** of runs over the last "
            f"10% of steps: it locks onto a worse arm in {1 - plain.best_arm_found_rate:.0%} of "
            f"runs, and {plain.never_tried_best_rate:.0%} of runs never pull the best arm at all.",
        )
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

    sections.results_over_runs(results, feedback=feedback)
    sections.inside_one_run(results)
    sections.takeaways(
        [
            f"Greedy learns fast at first, then levels off at an average reward of "
            f"{number(answers.late(plain, 'mean_reward'))}, well below the best possible "
            f"{number(plain.best_possible)}: it finds the best arm in only "
            f"{plain.best_arm_found_rate:.0%} of runs.",
            "It gets stuck because it only improves the estimates of arms it pulls: an arm that "
            "looked bad once is never tried again.",
            "**Optimistic initial values** (for example Q₁ = 5 with a constant step size "
            "α = 0.1) make greedy try every arm early, since each reward disappoints it. This "
            "helps on a stationary problem but is a one-off push: it explores only at the start.",
        ]
    )

OPTIMISTIC = Greedy(initial=5.0, step_size=0.1)
REALISTIC = EpsilonGreedy(epsilon=0.1, step_size=0.1)


def optimistic_answer() -> str:
    optimistic = answers.run(OPTIMISTIC, testbed)
    plain = answers.run(Greedy(), testbed)
    realistic = answers.run(REALISTIC, testbed)
    overtakes = answers.overtakes_at(optimistic, realistic, "optimal_rate")
    when = (
        f"overtaking it for good at about step **{overtakes:,}**"
        if overtakes
        else "without overtaking it by the end"
    )
    spike = optimistic.optimal_rate[testbed.arms]
    return (
        f"Optimistic greedy ends at **{percent(answers.late(optimistic))}** optimal action, "
        f"against **{percent(answers.late(plain))}** for plain greedy. The book's Figure 2.3 "
        f"compares it with *realistic ε-greedy* (Q₁ = 0, ε = 0.1, α = 0.1): that one ends at "
        f"**{percent(answers.late(realistic))}**, and optimistic greedy starts slower, {when}. "
        f"Notice the early spike: at step {testbed.arms + 1} (after one pull of each arm), "
        f"{percent(spike)} of runs pull the optimal arm."
    )


def first_pulls_answer() -> str:
    trace = answers.run(OPTIMISTIC, testbed).trace
    first = trace.actions[: testbed.arms] + 1
    distinct = len(set(first.tolist()))
    return (
        f"In run 1 with Q₁ = 5 and α = 0.1, the first {testbed.arms} pulls are arms "
        f"{', '.join(map(str, first))}: **{distinct} different arms**. Each pull drags that "
        "arm's estimate from 5 toward a reward near 0, so an untried arm, still at 5, always "
        "looks better, until every arm has been tried."
    )


def pessimistic_answer() -> str:
    pessimistic = answers.run(Greedy(initial=-2.0), testbed)
    plain = answers.run(Greedy(), testbed)
    return (
        f"With Q₁ = −2, **{pessimistic.never_tried_best_rate:.0%}** of runs never pull the best "
        f"arm, against {plain.never_tried_best_rate:.0%} with Q₁ = 0. Any first reward beats "
        "an untried arm's −2, so the agent sticks with its first arm unless that arm's average "
        "sinks below −2."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set **Initial estimate Q₁** to 5, turn on **Constant step size α** (0.1): compare "
            "% optimal action with the plain greedy curve. How does it fare against the book's "
            "Figure 2.3 rival?",
            optimistic_answer,
        ),
        course.TryThis(
            "In *Inside one run*, step through the first 10 steps with Q₁ = 5: is every arm "
            "tried once before any repeats?",
            first_pulls_answer,
        ),
        course.TryThis(
            "Set Q₁ to −2 (pessimistic): how many runs never try the best arm now?",
            pessimistic_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "Why can a greedy agent stay stuck on a worse arm for the whole run?",
            (
                "It only updates the estimates of arms it pulls, so an arm that looked bad "
                "early is never tried again",
                "Its estimates get worse the more it pulls",
                "The best arm's rewards are hidden from it",
            ),
            0,
            (
                "Right: a poor first impression is never corrected, because correcting it would "
                "take a pull the greedy agent never makes.",
                "The estimates of the arms it pulls get better, not worse.",
                "Every arm's rewards are visible once pulled; greedy just never pulls it.",
            ),
        ),
        course.Question(
            "All estimates start at 0. The first pull, arm 4, pays +0.5. What does greedy pull "
            "next?",
            ("Arm 4 again", "A random untried arm", "The arm with the highest true value"),
            0,
            (
                "0.5 beats every untried arm's 0, so greedy keeps pulling arm 4 while its "
                "average stays above 0.",
                "Only a tie would be broken at random; 0.5 is a strict maximum.",
                "The agent never sees true values, only rewards.",
            ),
        ),
        course.Question(
            "What do optimistic initial values (Q₁ = 5) do for a greedy agent?",
            (
                "Every reward disappoints, so it tries every arm early on",
                "They make it keep exploring for the whole run",
                "They make it prefer the first arm it pulls",
            ),
            0,
            (
                "Right, and that early exploration is often enough on a stationary problem.",
                "Once the estimates have fallen to realistic values the push is over: it "
                "explores only at the start, so it cannot follow a world that changes.",
                "The opposite: the first arm's estimate falls below the untried arms' 5.",
            ),
        ),
    ],
)
