"""Welcome: the reinforcement learning loop, the 10-armed bandit, and the course ahead."""

import math
from pathlib import Path

import numpy as np
import streamlit as st

from core.bandit import draw_problems
from ui import course, registry, routing, sections
from ui.charts.testbed import reward_distribution_chart
from ui.controls import ControlPanel
from ui.drawing import draw

routing.ensure_router()
ControlPanel().finish()
PROBLEM_KEY = "home_problem"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

st.title("Exploration vs exploitation")
st.markdown(
    "An interactive course from chapter 2 of Sutton & Barto's *Reinforcement Learning: An "
    "Introduction* to a Deep Q-Network. Move the sliders, predict before you look, and see for "
    "yourself why an agent that never explores can get stuck, and how a little exploration "
    "pays off."
)

st.header("How this course works")
st.markdown(
    f"""
- The **{len(registry.COURSE)} pages** form one path, numbered in the sidebar. Every page ends
  with a link to the next one; you can also jump anywhere.
- On each strategy page you first **predict** what will happen, then see the results, computed
  live at the settings you choose.
- Each page ends with a short **check of your understanding**. Answer it and the page counts as
  done: the sidebar shows how many of the {len(registry.COURSE)} pages you have done.
- **Try this** boxes suggest experiments; each one opens to an answer computed by running it.
- Controls live in the **sidebar** (on a phone, open it with the arrow at the top left).
  Settings are kept in the page's address: copy the link to share exactly what you see.
"""
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
  rankdir=LR; bgcolor="transparent"; pad=0.2;
  node [shape=box, style="rounded,filled", fillcolor="#eef2ff", color="#4c78a8",
        fontname="sans-serif", fontsize=22, margin="0.3,0.2"];
  edge [fontname="sans-serif", fontsize=20, color="#374151", fontcolor="#111827"];
  Agent -> Environment [label="action A"];
  Environment -> Agent [label="reward R, next state S"];
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

problem = st.session_state.get(PROBLEM_KEY, 0)
q_true = draw_problems(arms=10, runs=1, seed=problem)[0][0]
draw(reward_distribution_chart(q_true))
order = np.argsort(-q_true)
best, second = int(order[0]), int(order[1])
below = 0.5 * (1 + math.erf((q_true[second] - q_true[best]) / math.sqrt(2)))
st.markdown(
    f"This is one bandit problem of the testbed (like the book's Figure 2.1). Its best arm is "
    f"**arm {best + 1}** (q\\* = {q_true[best]:.2f}), the runner-up arm {second + 1} "
    f"(q\\* = {q_true[second]:.2f}). One pull is very noisy: a single reward from the best arm "
    f"is below the runner-up's *average* **{below:.0%}** of the time, so one pull cannot tell "
    "you which arm is better."
)
st.button(
    "Draw another problem",
    icon=":material/casino:",
    on_click=lambda: st.session_state.update({PROBLEM_KEY: problem + 1}),
)
st.markdown(
    """
The agent keeps an **estimate Q(a)** of each arm's value, for example the average reward that
arm has paid so far (a tally of counts and average rewards: the *Q-action table*). This creates
the central dilemma:

- **Exploit**: pull the arm that looks best now (the *greedy* action) to collect reward today.
- **Explore**: pull another arm to improve its estimate, which may find a better arm for later.

You can't do both with one pull. The strategy pages try different answers on Sutton & Barto's
*10-armed testbed*: 2000 different bandit problems like the one above, each played for 1000
steps; the curves show the average over all of them.
"""
)

st.header("The course")
for section in registry.SECTIONS:
    st.subheader(section)
    sections.page_links(registry.section_pages(section))

st.header("Code it yourself")
st.markdown(
    """
The lesson this course follows was hands-on: you write the four strategies yourself. The
**exercise notebook** gives you the testbed and a stub for each strategy (naive random, greedy
with a tally, ε-greedy, decaying ε, and bonus exercises for UCB, the gradient bandit and
Thompson sampling). After each, a check runs your function on the testbed and says *passed* or
*not yet, because …*. The solutions notebook has one answer to every exercise.

- **On your computer:** `pip install jupyterlab numpy pandas altair`, then
  `jupyter lab ten_armed_bandit.ipynb`.
- **In Colab:** open [colab.research.google.com](https://colab.research.google.com), choose
  *File → Upload notebook* and pick the file.

Every strategy page also has **Show me the code** (the same plain loops) and **Download as
notebook**, which reruns exactly the experiment on screen.
"""
)
left, right = st.columns(2)
left.download_button(
    "Exercise notebook",
    data=lambda: NOTEBOOKS.joinpath("ten_armed_bandit.ipynb").read_bytes(),
    file_name="ten_armed_bandit.ipynb",
    mime="application/x-ipynb+json",
    on_click="ignore",
    icon=":material/edit_note:",
    width="stretch",
)
right.download_button(
    "Solutions notebook",
    data=lambda: NOTEBOOKS.joinpath("ten_armed_bandit_solutions.ipynb").read_bytes(),
    file_name="ten_armed_bandit_solutions.ipynb",
    mime="application/x-ipynb+json",
    on_click="ignore",
    icon=":material/task_alt:",
    width="stretch",
)

course.check_understanding(
    "home",
    [
        course.Question(
            "After each action, what does the environment give the agent?",
            (
                "The best action it could have taken",
                "A reward and the next state",
                "Its true values q*(a)",
            ),
            1,
            (
                "No teacher says which action was best: that is what makes this reinforcement "
                "learning rather than supervised learning.",
                "A number saying how good that was, and the situation it now faces.",
                "The true values stay hidden; the agent only ever sees rewards.",
            ),
        ),
        course.Question(
            "What is the agent trying to maximize?",
            ("The next reward", "The total reward collected over time", "How many arms it tries"),
            1,
            (
                "Grabbing the best-looking reward now can cost more later, which is exactly why "
                "exploring can pay.",
                "The goal is the sum of rewards over the whole run.",
                "Trying arms is a means to an end, not the goal; it costs reward while it lasts.",
            ),
        ),
        course.Question(
            "Why can't the agent just pull the arm with the highest estimate every time?",
            (
                "Its estimates are noisy guesses; the arm that looks best may not be",
                "Pulling the same arm twice is not allowed",
                "The highest estimate is always wrong",
            ),
            0,
            (
                "One reward says little (see the chart above), so an arm that looks best after a "
                "few pulls may be a worse arm that got lucky.",
                "Repeating an arm is allowed; it is what exploiting means.",
                "The highest estimate is often right once the estimates are good; the trouble is "
                "early on, when they are not.",
            ),
        ),
    ],
)
