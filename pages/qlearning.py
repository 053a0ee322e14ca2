"""From a table to Q-learning: states, policies, returns and γ; Q-learning against Sarsa on the
cliff walk (Sutton & Barto, Example 6.6 and Figure 6.4); a reward designer."""

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from core.gridworld import ACTIONS, ALGORITHMS, ARROWS, LearningEpisode, best_actions
from ui import course, routing, sections
from ui import gridworld as grid
from ui.charts import gridworld as charts
from ui.charts.style import number
from ui.controls import ControlPanel
from ui.drawing import draw

routing.ensure_router()
PAGE = "qlearning"
WORLD = grid.BOOK_WORLD
BOOK = grid.Learning()
EPSILON_CHOICES = (0.0, 0.01, 0.05, 0.1, 0.2, 0.3)
EPISODE_CHOICES = (100, 200, 300, 500)
DESIGN_GAMMAS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
LEARNED_CHOICES = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500)
SAME = 2.0  # returns within this many points of each other count as "about the same"
PAINT_KINDS = {"Cliff": "cliff", "Wall": "wall", "Floor": "floor"}
CELLS_KEY = "ql_cells"
PAINT_NOTE_KEY = "ql_paint_note"
PAINT_VERSION_KEY = "ql_paint_version"
DESIGN_KEYS = {"ql_step": "step_reward", "ql_cliff": "cliff_reward", "ql_goal": "goal_reward"}


def amount(value: float) -> str:
    """A return: whole numbers without decimals (-13), others with two (2.82)."""
    return number(value, 0) if float(round(value, 9)).is_integer() else number(value, 2)


def reset_cells(preset_name: str) -> None:
    """The painted cells go back to the preset's."""
    world = grid.preset(preset_name).world()
    st.session_state[CELLS_KEY] = {
        "preset": preset_name,
        "cliff": world.cliff_cells,
        "wall": world.wall_cells,
    }
    st.session_state[PAINT_VERSION_KEY] = st.session_state.get(PAINT_VERSION_KEY, 0) + 1


def apply_preset() -> None:
    """Set the rewards, γ and painted cells to the newly chosen preset's."""
    chosen = grid.preset(st.session_state["ql_preset"])
    for key, field in DESIGN_KEYS.items():
        st.session_state[key] = getattr(chosen, field)
    st.session_state["ql_gamma"] = chosen.gamma
    reset_cells(chosen.name)


def paint(cell: tuple[int, int]) -> None:
    """Paint ``cell`` with the chosen tool; start and goal stay as they are."""
    kind = PAINT_KINDS[st.session_state.get("ql_paint_tool") or "Cliff"]
    if cell in (WORLD.start, WORLD.goal):
        name = "start" if cell == WORLD.start else "goal"
        st.session_state[PAINT_NOTE_KEY] = (
            f"Row {cell[0]}, column {cell[1]} is the {name}: it cannot be painted."
        )
        return
    cells = st.session_state[CELLS_KEY]
    world = replace(WORLD, cliff_cells=cells["cliff"], wall_cells=cells["wall"])
    painted = world.with_cell(cell, kind)
    st.session_state[CELLS_KEY] = {
        **cells,
        "cliff": painted.cliff_cells,
        "wall": painted.wall_cells,
    }
    st.session_state[PAINT_NOTE_KEY] = f"Painted row {cell[0]}, column {cell[1]} as {kind}."
    st.session_state[PAINT_VERSION_KEY] = st.session_state.get(PAINT_VERSION_KEY, 0) + 1


def paint_from_chart(chart_key: str) -> None:
    cell = grid.selected_cell(st.session_state.get(chart_key))
    if cell is not None:
        paint(cell)


def paint_from_picker() -> None:
    paint((int(st.session_state["ql_paint_row"]), int(st.session_state["ql_paint_col"])))


st.title("From a table to Q-learning")
st.markdown(
    "On the bandit pages the agent met the same situation over and over, and its table held "
    "one number per arm: Q(a), the expected **reward** of pulling arm a. In most problems what "
    "you do now also decides where you are next, and a good move can pay off only much later. "
    "So the table grows a dimension: Q(s, a), the expected **return** of taking action a in "
    "state s and acting well afterwards. This page builds the words for that, then runs an "
    "algorithm that learns such a table, **Q-learning**, on a small grid: the cliff walk of "
    "Sutton & Barto's Example 6.6. The next page replaces the table with a neural network."
)

# --- Vocabulary ----------------------------------------------------------------------------

st.header("States, policies, episodes and returns")
st.markdown(
    f"The cliff walk is a grid of {WORLD.rows} × {WORLD.cols} cells. Each cell is a **state** "
    f"s: everything the agent needs to know about where it is. In every state it has "
    f"{len(ACTIONS)} **actions**: {', '.join(map(' '.join, zip(ARROWS, ACTIONS, strict=True)))}."
    f" Every step pays a **reward** of {number(WORLD.step_reward, 0)}, except a step into the "
    f"cliff (✕), which pays {number(WORLD.cliff_reward, 0)} and sends the agent back to the start "
    "S. A walk from S until it reaches the goal G is an **episode**. A step off the grid leaves "
    "the agent where it is (and still costs the step)."
)
st.markdown(
    "A **policy** π says which action to take in *every* state, not only on one route: below, "
    "an arrow in every cell. Follow it from S and it produces an episode (the line); the "
    "episode's **return** is the sum of its rewards."
)
route = st.radio(
    "Policy to draw",
    list(grid.ROUTES),
    horizontal=True,
    key="ql_route",
    help="Three policies that differ in the row they travel along from S to G.",
)
policies = {name: grid.route_policy(WORLD, row) for name, row in grid.ROUTES.items()}
episodes_by_route = {name: grid.follow_policy(WORLD, policy) for name, policy in policies.items()}
draw(
    charts.policy_grid(
        WORLD, policies[route], episodes_by_route[route], f"Policy “{route}” and its episode"
    )
)
st.caption(
    "S start · G goal · ✕ cliff · ■ wall (in the designer below) · arrows: the policy's action "
    "in each cell · line: the episode from S. Rows are numbered from 0 at the top, columns "
    "from 0 at the left."
)

st.subheader("The discount γ: how far ahead the agent looks")
st.markdown(
    "A reward that comes later can count for less. The **discount** γ (between 0 and 1) "
    "weighs the reward k steps after the next one by γ^k; the return from time t is"
)
st.latex(r"G_t = R_{t+1} + \gamma R_{t+2} + \gamma^2 R_{t+3} + \cdots")
WORD_GAMMAS = (0.9, 0.99)
shortest = episodes_by_route["along the edge"]
last_weight = {gamma: gamma ** (len(shortest.actions) - 1) for gamma in WORD_GAMMAS}
low, high = WORD_GAMMAS
st.markdown(
    f"With γ = {low:g} the weights add up to 1/(1 − γ) = **{grid.horizon(low):.0f}** steps' "
    f"worth and halve every **{grid.half_life(low):.1f}** steps: the agent looks about "
    f"{grid.horizon(low):.0f} steps ahead, and the last reward of the "
    f"{len(shortest.actions)}-step route along the edge counts **{last_weight[low]:.2f}** of "
    f"itself. With γ = {high:g} they add up to "
    f"**{grid.horizon(high):.0f}** and halve every **{grid.half_life(high):.0f}** steps: the "
    f"same reward counts **{last_weight[high]:.2f}**. γ = 1 (the book's choice for the cliff "
    "walk) weighs every reward fully, which only works when every episode ends."
)
draw(charts.discount_chart(WORD_GAMMAS))
route_rows = [
    {
        "Policy": name,
        "Steps": len(episode.actions),
        **{
            f"G, γ = {gamma:g}": grid.discounted_return(episode.rewards, gamma)
            for gamma in (1.0, *sorted(WORD_GAMMAS, reverse=True))
        },
    }
    for name, episode in episodes_by_route.items()
]
st.dataframe(
    pd.DataFrame(route_rows),
    hide_index=True,
    column_config={
        column: st.column_config.NumberColumn(format="%.2f")
        for column in route_rows[0]
        if column.startswith("G,")
    },
)
st.caption(
    "The return G from S of each policy above, for three discounts. Every return is negative, "
    "because every step costs; the shortest route loses least, whatever γ. Discounting "
    "shrinks them all, the distant costs most."
)

sections.idea(
    "The value of a state depends on what the agent does afterwards, so Q-learning estimates "
    "q\\*(s, a): the expected return of taking a in s and then acting **optimally**. Like "
    "the bandit agent it nudges an estimate toward a target after every step. The bandit's "
    "target was "
    "the reward alone; Q-learning's target is the reward plus the discounted value of the best "
    "action in the next state: an estimate built on another estimate, which the book calls "
    "**bootstrapping**. Its close relative **Sarsa** uses the value of the action it will "
    "actually take next instead.",
    [
        r"\text{Q-learning target: } y = R_{t+1} + \gamma \max_a Q(S_{t+1}, a)",
        r"\text{Sarsa target: } y = R_{t+1} + \gamma\, Q(S_{t+1}, A_{t+1})",
        r"Q(S_t, A_t) \leftarrow Q(S_t, A_t) + \alpha \bigl[y - Q(S_t, A_t)\bigr]",
    ],
    [
        "Start every Q(s, a) at 0 and put the agent on S.",
        "Choose an action ε-greedily from Q(s, ·): usually the best-looking one, with "
        "probability ε a random one.",
        "Take it: receive the reward R and land in the next state S′.",
        "Move Q(S, A) a fraction α of the way toward the target (beyond the goal nothing "
        "follows, so there the target is R alone).",
        "Carry on from S′ until the goal; then start the next episode from S.",
    ],
)
sections.reward_index_note()

# --- Controls --------------------------------------------------------------------------------

panel = ControlPanel()
panel.header("How both algorithms learn")
epsilon = panel.select_slider(
    "ε (chance of a random action)",
    "ql_epsilon",
    options=EPSILON_CHOICES,
    value=0.1,
    help="Both algorithms act ε-greedily. The book's Figure 6.4 uses ε = 0.1.",
)
alpha = panel.slider(
    "Step size α",
    "ql_alpha",
    min_value=0.1,
    max_value=1.0,
    value=0.5,
    step=0.05,
    help="How far each update moves Q(S, A) toward its target. Figure 6.4 uses α = 0.5.",
)
episodes = panel.select_slider(
    "Episodes per run",
    "ql_episodes",
    options=EPISODE_CHOICES,
    value=500,
    help="Each run learns from scratch for this many episodes. Figure 6.4 shows 500.",
)
seed = panel.seed()
panel.sidebar.caption(
    f"Each curve averages {BOOK.runs} runs, as in the book; γ = 1, the book's "
    "choice for the cliff walk (the reward designer below has its own γ). An episode that "
    f"has not reached the goal after {grid.FIGURE_CAP:,} steps is cut off."
)
learning = grid.Learning(
    epsilon=float(epsilon), alpha=float(alpha), episodes=int(episodes), seed=seed
)
url_note = st.container()

guess = course.predict(
    PAGE,
    course.Prediction(
        "Both algorithms explore with the ε in the sidebar. Which one collects more reward per "
        "episode over the last 100 episodes of learning?",
        (
            "Q-learning: it learns the shortest path",
            "Sarsa: it learns a safer path",
            "About the same",
        ),
    ),
)

best_return = grid.book_best_return()


def results_section() -> dict:
    """Figure 6.4 with the verdict on the prediction, the table, and why; returns the facts."""
    with sections.readable_errors(), st.spinner("Learning…"):
        results = {name: grid.learn(name, WORLD, learning) for name in ALGORITHMS}
    q_result, s_result = results["q_learning"], results["sarsa"]
    window = grid.last_window(q_result)
    shown = window.stop - window.start
    late = {name: grid.late_return(result) for name, result in results.items()}
    falls = {name: float(grid.falls(result)[:, window].mean()) for name, result in results.items()}
    lengths = {
        name: float(result.episode_lengths[:, window].mean()) for name, result in results.items()
    }
    greedy = {
        name: grid.greedy_summary(result, best_return, grid.STEP_THROUGH_CAP)
        for name, result in results.items()
    }

    st.header("Q-learning against Sarsa")
    book = learning == replace(BOOK, seed=learning.seed)
    st.markdown(
        f"Every curve is the mean of **{learning.runs:,} runs** of {learning.episodes:,} "
        f"episodes, with ε = {learning.epsilon:g}, α = {learning.alpha:g} and γ = 1. "
        + (
            "These are the settings of the book's **Figure 6.4**. "
            if book
            else f"The book's Figure 6.4 uses ε = {BOOK.epsilon:g}, α = {BOOK.alpha:g} and "
            f"{BOOK.episodes} episodes. "
        )
        + "The curve is the reward collected *while learning*, exploration included: the "
        "price of the random steps shows up in it."
    )
    draw(charts.returns_chart([q_result, s_result], best_return))
    first = {name: float(result.episode_returns[:, 0].mean()) for name, result in results.items()}
    first_steps = float(q_result.episode_lengths[:, 0].mean())
    st.caption(
        f"The first episodes are long and costly: with every Q at 0 the agent knows nothing, "
        f"so Q-learning's first episode takes {first_steps:.0f} steps on average and collects "
        f"{number(first['q_learning'], 0)} (Sarsa {number(first['sarsa'], 0)}). Every value it "
        "lowers makes the untried actions look better, which drives it to try them: zero is an "
        "optimistic start when every reward is negative."
    )

    difference = late["q_learning"] - late["sarsa"]
    actual = 2 if abs(difference) < SAME else (0 if difference > 0 else 1)
    course.prediction_feedback(
        guess,
        actual,
        f"Over the last {shown} episodes Q-learning collected **{number(late['q_learning'], 1)}** "
        f"per episode and Sarsa **{number(late['sarsa'], 1)}** (within {SAME:g} counts as about "
        f"the same). Q-learning falls into the cliff **{falls['q_learning']:.2f}** times per "
        f"episode there, Sarsa **{falls['sarsa']:.2f}** times.",
    )

    measures = {
        f"Reward per episode, last {shown} episodes": lambda n: number(late[n], 1),
        f"Falls into the cliff per episode, last {shown}": lambda n: number(falls[n], 2),
        f"Steps per episode, last {shown}": lambda n: number(lengths[n], 1),
        "Runs whose greedy path reaches G": lambda n: f"{greedy[n].reaching} of {learning.runs}",
        f"Runs whose greedy path is worth {number(best_return, 0)}": (
            lambda n: f"{greedy[n].optimal} of {learning.runs}"
        ),
        f"Episodes cut at {grid.FIGURE_CAP:,} steps": (
            lambda n: f"{results[n].truncated_episodes:,}"
        ),
    }
    st.dataframe(
        pd.DataFrame(
            {
                "Measure": list(measures),
                **{
                    grid.algorithm_name(name): [show(name) for show in measures.values()]
                    for name in ALGORITHMS
                },
            }
        ),
        hide_index=True,
        column_config={
            "Measure": st.column_config.TextColumn(width="medium"),
            **{
                grid.algorithm_name(name): st.column_config.TextColumn(width="small")
                for name in ALGORITHMS
            },
        },
    )

    st.subheader("Why")
    st.markdown(why_text(greedy, falls, late))
    q_path = WORLD.greedy_path(q_result.q[0], grid.STEP_THROUGH_CAP)
    s_path = WORLD.greedy_path(s_result.q[0], grid.STEP_THROUGH_CAP)
    for (name, result), path in zip(results.items(), (q_path, s_path), strict=True):
        draw(
            charts.value_grid(
                WORLD,
                result.q[0],
                f"{grid.algorithm_name(name)}, run 1 after {learning.episodes:,} episodes",
                path=path,
            )
        )
    st.caption(
        "Colour and number: each cell's value max_a Q(s, a); arrow: its greedy action (two "
        "arrows: a tie of two; ·: three or four tie); line: the greedy path from S, followed "
        "without exploring. Hover over a cell for its four values."
    )
    return {
        "results": results,
        "late": late,
        "falls": falls,
        "greedy": greedy,
        "window": shown,
    }


def why_text(greedy: dict, falls: dict, late: dict) -> str:
    q_greedy, s_greedy = greedy["q_learning"], greedy["sarsa"]
    s_common = s_greedy.common_returns()
    safe = (
        f"its most common greedy path is worth **{number(s_common[0][0], 0)}** "
        f"({s_common[0][1]} of {s_greedy.runs} runs)"
        if s_common
        else "none of its greedy paths reaches the goal"
    )
    text = (
        f"**Q-learning learns the best route, and pays for it while exploring.** Its target "
        f"uses max_a Q(S′, a): the value of acting greedily next, whatever it will really do. "
        f"So its table describes the greedy policy, and that policy's path is the optimal "
        f"{number(best_return, 0)} (along the edge of the cliff) in **{q_greedy.optimal} of "
        f"{q_greedy.runs}** runs. But the agent does not follow that policy: with probability ε "
        f"it steps at random, and next to the cliff one random step in four goes over the "
        f"edge: **{falls['q_learning']:.2f}** falls per episode late in learning.\n\n"
        f"**Sarsa learns the value of what it actually does, exploration included.** Its "
        f"target uses Q(S′, A′), where A′ is sometimes random, so a cell next to the cliff is "
        f"worth less to it, and it learns a route further away: {safe}. It falls "
        f"**{falls['sarsa']:.2f}** times per episode, which is why it collects more while "
        f"learning (**{number(late['sarsa'], 1)}** against **{number(late['q_learning'], 1)}**"
        ") even though its route is longer."
    )
    if s_greedy.looping:
        text += (
            f"\n\nAn honest detail: in **{s_greedy.looping} of {s_greedy.runs}** runs Sarsa's "
            "greedy policy at the end does not reach the goal at all: its arrows lead in a "
            "circle. With α = "
            f"{learning.alpha:g} every update moves a value a long way toward one noisy "
            "target, so Sarsa's values keep shifting with its random steps, and at any moment "
            "two of them can point at each other. While learning, the ε-greedy steps break "
            "such circles; a smaller α (or a decaying ε) settles them."
        )
    if q_greedy.looping:
        text += (
            f"\n\nIn **{q_greedy.looping} of {q_greedy.runs}** runs Q-learning's greedy "
            "policy does not reach the goal yet: those runs have not learned long enough."
        )
    return text


# --- Inside one episode ----------------------------------------------------------------------


def step_words(episode: LearningEpisode, step: int) -> str:
    """What happened at ``step`` (from 1) and how the table changed, in the book's terms."""
    index = step - 1
    state, action = int(episode.states[index]), int(episode.actions[index])
    landed, reward = int(episode.states[index + 1]), float(episode.rewards[index])
    values = episode.choice_table(index)[state]
    tied = np.flatnonzero(best_actions(values[None, :])[0])
    if episode.explored[index]:
        why = "a random action: the ε coin said *explore*" + (
            " (it happened to be a greedy one)" if action in tied else ""
        )
    elif len(tied) > 1:
        why = f"the greedy action, drawn from {len(tied)} tied best ones"
    else:
        why = "the greedy action: the highest Q(s, a) there"
    where = ""
    if reward == WORLD.cliff_reward and landed == WORLD.start_state:
        where = ": it fell into the cliff and is back at S"
    elif landed == WORLD.goal_state:
        where = ": the goal, so the episode ends"
    arrow = f"{ARROWS[action]} {ACTIONS[action]}"
    text = (
        f"**Step {step} of {episode.steps}.** The agent stood at "
        f"{grid.cell_name(WORLD, state)} and went **{arrow}**, {why}. It received "
        f"R = {number(reward, 0)} and landed at {grid.cell_name(WORLD, landed)}{where}."
    )
    return text


def update_rules(episode: LearningEpisode, step: int) -> None:
    """The bandit rule, this page's rule and DQN's, side by side, with this step's numbers."""
    index = step - 1
    action = int(episode.actions[index])
    reward = float(episode.rewards[index])
    old, new = float(episode.old_values[index]), float(episode.new_values[index])
    target, follow = float(episode.targets[index]), float(episode.follow_up[index])
    name = grid.algorithm_name(episode.algorithm)
    arrow = ARROWS[action]
    st.subheader("Three update rules, side by side")
    st.markdown(
        "Each rule computes a **target** y, the **error** δ between the target and the "
        "estimate, and moves the estimate a fraction of δ toward the target. What changes "
        "from one rule to the next is what the target contains and what the estimate is."
    )
    bandit, tabular, deep = st.columns(3)
    with bandit:
        st.markdown("**Bandit** (the earlier pages)")
        st.latex(r"y = R")
        st.latex(r"\delta = y - Q(a)")
        st.latex(r"Q(a) \leftarrow Q(a) + \alpha\,\delta")
        st.caption(
            "One situation and no next state: the target is the reward alone. At this step a "
            f"bandit agent would move its estimate toward R = {number(reward, 0)}. With γ = 0 "
            "Q-learning does the same: a separate bandit in every state."
        )
    with tabular:
        st.markdown(f"**{name}** (this page)")
        if episode.algorithm == "q_learning":
            st.latex(r"y = r + \gamma \max_{a'} Q(s', a')")
            follow_words = f"max_a′ Q(s′, a′) = {number(follow)}"
        else:
            st.latex(r"y = r + \gamma\, Q(s', a')")
            follow_words = f"Q(s′, a′) = {number(follow)} for the action a′ it takes next"
        st.latex(r"\delta = y - Q(s, a)")
        st.latex(r"Q(s, a) \leftarrow Q(s, a) + \alpha\,\delta")
        if index + 1 == episode.steps and episode.terminated:
            follow_words = "0, because nothing follows the goal"
        st.caption(
            f"The target adds the discounted value the table expects next: {follow_words}. At "
            f"this step y = {number(reward)} + {episode.gamma:g} × {number(follow)} = "
            f"**{number(target)}**, δ = {number(target - old)}, and Q(s, {arrow}) moved from "
            f"{number(old)} to **{number(new)}** (α = {episode.alpha:g} of δ). One number in the "
            "table changed."
        )
    with deep:
        st.markdown("**DQN** (the next page)")
        st.latex(r"y = r + \gamma \max_{a'} Q(s', a'; \theta^-)")
        st.latex(r"\delta = y - Q(s, a; \theta)")
        st.latex(r"\theta \leftarrow \theta - \eta\, \nabla_\theta\, \delta^2")
        st.caption(
            "The same target, but Q is a network with weights θ, and the update is a gradient "
            "step (learning rate η) on the squared error δ²; the DQN page uses the Huber loss, "
            "a square that turns linear for large errors. Changing the weights moves the values of "
            "many states at once, also states never visited: that is how it generalises, and "
            "why it needs replay and a target network θ⁻ to stay stable."
        )


def move_step(step_key: str, delta: int, last: int) -> None:
    st.session_state[step_key] = int(np.clip(st.session_state.get(step_key, 1) + delta, 1, last))


def episode_view(episode: LearningEpisode, step_key: str) -> None:
    """The step controls and everything that depends on the step (a fragment's body)."""
    last = episode.steps
    st.session_state[step_key] = int(np.clip(st.session_state.get(step_key, 1), 1, last))
    back, forward = st.columns(2)
    back.button(
        "−1 step",
        key=f"{step_key}_back",
        on_click=move_step,
        args=(step_key, -1, last),
        width="stretch",
    )
    forward.button(
        "+1 step",
        key=f"{step_key}_forward",
        on_click=move_step,
        args=(step_key, +1, last),
        width="stretch",
    )
    if last > 1:
        st.slider(
            "Step",
            min_value=1,
            max_value=last,
            key=step_key,
            help="The table after this step's update.",
        )
    step = int(st.session_state[step_key])
    st.markdown(step_words(episode, step))
    state = int(episode.states[step - 1])
    rows = {
        "Q before": episode.table_after(step - 1)[state],
        "Q after": episode.table_after(step)[state],
    }
    st.dataframe(
        pd.DataFrame(
            [
                {"": label, **{f"{ARROWS[a]} {ACTIONS[a]}": values[a] for a in range(len(ACTIONS))}}
                for label, values in rows.items()
            ]
        ),
        hide_index=True,
        column_config={
            f"{ARROWS[a]} {ACTIONS[a]}": st.column_config.NumberColumn(format="%.2f")
            for a in range(len(ACTIONS))
        },
    )
    st.caption(
        f"The four values of {grid.cell_name(WORLD, state)}, the state the agent acted in, "
        "before and after this step's update: only the action taken changes."
    )
    draw(
        charts.value_grid(
            WORLD,
            episode.table_after(step),
            f"{grid.algorithm_name(episode.algorithm)}: the table after step {step}",
            trail=episode.states[: step + 1],
            agent=int(episode.states[step]),
            updated=state,
        )
    )
    st.caption(
        "Solid black outline: where the agent stands now. Dashed orange outline: the state "
        "whose value was just updated. Line: the way the agent has come in this episode. "
        "Colour and number: max_a Q(s, a); arrows: the greedy actions."
    )
    update_rules(episode, step)


def episode_frame(episode: LearningEpisode) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Step": np.arange(1, episode.steps + 1),
            "From": [grid.cell_name(WORLD, int(s)) for s in episode.states[:-1]],
            "Action": [f"{ARROWS[a]} {ACTIONS[a]}" for a in episode.actions],
            "Random": episode.explored,
            "Reward": episode.rewards,
            "Target": episode.targets,
            "Q before": episode.old_values,
            "Q after": episode.new_values,
        }
    )


def inside_one_episode() -> None:
    st.header("Inside one episode")
    st.markdown(
        "Pick an algorithm and how many episodes run 1 of the runs above has already learned. "
        "The agent then plays **one more episode**, learning after every step; step through "
        "it to see what it chose, what it received and which number in its table changed. "
        "Slide to 0 to watch it start from a table of zeros, where every action looks as good "
        "as any other. This extra episode draws its own random numbers."
    )
    choice_column, learned_column = st.columns(2)
    algorithm = choice_column.radio(
        "Algorithm",
        ALGORITHMS,
        format_func=grid.algorithm_name,
        horizontal=True,
        key="ql_inspect_algorithm",
    )
    options = [value for value in LEARNED_CHOICES if value <= learning.episodes]
    learned = learned_column.select_slider(
        "Episodes learned before this one", options=options, value=20, key="ql_inspect_learned"
    )
    with sections.readable_errors(), st.spinner("Learning…"):
        episode = grid.step_through(algorithm, learning, int(learned))
    ending = (
        f"reaches the goal after {episode.steps} steps"
        if episode.terminated
        else f"is cut off after {episode.steps} steps"
    )
    st.markdown(
        f"This episode {ending}, collecting {number(episode.rewards.sum(), 0)}; "
        f"{int(episode.explored.sum())} of its actions were random."
    )
    step_key = f"ql_step_{algorithm}_{learned}"
    st.fragment(episode_view)(episode, step_key)
    with st.expander("Every step of this episode as a table"):
        st.dataframe(
            episode_frame(episode),
            hide_index=True,
            height=300,
            column_config={
                name: st.column_config.NumberColumn(format="%.2f")
                for name in ("Reward", "Target", "Q before", "Q after")
            },
        )


# --- Reward designer ---------------------------------------------------------------------------


def design_facts(result, values, world, gamma: float) -> str:
    """What this design taught the agent, and what value iteration says is best."""
    summary = grid.greedy_summary(result, None, grid.DESIGN_CAP)
    path = summary.paths[0]
    cut = float(result.truncated.mean())
    if path.terminated:
        run_one = (
            f"Run 1's greedy path reaches G in **{len(path.actions)} steps**, collecting "
            f"{amount(path.total_reward)}."
        )
    else:
        run_one = (
            f"Run 1's greedy path **does not reach G** within {grid.DESIGN_CAP} steps: it goes "
            "in circles."
        )
    lengths = sorted({len(p.actions) for p in summary.paths if p.terminated})
    across = (
        f" Across the {summary.runs} runs, **{summary.reaching}** greedy paths reach the goal"
        + (f" (in {', '.join(str(n) for n in lengths)} steps)" if lengths else "")
        + f"; **{cut:.0%}** of all episodes while learning were cut at {grid.DESIGN_CAP} steps."
    )
    start_q = values.q[world.start_state]
    if values.unbounded:
        best = (
            f" **Value iteration** finds no optimal values: with γ = {gamma:g} a loop that pays "
            "is worth more the longer it lasts (or, if every step costs and the goal cannot be "
            f"reached, less), so the values grow without bound: after {values.iterations} "
            f"sweeps the start is worth {number(start_q.max(), 0)} and still moving."
        )
    else:
        optimal_path = world.greedy_path(values.q, grid.DESIGN_CAP)
        tied = int(best_actions(start_q[None, :])[0].sum())
        route = (
            f"its greedy path reaches G in {len(optimal_path.actions)} steps"
            if optimal_path.terminated
            else "its greedy path (ties broken up, right, down, left) never reaches G"
        )
        kind = "return" if gamma == 1 else "discounted return"
        best = (
            f" **Value iteration** (the rewards known, no learning) says the best {kind} from "
            f"S is **{amount(start_q.max())}** with γ = {gamma:g}; {route}"
            + (f", and {tied} of the 4 actions at S tie for best" if tied > 1 else "")
            + "."
        )
    return run_one + across + best


def reward_designer() -> None:
    st.header("Reward designer")
    st.markdown(
        "The lesson this course follows warns that *policy design and reward structure are "
        "important*. The reward is the only way to tell the agent what you want, and it "
        "learns exactly what you pay for. Choose what a step, a fall and the arrival pay, and "
        "paint cells as cliff or wall; the agent learns again with the sidebar's ε, α and "
        f"seed, for **{grid.DESIGN_EPISODES} episodes × {grid.DESIGN_RUNS} runs**, and an "
        f"episode that has not reached the goal after **{grid.DESIGN_CAP} steps** is cut off "
        f"(Figure 6.4 above allows {grid.FIGURE_CAP:,}): a smaller budget, so every change "
        "answers in about a second."
    )
    top, algorithm_column = st.columns([2, 1])
    with panel.placed_in(top):
        preset_name = panel.selectbox(
            "Start from a preset",
            "ql_preset",
            options=grid.PRESET_NAMES,
            index=0,
            on_change=apply_preset,
            help="Choosing a preset sets the rewards, γ and the painted cells.",
        )
    with panel.placed_in(algorithm_column):
        algorithm = grid.algorithm_named(
            panel.selectbox(
                "Algorithm",
                "ql_design_algorithm",
                options=tuple(grid.ALGORITHM_NAMES.values()),
                help="Which algorithm learns the design.",
            )
        )
    chosen = grid.preset(preset_name)
    columns = st.columns(4)
    with panel.placed_in(columns[0]):
        step_reward = panel.slider(
            "Step reward",
            "ql_step",
            min_value=-5.0,
            max_value=5.0,
            value=-1.0,
            step=0.5,
            format="%.1f",
            help="Paid for every step onto a floor cell, into a wall or off the grid.",
        )
    with panel.placed_in(columns[1]):
        cliff_reward = panel.slider(
            "Cliff reward",
            "ql_cliff",
            min_value=-200.0,
            max_value=0.0,
            value=-100.0,
            step=5.0,
            format="%.0f",
            help="Paid instead of the step reward for a step into the cliff (back to S).",
        )
    with panel.placed_in(columns[2]):
        goal_reward = panel.slider(
            "Goal reward",
            "ql_goal",
            min_value=-50.0,
            max_value=100.0,
            value=0.0,
            step=5.0,
            format="%.0f",
            help="A bonus on arrival, on top of the step reward of the last step.",
        )
    with panel.placed_in(columns[3]):
        gamma = panel.select_slider(
            "Discount γ",
            "ql_gamma",
            options=DESIGN_GAMMAS,
            value=1.0,
            help="How much a reward k steps ahead counts: γ^k of itself.",
        )
    with url_note:
        panel.finish()

    cells = st.session_state.get(CELLS_KEY)
    if cells is None or cells["preset"] != preset_name:
        reset_cells(preset_name)
        cells = st.session_state[CELLS_KEY]
    world = grid.designed_world(
        step_reward, cliff_reward, goal_reward, cells["cliff"], cells["wall"]
    )
    gamma = float(gamma)
    as_preset = world == chosen.world() and gamma == chosen.gamma
    if as_preset:
        st.info(f"**{chosen.name}.** {chosen.look_for}", icon=":material/lightbulb:")
    else:
        st.caption(f"Your own design, started from *{chosen.name}*.")

    with sections.readable_errors(), st.spinner("Learning…"):
        result = grid.learn_design(algorithm, world, gamma, learning)
        values = grid.optimal(world, gamma)
    path = world.greedy_path(result.q[0], grid.DESIGN_CAP)
    version = st.session_state.get(PAINT_VERSION_KEY, 0)
    chart_key = f"ql_design_chart_{version}"
    figure = charts.value_grid(
        world,
        result.q[0],
        f"{grid.algorithm_name(algorithm)}, run 1 after {grid.DESIGN_EPISODES} episodes",
        path=path,
        selectable=True,
    )
    draw(figure, key=chart_key, on_select=lambda: paint_from_chart(chart_key))
    st.markdown(design_facts(result, values, world, gamma))

    st.markdown("**Paint cells**: choose a paint, then click a cell on the grid, or pick it here.")
    st.segmented_control(
        "Paint with",
        list(PAINT_KINDS),
        default="Cliff",
        key="ql_paint_tool",
        help="Cliff: pays the cliff reward and sends the agent back to S. Wall: cannot be "
        "entered. Floor: an ordinary cell.",
    )
    row_column, col_column, buttons = st.columns([1, 1, 2], vertical_alignment="bottom")
    row_column.number_input(
        "Row", min_value=0, max_value=world.rows - 1, step=1, key="ql_paint_row"
    )
    col_column.number_input(
        "Column", min_value=0, max_value=world.cols - 1, step=1, key="ql_paint_col"
    )
    with buttons.container(horizontal=True):
        st.button("Paint this cell", on_click=paint_from_picker, icon=":material/format_paint:")
        st.button(
            "Undo all painting",
            on_click=reset_cells,
            args=(preset_name,),
            icon=":material/undo:",
            help="Back to the preset's cells.",
        )
    note = st.session_state.pop(PAINT_NOTE_KEY, None)
    if note:
        st.caption(note)

    with st.expander("The optimal values for this design (value iteration)"):
        optimal_path = world.greedy_path(values.q, grid.DESIGN_CAP)
        title = f"Optimal values q*, γ = {gamma:g}"
        if values.unbounded:
            title = f"After {values.iterations} sweeps, γ = {gamma:g}: still growing"
        draw(charts.value_grid(world, values.q, title, path=optimal_path))
        st.caption(
            "Value iteration knows the rewards and sweeps Q(s, a) ← r + γ max_a′ Q(s′, a′) "
            "over every state until nothing changes: what a perfect learner would end with. "
            "Ties are drawn as two arrows or ·; the line follows the first of them."
        )


# --- The page ----------------------------------------------------------------------------------

facts = None
if guess.revealed:
    facts = results_section()
    inside_one_episode()
reward_designer()

if facts is not None:
    q_greedy = facts["greedy"]["q_learning"]
    q_table = facts["results"]["q_learning"].q[0]
    sections.takeaways(
        [
            "A state's value is the return expected from it. On the cliff walk every step "
            "costs 1, so a cell's value is minus the steps still to go: Q-learning's run 1 "
            f"values the start at {amount(q_table[WORLD.start_state].max())} after "
            f"{learning.episodes:,} episodes.",
            "Q-learning is **off-policy**: it behaves ε-greedily but learns about the greedy "
            f"policy, whose path is the optimal {number(best_return, 0)} in {q_greedy.optimal} of "
            f"{q_greedy.runs} runs here, while it collects only "
            f"{number(facts['late']['q_learning'], 1)} per episode as it explores.",
            "Sarsa is **on-policy**: it learns the value of what it really does, random steps "
            f"included, so it keeps away from the edge and collects "
            f"{number(facts['late']['sarsa'], 1)} per episode while exploring. Which one is "
            "better depends on whether you care about the learned policy or about the reward "
            "along the way.",
            "The reward says what you want, and only that: with no step cost and γ = 1 the "
            "agent has no reason to hurry; paid per step, it avoids the goal.",
            f"γ sets how far ahead the agent looks: about {grid.horizon(0.9):.0f} steps for "
            f"γ = 0.9, {grid.horizon(0.99):.0f} for 0.99.",
            "Bandit, Q-learning, DQN: the same nudge toward a target. Q-learning adds the "
            "discounted value of the next state to the target; DQN replaces the table with a "
            "network.",
        ]
    )


def route_words(summary: grid.GreedySummary) -> str:
    """The most common value of the runs' greedy paths, or that none reaches the goal."""
    common = summary.common_returns()
    if not common:
        return "no greedy path reaching the goal"
    value, count = common[0]
    return f"most common greedy path worth {amount(value)}, in {count} of {summary.runs} runs"


def epsilon_zero_answer() -> str:
    greedy_learning = replace(learning, epsilon=0.0)
    lines, fell = [], 0.0
    for name in ALGORITHMS:
        result = grid.learn(name, WORLD, greedy_learning)
        window = grid.last_window(result)
        summary = grid.greedy_summary(result, best_return, grid.STEP_THROUGH_CAP)
        fell += float(grid.falls(result)[:, window].sum())
        lines.append(
            f"{grid.algorithm_name(name)} collects **{number(grid.late_return(result), 1)}** per "
            f"episode over the last {window.stop - window.start} episodes, and its greedy "
            f"path is the optimal {number(best_return, 0)} in **{summary.optimal} of "
            f"{summary.runs}** runs"
        )
    falls_words = (
        "nobody falls any more"
        if fell == 0
        else f"{fell:.0f} falls remain in those episodes, all runs together"
    )
    return (
        "; ".join(lines)
        + ". Without random steps Sarsa's next action is the greedy one, so its target is "
        f"Q-learning's, and {falls_words}. They still explore at first, through the zeros the "
        "table starts with: every tried action drops below 0, so the untried ones look best."
    )


def mild_cliff_answer() -> str:
    world = grid.preset("A mild cliff (−5)").world()
    mild = {name: grid.learn(name, world, learning) for name in ALGORITHMS}
    book = {name: grid.learn(name, WORLD, learning) for name in ALGORITHMS}
    late_mild = {name: grid.late_return(result) for name, result in mild.items()}
    late_book = {name: grid.late_return(result) for name, result in book.items()}
    parts = [
        f"{grid.algorithm_name(name)} **{number(late_mild[name], 1)}** per episode "
        f"({route_words(grid.greedy_summary(mild[name], None, grid.STEP_THROUGH_CAP))})"
        for name in ALGORITHMS
    ]
    ahead = max(late_mild, key=late_mild.__getitem__)
    book_ahead = max(late_book, key=late_book.__getitem__)
    verdict = (
        f"The ranking flips: {grid.algorithm_name(ahead)} now collects more."
        if ahead != book_ahead
        else f"{grid.algorithm_name(ahead)} still collects more, by "
        f"{abs(late_mild['q_learning'] - late_mild['sarsa']):.1f} instead of "
        f"{abs(late_book['q_learning'] - late_book['sarsa']):.1f}."
    )
    return (
        f"At the sidebar's settings with a cliff of {number(world.cliff_reward, 0)}: "
        + "; ".join(parts)
        + f". With the book's −100 it was Q-learning {number(late_book['q_learning'], 1)} and "
        f"Sarsa {number(late_book['sarsa'], 1)}. {verdict} A fall now costs about as much as "
        "a few steps, so the short route along the edge is cheap even with its falls. Which "
        "algorithm earns more while exploring depends on the price of a mistake."
    )


def discount_answer() -> str:
    lines = []
    for name in ("Goal +10, no step cost (γ = 1)", "Goal +10, no step cost (γ = 0.9)"):
        chosen = grid.preset(name)
        world = chosen.world()
        routes = {
            len(episode.actions): grid.discounted_return(episode.rewards, chosen.gamma)
            for episode in (
                grid.follow_policy(world, grid.route_policy(world, row))
                for row in grid.ROUTES.values()
            )
        }
        result = grid.learn_design("q_learning", world, chosen.gamma, learning)
        summary = grid.greedy_summary(result, None, grid.DESIGN_CAP)
        lengths = sorted(len(path.actions) for path in summary.paths if path.terminated)
        shortest = min(routes)
        spread = (
            f"run from {lengths[0]} to {lengths[-1]} steps, and {lengths.count(shortest)} of "
            f"{summary.runs} take the shortest route ({shortest} steps)"
            if lengths
            else "never reach the goal"
        )
        steps = ", ".join(str(n) for n in routes)
        worth = ", ".join(amount(value) for value in routes.values())
        lines.append(
            f"**γ = {chosen.gamma:g}**: the three routes of the first picture ({steps} steps) "
            f"are worth {worth}. Q-learning's greedy paths {spread}"
        )
    return (
        ". ".join(lines)
        + ". With γ = 1 every route is worth the full 10, so nothing favours the short one. "
        "With γ = 0.9 arriving sooner is worth more (10 × 0.9^(steps − 1)), so the shortest "
        "route is the only best one, but not by much. And the agent has to find it: untried "
        "actions keep their value 0, below any route it already knows, so it sticks to the "
        "first route that worked unless a random step stumbles on a better one. The zeros "
        "that were optimistic when every step cost are pessimistic when rewards are positive."
    )


def wall_answer() -> str:
    chosen = grid.preset("A wall in the way at (2, 5)")
    world = chosen.world()
    result = grid.learn_design("q_learning", world, chosen.gamma, learning)
    summary = grid.greedy_summary(result, None, grid.DESIGN_CAP)
    best = grid.optimal(world, chosen.gamma).q[world.start_state].max()
    return (
        f"With a wall at row 2, column 5, Q-learning ends with its {route_words(summary)}; "
        "value iteration "
        f"says the best is **{amount(best)}**, against {amount(best_return)} without the wall. "
        "The detour goes up and around the wall: below it is the cliff."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Set ε to 0 in the sidebar: which route does Sarsa learn, and who collects more?",
            epsilon_zero_answer,
        ),
        course.TryThis(
            "In the designer, choose *A mild cliff (−5)*: does Figure 6.4's ranking still hold?",
            mild_cliff_answer,
        ),
        course.TryThis(
            "Compare the two *Goal +10* presets (γ = 1 and γ = 0.9): how long are the learned "
            "paths?",
            discount_answer,
        ),
        course.TryThis(
            "Paint a wall at row 2, column 5 (or choose that preset): how long is the detour?",
            wall_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "Q-learning's target uses max_a Q(S′, a) even when the agent will explore next. "
            "What does its table therefore estimate?",
            (
                "The values of the greedy (optimal) policy",
                "The values of the ε-greedy policy it follows",
                "The average reward per step",
            ),
            0,
            (
                "Right: the max assumes the best action from the next state on, whatever the "
                "agent really does. That is what *off-policy* means.",
                "That is Sarsa: its target uses the action it will actually take, random ones "
                "included.",
                "Q estimates returns (sums of future rewards), not an average per step.",
            ),
        ),
        course.Question(
            "With ε = 0.1 on the cliff walk, why does Sarsa collect more reward per episode "
            "while learning than Q-learning?",
            (
                "Sarsa learns faster",
                "Its values include its own random steps, so it keeps away from the edge",
                "Q-learning's route is longer",
            ),
            1,
            (
                "Both settle within a few dozen episodes; the difference lasts as long as they "
                "explore.",
                "Right: a cell next to the cliff is worth less when one step in forty (ε/4) "
                "goes over, and Sarsa's target sees that.",
                "Q-learning's route along the edge is the shortest; it pays for its falls, not "
                "its length.",
            ),
        ),
        course.Question(
            "Every step pays 0, the goal pays +10 and γ = 1. Why can a trained agent dawdle?",
            (
                "Every route that reaches the goal is worth the same 10, so nothing favours "
                "the short one",
                "A discount of 1 makes later rewards worth more",
                "The agent cannot see the goal",
            ),
            0,
            (
                "Right: with γ = 1 the return ignores when the 10 arrives. A step cost or a "
                "discount below 1 makes sooner better.",
                "γ = 1 makes later rewards worth exactly as much, not more.",
                "It does not need to see it: the values carry the news of the goal back, one "
                "update at a time.",
            ),
        ),
    ],
)
