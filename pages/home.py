"""Welcome: the reinforcement learning loop, the 10-armed bandit, and where to go next."""

import streamlit as st

from ui import routing, sections
from ui.controls import ControlPanel

routing.ensure_router()
ControlPanel().finish()

st.title("Exploration vs exploitation")
st.markdown(
    "An interactive companion to chapter 2 of Sutton & Barto's *Reinforcement Learning: An "
    "Introduction*. Move the sliders, watch the curves change, and see for yourself why an "
    "agent that never explores can get stuck, and how a little exploration pays off."
)

st.header("The reinforcement learning loop")
left, right = st.columns([3, 2])
with left:
    st.markdown(
        """
Reinforcement learning is learning **what to do** from **trial and error**, with no teacher
giving the right answers. Two parts interact, one step at a time:

- The **agent** is the learner and decision maker.
- The **environment** is everything outside the agent.
- At each step the agent sees the environment's **state**, picks an **action**, and the
  environment answers with a **reward** (a number) and a new state.

The agent's **goal** is to maximize the **total reward** it collects over time, not the reward
of the next step alone. Because nobody tells it which action is best, it has to find out by
trying actions and remembering what they paid.
"""
    )
with right:
    st.graphviz_chart(
        """
digraph loop {
  rankdir=LR; bgcolor="transparent";
  node [shape=box, style="rounded,filled", fillcolor="#eef2ff", fontname="sans-serif", fontsize=18];
  edge [fontname="sans-serif", fontsize=16];
  Agent -> Environment [label="action Aₜ"];
  Environment -> Agent [label="reward Rₜ₊₁, state Sₜ₊₁"];
}
""",
        width="stretch",
    )

st.header("The 10-armed bandit")
st.markdown(
    """
Picture a slot machine with **k = 10 levers** (arms). Each pull of arm *a* pays a random reward
whose average, the arm's **true value q\\*(a)**, is hidden from you. There is only one state, so
the whole problem is: *which arm should I pull next?* You have 1000 pulls; collect as much
reward as you can.
"""
)
st.latex(r"q_*(a) = \mathbb{E}[R_t \mid A_t = a]")
st.latex(r"R_t \sim \mathcal{N}(q_*(A_t), 1)")
st.markdown(
    """
The agent keeps an **estimate Q(a)** of each arm's value, for example the average reward that
arm has paid so far (a tally of counts and average rewards: the *Q-action table*). This creates
the central dilemma:

- **Exploit**: pull the arm that looks best now (the *greedy* action) to collect reward today.
- **Explore**: pull another arm to improve its estimate, which may find a better arm for later.

You can't do both with one pull. The pages below try four answers on Sutton & Barto's
*10-armed testbed*: 2000 different bandit problems, each with true values drawn from a normal
distribution N(0, 1), played for 1000 steps each; the curves show the average over all of them.
"""
)

st.header("The strategies")
sections.page_links(
    [
        (
            "pages/naive.py",
            "1. Naive random",
            ":material/shuffle:",
            "Pull arms at random: all exploration, no exploitation. The baseline.",
        ),
        (
            "pages/greedy.py",
            "2. Greedy",
            ":material/trending_up:",
            "Always pull the best-looking arm, and see how often it gets stuck.",
        ),
        (
            "pages/epsilon_greedy.py",
            "3. ε-greedy",
            ":material/alt_route:",
            "Greedy, but explore at random a fraction ε of the time (the book's Figure 2.2).",
        ),
        (
            "pages/decaying_epsilon.py",
            "4. Decaying ε",
            ":material/trending_down:",
            "Explore a lot early, then less and less as the estimates improve.",
        ),
    ]
)

st.header("Beyond ε")
sections.page_links(
    [
        (
            "pages/ucb.py",
            "Upper confidence bound",
            ":material/expand_less:",
            "Explore the arms whose value is still most uncertain (Figure 2.4).",
        ),
        (
            "pages/gradient.py",
            "Gradient bandit",
            ":material/tune:",
            "Learn preferences instead of values; why a baseline matters (Figure 2.5).",
        ),
        (
            "pages/thompson.py",
            "Thompson sampling",
            ":material/psychology:",
            "Keep a belief about every arm and watch it narrow as you pull.",
        ),
    ]
)

st.header("Explore")
sections.page_links(
    [
        (
            "pages/lab.py",
            "Comparison lab",
            ":material/science:",
            "Any strategies side by side; one-click presets for Figures 2.2 to 2.5 and a "
            "drifting world.",
        ),
        (
            "pages/study.py",
            "Parameter study",
            ":material/query_stats:",
            "Figure 2.6: how each method's reward depends on its parameter.",
        ),
        (
            "pages/play.py",
            "Be the agent",
            ":material/sports_esports:",
            "Play a hidden bandit yourself, then meet the agents on the same one.",
        ),
    ]
)

st.header("Deep reinforcement learning")
st.markdown(
    "A bandit has one state. Most problems have many, and the agent's actions change which "
    "state comes next. The last page takes the same ideas (value estimates, ε-greedy "
    "exploration, learning from rewards) to a problem with a continuous state."
)
sections.page_links(
    [
        (
            "pages/dqn.py",
            "Deep Q-Network",
            ":material/neurology:",
            "Train a neural network to balance a pole on a cart, live, and see why experience "
            "replay and a target network matter.",
        ),
    ]
)

st.header("How to use this app")
st.markdown(
    """
- Every strategy page reads top to bottom: the idea and its rule, results averaged over many
  runs, a step-by-step look inside one run, and things to try.
- Controls live in the **sidebar** (on a phone, open it with the arrow at the top left).
- Settings are kept in the page's address: copy the link to share exactly what you see.
  Testbed settings (arms, steps, runs, seed) follow you from page to page, so strategies are
  compared on the same problems.
- The same **seed** gives every strategy the same bandit problems and the same reward noise, so
  the differences you see come from the strategies alone.
"""
)
