"""The cliff walk on the page: cached calls into ``core.gridworld``, the reward designer's
presets, and the small computations behind the page's words.

Every number the page prints comes from these calls at the settings on screen. The reward
designer learns with a smaller budget than Figure 6.4 (:data:`DESIGN_EPISODES` episodes,
:data:`DESIGN_RUNS` runs, episodes cut at :data:`DESIGN_CAP` steps): a design in which the
agent never reaches the goal makes every episode run into the cap, and at about 15 µs per
lockstep step that bounds a change to ``DESIGN_EPISODES * DESIGN_CAP`` steps, well under a
second, whatever the learner builds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from core import gridworld
from core.gridworld import Episode, GridWorld, LearningEpisode, LearningResult, OptimalValues
from ui.charts.gridworld import ALGORITHM_NAMES
from ui.runners import CACHE_SECONDS

BOOK_WORLD = GridWorld.cliff()
BOOK_GAMMA = 1.0
DESIGN_EPISODES = 200
DESIGN_RUNS = 20
DESIGN_CAP = 100
FIGURE_CAP = gridworld.DEFAULT_MAX_EPISODE_STEPS
"""Figure 6.4's episodes are cut off here (the engine's default, which leaves the book's
figure as it is)."""
STEP_THROUGH_CAP = FIGURE_CAP
"""An episode stepped through on the page, or a greedy path followed, stops here."""


@dataclass(frozen=True)
class Learning:
    """The sidebar's settings: how both algorithms learn (Figure 6.4: 0.1, 0.5, 500, 50)."""

    epsilon: float = 0.1
    alpha: float = 0.5
    episodes: int = 500
    runs: int = 50
    seed: int = 0


@st.cache_data(max_entries=64, ttl=CACHE_SECONDS, show_spinner=False)
def learn(
    algorithm: gridworld.Algorithm,
    world: GridWorld,
    learning: Learning,
    gamma: float = BOOK_GAMMA,
    max_episode_steps: int = gridworld.DEFAULT_MAX_EPISODE_STEPS,
) -> LearningResult:
    """Q-learning or Sarsa on ``world`` with ``learning``'s settings, cached on all of them."""
    run = gridworld.q_learning if algorithm == "q_learning" else gridworld.sarsa
    return run(
        world,
        episodes=learning.episodes,
        runs=learning.runs,
        alpha=learning.alpha,
        epsilon=learning.epsilon,
        gamma=gamma,
        seed=learning.seed,
        max_episode_steps=max_episode_steps,
    )


@st.cache_data(max_entries=64, ttl=CACHE_SECONDS, show_spinner=False)
def optimal(world: GridWorld, gamma: float) -> OptimalValues:
    """q* by value iteration: what the best possible policy is worth in ``world``."""
    return gridworld.optimal_q(world, gamma)


@st.cache_data(max_entries=32, ttl=CACHE_SECONDS, show_spinner=False)
def step_through(
    algorithm: gridworld.Algorithm, learning: Learning, learned: int
) -> LearningEpisode:
    """One more episode of run 1 of the book's cliff walk after ``learned`` episodes.

    The table is run 1's after ``learned`` episodes of the engine (which gives exactly the
    first episodes of a longer run); the episode itself draws its own random numbers.
    """
    q = np.zeros((BOOK_WORLD.n_states, gridworld.N_ACTIONS))
    if learned:
        q = learn(algorithm, BOOK_WORLD, replace(learning, episodes=learned)).q[0]
    return gridworld.learning_episode(
        BOOK_WORLD,
        q,
        algorithm,
        alpha=learning.alpha,
        epsilon=learning.epsilon,
        gamma=BOOK_GAMMA,
        seed=learning.seed,
        max_steps=STEP_THROUGH_CAP,
    )


def selected_cell(event: object) -> tuple[int, int] | None:
    """The (row, col) a click on a grid chart chose, from the chart's selection state
    (``{"selection": {"cell": [{"row": r, "col": c}]}}``), or None if nothing is chosen."""
    try:
        point = event["selection"]["cell"][0]  # type: ignore[index]
        return int(point["row"]), int(point["col"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def algorithm_name(algorithm: gridworld.Algorithm) -> str:
    return ALGORITHM_NAMES[algorithm]


def algorithm_named(name: str) -> gridworld.Algorithm:
    """The algorithm behind a name the page shows (URL-bound choices hold the shown name)."""
    return next(key for key, shown in ALGORITHM_NAMES.items() if shown == name)


def cell_name(world: GridWorld, state: int) -> str:
    """A state as the page names it: ``(row, column)``, with S and G for start and goal."""
    row, col = world.cell(state)
    tag = {world.start_state: " S", world.goal_state: " G"}.get(state, "")
    return f"({row}, {col}){tag}"


# --- The vocabulary: routes as whole policies ---------------------------------------------

ROUTES = {"along the edge": 2, "through the middle": 1, "along the top": 0}
"""A policy per route: the row it travels along from the start column to the goal column."""


def route_policy(world: GridWorld, travel_row: int) -> np.ndarray:
    """An action for every state: reach ``travel_row``, go right along it, then down to G.

    A policy says what to do in *every* state, not only on the route it produces.
    """
    up, right, down = (gridworld.ACTIONS.index(name) for name in ("up", "right", "down"))
    actions = np.empty(world.n_states, dtype=np.intp)
    for state in range(world.n_states):
        row, col = world.cell(state)
        if col == world.cols - 1:
            actions[state] = down if row < world.goal[0] else up
        elif row > travel_row:
            actions[state] = up
        elif row < travel_row:
            actions[state] = down
        else:
            actions[state] = right
    return actions


def follow_policy(world: GridWorld, actions: np.ndarray) -> Episode:
    """The episode a deterministic policy produces from the start (through core's greedy walk
    over a table that prefers the policy's action in every state)."""
    table = np.zeros((world.n_states, gridworld.N_ACTIONS))
    table[np.arange(world.n_states), actions] = 1.0
    return world.greedy_path(table, STEP_THROUGH_CAP)


def discounted_return(rewards: Sequence[float] | np.ndarray, gamma: float) -> float:
    """G_0 = R_1 + γ R_2 + γ² R_3 + ...: the reward k steps after the first weighted by γ^k."""
    rewards = np.asarray(rewards, dtype=float)
    return float(np.sum(rewards * gamma ** np.arange(len(rewards))))


def half_life(gamma: float) -> float:
    """Steps after which γ^k has fallen to one half (infinite for γ = 1)."""
    return float("inf") if gamma >= 1.0 else float(np.log(0.5) / np.log(gamma))


def horizon(gamma: float) -> float:
    """1 / (1 − γ): the sum of all the weights γ^k, how many steps the agent 'sees'."""
    return float("inf") if gamma >= 1.0 else 1.0 / (1.0 - gamma)


# --- Summaries of a learning result ----------------------------------------------------------


def last_window(result: LearningResult, window: int = 100) -> slice:
    """The last ``window`` episodes (all of them if there are fewer): where the book reads
    Figure 6.4, after learning has mostly settled."""
    return slice(max(0, result.episodes - window), result.episodes)


def late_return(result: LearningResult) -> float:
    """Mean online sum of rewards per episode over the last 100 episodes."""
    return float(result.episode_returns[:, last_window(result)].mean())


def falls(result: LearningResult) -> np.ndarray:
    """Steps into the cliff in every episode, shape ``(runs, episodes)``.

    Read off the bookkeeping: each step pays the step reward except a fall (the cliff reward)
    and the arrival (step + goal reward), so the return, the length and whether the episode
    reached the goal fix the number of falls.
    """
    world = result.world
    if world.cliff_reward == world.step_reward:
        raise ValueError("cliff_reward must differ from step_reward to count falls")
    reached = ~result.truncated
    ordinary = result.episode_returns - world.step_reward * result.episode_lengths
    ordinary = ordinary - world.goal_reward * reached
    return np.rint(ordinary / (world.cliff_reward - world.step_reward)).astype(int)


@dataclass(frozen=True)
class GreedySummary:
    """Where each run's final greedy policy leads from the start (no exploration)."""

    paths: tuple[Episode, ...]
    optimal_return: float | None

    @property
    def runs(self) -> int:
        return len(self.paths)

    @property
    def reaching(self) -> int:
        """Runs whose greedy path reaches the goal."""
        return sum(path.terminated for path in self.paths)

    @property
    def looping(self) -> int:
        """Runs whose greedy path never reaches the goal: in a deterministic world it loops."""
        return self.runs - self.reaching

    @property
    def optimal(self) -> int:
        """Runs whose greedy path reaches the goal with the optimal total reward."""
        if self.optimal_return is None:
            return 0
        return sum(
            path.terminated and bool(np.isclose(path.total_reward, self.optimal_return))
            for path in self.paths
        )

    def common_returns(self) -> list[tuple[float, int]]:
        """(total reward, runs) of the paths that reach the goal, most common first."""
        counts = Counter(round(path.total_reward, 6) for path in self.paths if path.terminated)
        return counts.most_common()


@st.cache_data(max_entries=64, ttl=CACHE_SECONDS, show_spinner=False)
def _greedy_paths(world: GridWorld, tables: np.ndarray, max_steps: int) -> tuple[Episode, ...]:
    # A looping greedy path walks all max_steps in Python: worth keeping across reruns.
    return tuple(world.greedy_path(q, max_steps) for q in tables)


def greedy_summary(
    result: LearningResult, optimal_return: float | None, max_steps: int
) -> GreedySummary:
    """Where the greedy policy of each run's final table leads (paths cut at ``max_steps``)."""
    return GreedySummary(
        paths=_greedy_paths(result.world, result.q, max_steps), optimal_return=optimal_return
    )


def optimal_start_return(values: OptimalValues, world: GridWorld) -> float | None:
    """The total (undiscounted) reward of the optimal greedy path, or None if there is none."""
    if values.unbounded or not values.converged:
        return None
    path = world.greedy_path(values.q, STEP_THROUGH_CAP)
    return path.total_reward if path.terminated else None


def book_best_return() -> float:
    """The optimal path's total reward on the book's cliff walk: -13, it always exists there."""
    best = optimal_start_return(optimal(BOOK_WORLD, BOOK_GAMMA), BOOK_WORLD)
    assert best is not None, "the book's cliff walk has an optimal path"
    return best


# --- The reward designer ---------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A reward design worth trying, and what to look for (no numbers: those are computed)."""

    name: str
    step_reward: float
    cliff_reward: float
    goal_reward: float
    gamma: float
    look_for: str
    walls: tuple[tuple[int, int], ...] = ()
    extra_cliff: tuple[tuple[int, int], ...] = ()

    def world(self) -> GridWorld:
        world = GridWorld.cliff(self.step_reward, self.cliff_reward, self.goal_reward)
        for cell in self.walls:
            world = world.with_cell(cell, "wall")
        for cell in self.extra_cliff:
            world = world.with_cell(cell, "cliff")
        return world


PRESETS: tuple[Preset, ...] = (
    Preset(
        "The book's cliff walk",
        -1.0,
        -100.0,
        0.0,
        1.0,
        "Every step costs 1, so the shortest safe route is best; a fall costs 100 and sends "
        "the agent back to the start.",
    ),
    Preset(
        "A mild cliff (−5)",
        -1.0,
        -5.0,
        0.0,
        1.0,
        "A fall now costs as much as five steps, but it still sends the agent back to the "
        "start, so walking through the cliff never pays: the route stays the same. What "
        "changes is how much exploring near the edge costs (see *Try this*).",
    ),
    Preset(
        "No step cost, no goal reward (γ = 1)",
        0.0,
        -100.0,
        0.0,
        1.0,
        "Nothing is gained by arriving and nothing is lost by waiting, so every safe action "
        "is worth exactly 0: the agent has no reason to hurry, and its greedy path may go "
        "in circles.",
    ),
    Preset(
        "Goal +10, no step cost (γ = 1)",
        0.0,
        -100.0,
        10.0,
        1.0,
        "Every route that reaches the goal is worth the same 10, however long it takes, so "
        "nothing favours the short one.",
    ),
    Preset(
        "Goal +10, no step cost (γ = 0.9)",
        0.0,
        -100.0,
        10.0,
        0.9,
        "The same rewards, discounted: a reward k steps away is worth 0.9^k of itself, so "
        "the shortest route is now the best one. Whether the agent finds it depends on how "
        "much it explores.",
    ),
    Preset(
        "Paid to wander (step +1)",
        1.0,
        -100.0,
        0.0,
        1.0,
        "Every step pays, and arriving ends the pay: the agent learns to avoid the goal. "
        "With γ = 1 the values grow without bound.",
    ),
    Preset(
        "A wall in the way at (2, 5)",
        -1.0,
        -100.0,
        0.0,
        1.0,
        "The shortest route along the edge is blocked, so the agent must detour around the wall.",
        walls=((2, 5),),
    ),
)
PRESET_NAMES = tuple(preset.name for preset in PRESETS)


def preset(name: str) -> Preset:
    return PRESETS[PRESET_NAMES.index(name)]


def designed_world(
    step_reward: float,
    cliff_reward: float,
    goal_reward: float,
    cliff_cells: Sequence[tuple[int, int]],
    wall_cells: Sequence[tuple[int, int]],
) -> GridWorld:
    """The 4 × 12 cliff-walk grid with the learner's rewards and painted cells."""
    return replace(
        BOOK_WORLD,
        step_reward=float(step_reward),
        cliff_reward=float(cliff_reward),
        goal_reward=float(goal_reward),
        cliff_cells=tuple(cliff_cells),
        wall_cells=tuple(wall_cells),
    )


def design_learning(learning: Learning) -> Learning:
    """The designer's settings: the sidebar's ε, α and seed with the designer's budget."""
    return replace(learning, episodes=DESIGN_EPISODES, runs=DESIGN_RUNS)


def learn_design(
    algorithm: gridworld.Algorithm, world: GridWorld, gamma: float, learning: Learning
) -> LearningResult:
    """The designer's run of ``algorithm`` on ``world`` (see :func:`design_learning`)."""
    return learn(algorithm, world, design_learning(learning), gamma, DESIGN_CAP)
