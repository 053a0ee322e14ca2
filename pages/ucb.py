"""Upper-confidence-bound action selection: explore the arms you are least sure about."""

import numpy as np
import streamlit as st

from core.bandit import UCB, EpsilonGreedy, Greedy
from ui import answers, course, routing, runners, sections
from ui.answers import percent
from ui.charts.style import number
from ui.controls import ControlPanel

routing.ensure_router()
PAGE = "ucb"

st.title("Upper confidence bound (UCB)")
sections.idea(
    "ε-greedy explores blindly: a random pull is as likely to hit an arm it already knows is "
    "poor as one it has barely tried. UCB explores **on purpose**: it adds to each estimate a "
    "bonus that is large when the arm has been pulled rarely, and pulls the arm whose "
    "optimistic *upper bound* on its value is highest.",
    r"A_t = \operatorname*{argmax}_a \left[ Q_t(a) + c \sqrt{\frac{\ln t}{N_t(a)}} \right]",
    [
        "Pull every arm once (an arm never pulled counts as the best choice).",
        "For each arm, add to its average reward Q(a) a bonus c·√(ln t / N(a)): large for arms "
        "pulled rarely, shrinking each time the arm is pulled, and growing slowly with time t "
        "for arms left alone.",
        "Pull the arm with the highest total, then update its average as before.",
    ],
)
st.markdown(
    "The square root measures how uncertain the estimate of Q(a) still is; c sets how wide a "
    "confidence band to trust. Every arm keeps getting pulled eventually, because ln t keeps "
    "growing, but an arm whose estimate is low *and* well known is pulled ever less often."
)

panel = ControlPanel()
testbed = panel.testbed()
panel.header("UCB agent")
c = panel.slider(
    "Confidence level c",
    "c",
    min_value=0.0,
    max_value=5.0,
    value=2.0,
    step=0.1,
    help="Weight of the uncertainty bonus. c = 0 is greedy after the first k pulls.",
)
epsilon = panel.epsilon(key="compare_epsilon", value=0.1)
panel.finish()

strategies = [EpsilonGreedy(epsilon=epsilon), UCB(c=c)]
LEVEL = "They end level (within 0.02)"
guess = course.predict(
    PAGE,
    course.Prediction(
        "Over the last 10% of steps, which earns the higher average reward: UCB with the c in "
        "the sidebar, or ε-greedy with the ε in the sidebar?",
        ("UCB", "ε-greedy", LEVEL),
    ),
)
if guess.revealed:
    results = sections.run_all(lambda: runners.simulate_all(strategies, testbed))
    greedy_result, ucb_result = results
    spike_step = testbed.arms + 1

    def feedback() -> None:
        ucb_end = answers.late(ucb_result, "mean_reward")
        eps_end = answers.late(greedy_result, "mean_reward")
        actual = 2 if abs(ucb_end - eps_end) <= 0.02 else (0 if ucb_end > eps_end else 1)
        course.prediction_feedback(
            guess,
            actual,
            f"{ucb_result.strategy.label} ends at **{number(ucb_end)}**, "
            f"{greedy_result.strategy.label} at **{number(eps_end)}**.",
        )

    default_pair = (c, epsilon) == (2.0, 0.1)
    sections.results_over_runs(
        results,
        feedback=feedback,
        note="With c = 2 against ε = 0.1 this is Figure 2.4 of the book." if default_pair else None,
    )
    sections.inside_one_run(results)
    reward = ucb_result.mean_reward
    window = slice(max(0, spike_step - 3), min(len(reward), spike_step + 2))
    sections.takeaways(
        [
            f"UCB spends its exploration on arms that might still be best, not on arms it knows "
            f"are poor: at these settings it ends at {percent(answers.late(ucb_result))} optimal "
            f"action against {percent(answers.late(greedy_result))} for ε-greedy.",
            f"The spike at step k + 1 = {spike_step}: the first {testbed.arms} steps try every "
            f"arm once, so at step {spike_step} all bonuses are equal and UCB pulls the arm with "
            "the best single reward, often the best arm. Then that arm's bonus has shrunk, so "
            "UCB tries others again and the curve dips. Average reward around it: "
            + ", ".join(
                f"step {t + 1}: {number(reward[t])}" for t in range(window.start, window.stop)
            )
            + ".",
            "UCB is harder to carry beyond bandits than ε-greedy: it has no easy answer for "
            "nonstationary problems or for very many states, as the book notes.",
        ]
    )


def zero_answer() -> str:
    zero = answers.run(UCB(c=0.0), testbed)
    greedy = answers.run(Greedy(), testbed)
    return (
        f"UCB with c = 0 tries every arm once (untried arms come first), then is greedy. It "
        f"ends at **{percent(answers.late(zero))}** optimal action against "
        f"**{percent(answers.late(greedy))}** for plain greedy: one pull of every arm already "
        "avoids some of greedy's worst lock-ins, but one noisy reward per arm is not enough."
    )


def large_c_answer() -> str:
    wide = answers.run(UCB(c=5.0), testbed)
    usual = answers.run(UCB(c=2.0), testbed)
    return (
        f"With c = 5 UCB ends at **{percent(answers.late(wide))}** optimal action (c = 2: "
        f"{percent(answers.late(usual))}) and is still climbing: the bonus is so large that "
        "arms it already knows are worse keep winning the comparison, so it explores for far "
        "longer before the estimates dominate."
    )


def spike_answer() -> str:
    trace = answers.run(UCB(c=c), testbed).trace
    if testbed.steps < testbed.arms + 2:
        return "Raise the steps per run above k + 1 to see the step after every arm was tried."
    k = testbed.arms
    at_spike, after = int(trace.actions[k]) + 1, int(trace.actions[k + 1]) + 1
    bonus = trace.details["bonus"][k]
    return (
        f"In run 1, steps 1 to {k} try each arm once. At step {k + 1} every arm has N = 1 and "
        f"the same bonus, so UCB pulls the arm with the best single reward, arm **{at_spike}**. "
        f"That pull raises its N to 2, so its bonus drops to {bonus[at_spike - 1]:.2f} while the "
        f"others carry {np.delete(bonus, at_spike - 1).min():.2f} or more, so at step {k + 2} "
        f"UCB pulls arm **{after}**"
        + (" again: its estimate is still far ahead." if after == at_spike else ".")
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set c to 0: after one pull of each arm it is greedy. How does it compare with plain "
            "greedy on the greedy page?",
            zero_answer,
        ),
        course.TryThis(
            "Set c to 5: where does % optimal action level off, and why so slowly?", large_c_answer
        ),
        course.TryThis(
            "In *Inside one run*, step from 10 to 12 and watch the orange ticks: which arm has "
            "the highest upper bound, and why does it change?",
            spike_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "What does the bonus c·√(ln t / N(a)) measure?",
            (
                "How uncertain the estimate of arm a still is",
                "How much reward arm a paid last time",
                "The probability that arm a is the best",
            ),
            0,
            (
                "Right: few pulls (small N) mean a large bonus; c sets how wide a band to trust.",
                "That is one reward; the bonus does not look at rewards at all.",
                "That is what Thompson sampling acts on; UCB adds an upper bound instead.",
            ),
        ),
        course.Question(
            "Why does UCB pull every arm once before anything else?",
            (
                "An arm never pulled has N = 0, and its upper bound counts as infinite",
                "It picks arms at random at first",
                "Its estimates start optimistic",
            ),
            0,
            (
                "Right: c·√(ln t / 0) is unbounded, so untried arms always win.",
                "UCB is deterministic given the estimates; nothing is random in its choice.",
                "Its estimates start at 0 like greedy's; the bonus does the exploring.",
            ),
        ),
        course.Question(
            "What happens to the bonus of an arm that is left alone?",
            (
                "It grows slowly, because ln t keeps growing, so the arm is tried again one day",
                "It stays the same",
                "It shrinks to 0",
            ),
            0,
            (
                "Right: no arm is ever given up on for good, but poor arms are re-tried ever "
                "more rarely.",
                "t grows at every step, so the bonus of an unpulled arm grows too.",
                "Only pulling an arm shrinks its bonus.",
            ),
        ),
    ],
)
