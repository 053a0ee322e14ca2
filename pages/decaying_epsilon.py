"""Strategy 4: epsilon-greedy whose epsilon shrinks as the agent learns."""

import streamlit as st

from core.bandit import SCHEDULES, DecayingEpsilon, EpsilonGreedy, Greedy
from ui import answers, course, routing, runners, sections
from ui.answers import percent
from ui.charts.style import number
from ui.controls import ControlPanel

SCHEDULE_HELP = {
    "exponential": "ε's excess over its floor halves every *half-life* steps.",
    "linear": "ε falls in a straight line to its floor over the *decay steps*, then stays.",
    "inverse": "ε's excess shrinks like 1/t: it halves at t = half-life, thirds at twice that.",
}

routing.ensure_router()
PAGE = "decaying_epsilon"

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
SAME = "About the same (within 1%)"
guess = course.predict(
    PAGE,
    course.Prediction(
        "Over the whole run, does the decaying ε (as set in the sidebar) collect more *total* "
        "reward than fixed ε = 0.1?",
        ("Yes, the decaying ε collects more", SAME, "No, fixed ε = 0.1 collects more"),
    ),
)
if guess.revealed:
    results = sections.run_all(lambda: runners.simulate_all([fixed, decaying], testbed))
    fixed_result, decaying_result = results
    fixed_total = float(fixed_result.mean_reward.sum())
    decaying_total = float(decaying_result.mean_reward.sum())

    def feedback() -> None:
        ratio = decaying_total / fixed_total if fixed_total else 1.0
        actual = 1 if abs(ratio - 1) <= 0.01 else (0 if decaying_total > fixed_total else 2)
        overtakes = answers.overtakes_at(decaying_result, fixed_result, "mean_reward")
        when = (
            f"Per step, the decaying ε is ahead for good from about step {overtakes:,}."
            if overtakes
            else "Per step, it is not ahead of fixed ε = 0.1 at the end."
        )
        course.prediction_feedback(
            guess,
            actual,
            f"Total reward per run: decaying ε **{decaying_total:,.0f}**, fixed ε = 0.1 "
            f"**{fixed_total:,.0f}**. {when} Early on it pays for exploring almost at random.",
        )

    sections.results_over_runs(
        results, show_epsilon=True, feedback=feedback, note="Fixed ε = 0.1 is drawn for comparison."
    )
    sections.inside_one_run(results)
    sections.takeaways(
        [
            f"At these settings the decaying ε ends at "
            f"{percent(answers.late(decaying_result))} optimal action against "
            f"{percent(answers.late(fixed_result))} for fixed ε = 0.1: once it stops wasting "
            "pulls on arms it already knows are worse, it can pass a fixed ε.",
            "Decay too fast and it behaves like greedy and can lock onto a poor arm; decay too "
            "slowly and it behaves like random play for too long.",
            "A floor above 0 keeps a little exploration forever, a safety net if the world "
            "changes. In a nonstationary problem a schedule that has decayed cannot notice "
            "change.",
        ]
    )


def variant(**changes: object) -> DecayingEpsilon:
    values = {
        "start": start,
        "end": end,
        "schedule": schedule,
        "half_life": float(half_life),
        "decay_steps": int(decay_steps),
        "initial": initial,
        "step_size": step_size,
    }
    return DecayingEpsilon(**(values | changes))


def fast_answer() -> str:
    quick_strategy = variant(schedule="exponential", half_life=5.0)
    quick = answers.run(quick_strategy, testbed)
    quick_epsilon = quick_strategy.epsilon_schedule(testbed.steps)
    greedy = answers.run(Greedy(initial=initial, step_size=step_size), testbed)
    return (
        f"With a half-life of 5 steps, ε is down to {quick_epsilon[min(50, testbed.steps - 1)]:.3f}"
        f" by step 50, so the agent is almost greedy: it ends at "
        f"**{percent(answers.late(quick))}** optimal action, against "
        f"**{percent(answers.late(greedy))}** for pure greedy and "
        f"{percent(answers.late(answers.run(fixed, testbed)))} for fixed ε = 0.1. (Your floor "
        f"of {end:g} keeps it from being exactly greedy.)"
    )


def slow_answer() -> str:
    slow = answers.run(variant(schedule="exponential", half_life=2000.0), testbed)
    last = variant(schedule="exponential", half_life=2000.0).epsilon_schedule(testbed.steps)[-1]
    return (
        f"With a half-life of 2000 steps, ε is still **{last:.2f}** at step {testbed.steps:,}: "
        f"the agent pulls a random arm most of the time, so its curve stays close to random "
        f"play's. It ends at {number(answers.late(slow, 'mean_reward'))} average reward and "
        f"{percent(answers.late(slow))} optimal action."
    )


def linear_answer() -> str:
    linear_strategy = variant(schedule="linear", decay_steps=1000)
    linear = answers.run(linear_strategy, testbed)
    fixed_result = answers.run(fixed, testbed)
    overtakes = answers.overtakes_at(linear, fixed_result, "mean_reward")
    if overtakes is None:
        return (
            f"Within {testbed.steps:,} steps it does not get ahead of fixed ε = 0.1 in average "
            "reward: the linear ramp keeps exploring heavily for too long. Try more steps."
        )
    return (
        f"It is ahead of fixed ε = 0.1 in average reward for good from about step "
        f"**{overtakes:,}** (curves smoothed over {answers.SMOOTHING_STEPS} steps), when its ε "
        f"has fallen to about {linear_strategy.epsilon_schedule(testbed.steps)[overtakes - 1]:.2f}."
    )


def floor_answer() -> str:
    zero = answers.run(variant(end=0.0), testbed)
    tenth = answers.run(variant(end=0.1), testbed)
    return (
        f"With a floor of 0 it ends at **{percent(answers.late(zero))}** optimal action, with a "
        f"floor of 0.1 at **{percent(answers.late(tenth))}**. A floor of 0.1 keeps pulling "
        "random arms 10% of the time forever, which caps % optimal action; a floor of 0 stops "
        "exploring once ε has decayed, which costs only if the estimates are still wrong."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set the half-life to 5: how close to the greedy curve does it get?", fast_answer
        ),
        course.TryThis(
            "Set the half-life to 2000: what do the first 1000 steps look like?", slow_answer
        ),
        course.TryThis(
            "Switch to **linear** with decay steps 1000: when does it overtake fixed ε = 0.1?",
            linear_answer,
        ),
        course.TryThis(
            "Set the floor to 0 and compare the last steps of % optimal action with a floor of "
            "0.1.",
            floor_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "Why decay ε instead of keeping it fixed?",
            (
                "Early on the estimates are poor, so exploring is useful; later most random "
                "pulls are wasted",
                "A smaller ε always finds the best arm faster",
                "ε must reach 0 for the estimates to converge",
            ),
            0,
            (
                "Right: explore while you know little, exploit once you know more.",
                "A smaller ε finds the best arm more slowly; it just wastes less once it has.",
                "Sample averages converge as long as every arm keeps being tried; ε does not "
                "need to reach 0.",
            ),
        ),
        course.Question(
            "What happens if ε decays too fast?",
            (
                "The agent behaves like greedy and may lock onto a poor arm",
                "The agent behaves like random play",
                "Nothing: the schedule does not matter",
            ),
            0,
            (
                "Right: with too little early exploration it settles before it knows enough.",
                "That is what a schedule that decays too slowly does.",
                "Try a half-life of 5 and of 2000: the curves differ a lot.",
            ),
        ),
        course.Question(
            "The true values drift over time. What is the risk of a schedule that has decayed "
            "to ε = 0?",
            (
                "It can no longer notice that the best arm has changed",
                "It explores too much",
                "Its estimates reset to 0",
            ),
            0,
            (
                "Right: without exploration, arms it stopped pulling are never re-checked.",
                "The opposite: it no longer explores at all.",
                "Estimates are never reset; they just stop being updated for arms not pulled.",
            ),
        ),
    ],
)
