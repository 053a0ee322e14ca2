"""Upper-confidence-bound action selection: explore the arms you are least sure about."""

import streamlit as st

from core.bandit import UCB, EpsilonGreedy
from ui import routing, runners, sections
from ui.controls import ControlPanel

routing.ensure_router()

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
results = sections.run_all(lambda: [runners.simulate(s, testbed) for s in strategies])
sections.results_over_runs(
    results, note="With the defaults (c = 2 against ε = 0.1) this is Figure 2.4 of the book."
)
sections.inside_one_run(results)
sections.takeaways(
    [
        "UCB (c = 2) beats ε-greedy (ε = 0.1) after the first k steps: it spends its "
        "exploration on arms that might still be best, not on arms it knows are poor.",
        "The spike at step 11: the first 10 steps try every arm once, so at step 11 all bonuses "
        "are equal and UCB pulls the arm with the best single reward, often the best arm. At "
        "step 12 that arm's bonus has shrunk, so UCB tries others again and the curve dips.",
        "UCB is harder to carry beyond bandits than ε-greedy: it has no easy answer for "
        "nonstationary problems or for very many states, as the book notes.",
    ],
    [
        "Set c to 0: after one pull of each arm it is greedy. How does it compare with plain "
        "greedy on the greedy page?",
        "Set c to 5: where does % optimal action level off, and why so slowly?",
        "In *Inside one run*, step from 10 to 12 and watch the orange ticks: which arm has the "
        "highest upper bound, and why does it change?",
    ],
)
