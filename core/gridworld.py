"""Tabular Q-learning and Sarsa on a grid world (Sutton & Barto 2018, chapter 6), vectorised.

World
    A ``rows`` x ``cols`` grid. State ``row * cols + col``; actions 0 up, 1 right, 2 down,
    3 left (Gymnasium's ``CliffWalking-v1`` numbering). Every episode starts at ``start`` and
    ends on entering ``goal``. :meth:`GridWorld.cliff` is the book's cliff walk (Example 6.6).

Rewards
    A step onto an ordinary cell, into a wall or off the grid pays ``step_reward`` (the last
    two leave the agent where it was). A step into a cliff cell pays ``cliff_reward`` instead
    and sends the agent back to ``start``; the episode goes on. The step into the goal pays
    ``step_reward + goal_reward``: ``goal_reward`` is a bonus on arrival, so the default 0
    pays -1 there, exactly as ``CliffWalking-v1`` does (its table is checked in the tests).

Learning
    :func:`q_learning` and :func:`sarsa` run ``runs`` independent agents, each for
    ``episodes`` episodes, all in lockstep: every pass of the only Python loop moves every
    unfinished run one step, a run that ends an episode starts its next one at once, and the
    loop ends when every run has done ``episodes`` episodes. Q starts at 0 (as in the book) and
    the values of the goal, cliff and wall cells stay 0: the agent never acts there.
    :func:`reference_run` is the same algorithm written as a plain loop over one run: the code
    a learner reads, tested against the vectorised engine. :func:`learning_episode` is one
    episode of that loop from any table, with every update recorded, for a page to step
    through.

Step cap
    An episode that has not reached the goal after ``max_episode_steps`` steps is cut off
    (truncated) and the run starts its next episode; the result reports which episodes were
    cut. The cut is a time limit, not a terminal state, so the last update before it still
    bootstraps from the next state. Without it a world whose goal cannot be reached, or one
    that pays for loitering, would never finish. The default 1,000 leaves the book's cliff walk
    (Figure 6.4's settings, 500 runs x 500 episodes measured) almost untouched: Q-learning's
    longest episode was 783 steps; Sarsa, whose Q stays noisy with alpha = 0.5, sometimes
    walks a loop for a while, and 10 of its 250,000 episodes were longer than 1,000 steps.
    A world where no episode reaches the goal costs ``episodes * max_episode_steps`` steps of
    the loop, about 15 microseconds of CPU each for 50 runs: 500 episodes of 1,000 steps take
    about 7.5 CPU-seconds, so a page that lets learners design worlds should pass a smaller
    cap or fewer episodes.

Randomness and ties
    Everything random comes from one ``np.random.SeedSequence(seed)``: the same call gives
    identical arrays. Random numbers are drawn in blocks of steps for all runs at once, and run
    r's step t always uses the same numbers, so a run does not depend on when the other runs
    finish: ``episodes=100`` gives exactly the first 100 episodes of ``episodes=500``.

    Ties in argmax are broken at random, afresh at every step. Each run sees the four actions in
    a new uniformly random order (one of the 24 permutations) at every step and takes the
    first maximum in that order, which is uniformly distributed over the tied actions: the
    same as a fresh coin flip among them. The orders are drawn with the block, so at each step
    this costs one gather and one argmax over all runs. (The bandit engine's cheaper trick,
    one order fixed per run, is not exact here: ties recur among actions that were already
    updated, and a fixed order would favour the same action at every recurrence.) An
    exploring step takes the order's first action, which is uniform over all four, as in the
    book's epsilon-greedy.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import numpy as np

from core.validation import check_int, check_number

ACTIONS: tuple[str, ...] = ("up", "right", "down", "left")
ARROWS: tuple[str, ...] = ("↑", "→", "↓", "←")
N_ACTIONS = 4
MOVES: tuple[tuple[int, int], ...] = ((-1, 0), (0, 1), (1, 0), (0, -1))
"""(row, col) change of each action: row 0 is the top of the grid."""

Algorithm = Literal["q_learning", "sarsa"]
ALGORITHMS: tuple[Algorithm, ...] = ("q_learning", "sarsa")
CELL_KINDS: tuple[str, ...] = ("floor", "cliff", "wall")

MAX_SIDE = 20
MAX_REWARD = 1000.0
"""Rewards lie in [-MAX_REWARD, MAX_REWARD]: ten times the book's cliff penalty."""
MAX_EPISODES = 10_000
MAX_RUNS = 1_000
MAX_EPISODE_STEPS = 100_000
DEFAULT_MAX_EPISODE_STEPS = 1_000
MAX_RUN_EPISODES = 1_000_000
"""Largest ``runs * episodes``: the size of each per-episode result array."""
MAX_LOCKSTEP_STEPS = 5_000_000
"""Largest ``episodes * max_episode_steps``: the loop's worst case (about 100 s) when no run
ever reaches the goal."""

_BLOCK = 256
"""Steps of random numbers drawn at once: fast bulk draws with bounded memory."""
_PERMUTATIONS = np.array(list(itertools.permutations(range(N_ACTIONS))), dtype=np.intp)
Cell = tuple[int, int]


def _cells_allowed(rows: int, cols: int) -> str:
    return f"(row, col) cells with row from 0 to {rows - 1} and col from 0 to {cols - 1}"


def _as_cell(value: object, rows: int, cols: int) -> Cell | None:
    """``value`` as a (row, col) pair of plain ints on the grid, or None if it is not one."""
    if not isinstance(value, Iterable):
        return None
    try:
        row, col = value
    except (TypeError, ValueError):
        return None
    for part in (row, col):
        if isinstance(part, bool) or not isinstance(part, numbers.Integral):
            return None
    if not (0 <= row < rows and 0 <= col < cols):
        return None
    return int(row), int(col)


def _check_cell(name: str, value: object, rows: int, cols: int) -> Cell:
    cell = _as_cell(value, rows, cols)
    if cell is None:
        allowed = _cells_allowed(rows, cols).replace("cells", "cell", 1)
        raise ValueError(f"{name} must be a {allowed}, got {value!r}")
    return cell


def _check_cells(name: str, value: object, rows: int, cols: int) -> tuple[Cell, ...]:
    """A collection of cells, returned sorted and without repeats (a canonical, hashable form)."""
    allowed = _cells_allowed(rows, cols)
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must be a collection of {allowed}, got {value!r}")
    cells = set()
    for item in value:
        cell = _as_cell(item, rows, cols)
        if cell is None:
            raise ValueError(f"{name} must contain only {allowed}, got {item!r} among them")
        cells.add(cell)
    return tuple(sorted(cells))


@dataclass(frozen=True)
class Episode:
    """One episode: ``states`` has one more entry than ``actions`` and ``rewards``.

    ``states[t]`` is where the agent stood before action ``actions[t]``, which paid
    ``rewards[t]``; the last state is where the episode stopped. ``terminated`` is True when it
    reached the goal, ``truncated`` when the step cap cut it off first.
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    terminated: bool
    truncated: bool

    @property
    def total_reward(self) -> float:
        """The undiscounted return: the sum of the episode's rewards."""
        return float(self.rewards.sum())


@dataclass(frozen=True)
class GridWorld:
    """A deterministic grid world: where the agent starts, where it wants to go, what hurts.

    Frozen and hashable (cells are stored as sorted tuples), so a page can cache on it. Paint
    cells with :meth:`with_cell`; change anything else with ``dataclasses.replace``.

    Parameters
        rows, cols: grid size, each from 1 to 20.
        start, goal: (row, col) cells, different, neither a cliff nor a wall.
        cliff_cells: cells that pay ``cliff_reward`` and send the agent back to ``start``.
        wall_cells: cells that cannot be entered: the agent stays put and pays ``step_reward``.
        step_reward, cliff_reward, goal_reward: in [-1000, 1000]; see the module docstring
            for which step pays what (the step into the goal pays step_reward + goal_reward).
    """

    rows: int
    cols: int
    start: Cell
    goal: Cell
    cliff_cells: tuple[Cell, ...] = ()
    wall_cells: tuple[Cell, ...] = ()
    step_reward: float = -1.0
    cliff_reward: float = -100.0
    goal_reward: float = 0.0

    def __post_init__(self) -> None:
        rows = check_int("rows", self.rows, 1, MAX_SIDE)
        cols = check_int("cols", self.cols, 1, MAX_SIDE)
        start = _check_cell("start", self.start, rows, cols)
        goal = _check_cell("goal", self.goal, rows, cols)
        cliff = _check_cells("cliff_cells", self.cliff_cells, rows, cols)
        walls = _check_cells("wall_cells", self.wall_cells, rows, cols)
        both = sorted(set(cliff) & set(walls))
        if both:
            raise ValueError(f"wall_cells must not include cliff cells, got {both[0]} in both")
        for name, cell in (("start", start), ("goal", goal)):
            if cell in cliff or cell in walls:
                kind = "cliff" if cell in cliff else "wall"
                raise ValueError(f"{name} must not be a cliff or wall cell, got {cell} ({kind})")
        if start == goal:
            raise ValueError(f"goal must differ from start, got {goal} for both")
        rewards = {
            name: check_number(name, getattr(self, name), -MAX_REWARD, MAX_REWARD)
            for name in ("step_reward", "cliff_reward", "goal_reward")
        }
        normalised: dict[str, object] = {"rows": rows, "cols": cols, "start": start, "goal": goal}
        normalised |= {"cliff_cells": cliff, "wall_cells": walls, **rewards}
        for name, value in normalised.items():
            object.__setattr__(self, name, value)

    @classmethod
    def cliff(
        cls, step_reward: float = -1.0, cliff_reward: float = -100.0, goal_reward: float = 0.0
    ) -> GridWorld:
        """The book's cliff walk: 4 x 12, start (3, 0), goal (3, 11), the 10 cells between."""
        return cls(
            rows=4,
            cols=12,
            start=(3, 0),
            goal=(3, 11),
            cliff_cells=tuple((3, col) for col in range(1, 11)),
            step_reward=step_reward,
            cliff_reward=cliff_reward,
            goal_reward=goal_reward,
        )

    @property
    def n_states(self) -> int:
        """Every cell is a state (cliff, wall and goal cells too; their values stay 0)."""
        return self.rows * self.cols

    def state(self, cell: Cell) -> int:
        """The state number of a (row, col) cell: ``row * cols + col``."""
        row, col = _check_cell("cell", cell, self.rows, self.cols)
        return row * self.cols + col

    def cell(self, state: int) -> Cell:
        """The (row, col) cell of a state number."""
        state = check_int("state", state, 0, self.n_states - 1)
        return divmod(state, self.cols)

    @property
    def start_state(self) -> int:
        return self.state(self.start)

    @property
    def goal_state(self) -> int:
        return self.state(self.goal)

    def with_cell(self, cell: Cell, kind: str) -> GridWorld:
        """A copy with ``cell`` painted as ``"floor"``, ``"cliff"`` or ``"wall"``."""
        if kind not in CELL_KINDS:
            raise ValueError(f"kind must be one of {', '.join(CELL_KINDS)}; got {kind!r}")
        cell = _check_cell("cell", cell, self.rows, self.cols)
        cliff = set(self.cliff_cells) - {cell}
        walls = set(self.wall_cells) - {cell}
        {"cliff": cliff, "wall": walls}.get(kind, set()).add(cell)
        return replace(self, cliff_cells=tuple(cliff), wall_cells=tuple(walls))

    def transitions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(next_state, reward, terminated)``, each of shape ``(n_states, 4)``, read-only.

        Rows of the goal, cliff and wall cells follow the same rule as the others (as in
        Gymnasium's table) but are never used: the agent never acts from those cells.
        """
        return _transitions(self)

    def step(self, state: int, action: int) -> tuple[int, float, bool]:
        """Where ``action`` from ``state`` leads: ``(next_state, reward, terminated)``."""
        state = check_int("state", state, 0, self.n_states - 1)
        action = check_int("action", action, 0, N_ACTIONS - 1)
        next_state, reward, terminated = self.transitions()
        return (
            int(next_state[state, action]),
            float(reward[state, action]),
            bool(terminated[state, action]),
        )

    def _check_q(self, q: object) -> np.ndarray:
        table = np.asarray(q, dtype=float)
        if table.shape != (self.n_states, N_ACTIONS):
            raise ValueError(
                f"q must have shape ({self.n_states}, {N_ACTIONS}) for this world, "
                f"got {table.shape}"
            )
        return table

    def greedy_actions(self, q: np.ndarray) -> np.ndarray:
        """argmax_a Q(s, a) for every state, ties to the first of up, right, down, left.

        A fixed tie rule keeps the drawn policy from flickering between redraws; use
        :func:`best_actions` to see every tied action.
        """
        return self._check_q(q).argmax(axis=1)

    def greedy_path(self, q: np.ndarray, max_steps: int = DEFAULT_MAX_EPISODE_STEPS) -> Episode:
        """Follow the greedy policy of ``q`` from the start until the goal or ``max_steps``.

        A greedy policy in a deterministic world that revisits a state loops forever, so a
        path that does not reach the goal runs into the cap; its ``total_reward`` is then the
        reward of ``max_steps`` steps.
        """
        actions = self.greedy_actions(q)
        max_steps = check_int("max_steps", max_steps, 1, MAX_EPISODE_STEPS)
        return _follow(self, lambda state: int(actions[state]), max_steps)

    def greedy_return(self, q: np.ndarray, max_steps: int = DEFAULT_MAX_EPISODE_STEPS) -> float:
        """Total reward of :meth:`greedy_path`: -13 along the cliff edge, -17 on the safe route."""
        return self.greedy_path(q, max_steps).total_reward


@lru_cache(maxsize=256)
def _transitions(world: GridWorld) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shape = (world.n_states, N_ACTIONS)
    next_state = np.empty(shape, dtype=np.intp)
    reward = np.full(shape, world.step_reward)
    terminated = np.zeros(shape, dtype=bool)
    cliff, walls = set(world.cliff_cells), set(world.wall_cells)
    start = world.start_state
    for state in range(world.n_states):
        row, col = divmod(state, world.cols)
        for action, (d_row, d_col) in enumerate(MOVES):
            target = (
                min(max(row + d_row, 0), world.rows - 1),
                min(max(col + d_col, 0), world.cols - 1),
            )
            if target in walls:
                target = (row, col)
            if target in cliff:
                next_state[state, action] = start
                reward[state, action] = world.cliff_reward
                continue
            next_state[state, action] = target[0] * world.cols + target[1]
            if target == world.goal:
                reward[state, action] = world.step_reward + world.goal_reward
                terminated[state, action] = True
    for table in (next_state, reward, terminated):
        table.setflags(write=False)
    return next_state, reward, terminated


def _follow(world: GridWorld, policy: Callable[[int], int], max_steps: int) -> Episode:
    """Run one episode from the start with ``policy(state) -> action``, without learning."""
    next_state, reward, terminated = world.transitions()
    states: list[int] = [world.start_state]
    actions: list[int] = []
    rewards: list[float] = []
    done = False
    while not done and len(actions) < max_steps:
        state = states[-1]
        action = policy(state)
        actions.append(action)
        rewards.append(float(reward[state, action]))
        states.append(int(next_state[state, action]))
        done = bool(terminated[state, action])
    return Episode(
        states=np.array(states, dtype=np.intp),
        actions=np.array(actions, dtype=np.intp),
        rewards=np.array(rewards),
        terminated=done,
        truncated=not done,
    )


def best_actions(q: np.ndarray, tolerance: float = 1e-9) -> np.ndarray:
    """Boolean mask, shape ``(n_states, 4)``: the actions within ``tolerance`` of the maximum.

    The tolerance is relative to the size of the values (at least 1), so sums that only differ
    by rounding count as ties.
    """
    q = np.asarray(q, dtype=float)
    check_number("tolerance", tolerance, 0.0, 1.0)
    best = q.max(axis=-1, keepdims=True)
    return q >= best - tolerance * np.maximum(1.0, np.abs(best))


def trace_episode(
    world: GridWorld,
    q: np.ndarray,
    epsilon: float = 0.0,
    seed: int = 0,
    max_steps: int = DEFAULT_MAX_EPISODE_STEPS,
) -> Episode:
    """One episode from the start under the epsilon-greedy policy of a fixed ``q``.

    Nothing is learned on the way, so a page can step through what a trained agent does,
    exploring included. Ties are broken at random, as while learning; ``epsilon=0`` is the
    greedy policy with random ties (:meth:`GridWorld.greedy_path` breaks them by order).
    """
    table = world._check_q(q)
    epsilon = check_number("epsilon", epsilon, 0.0, 1.0)
    seed = check_int("seed", seed, 0, 2**32 - 1)
    max_steps = check_int("max_steps", max_steps, 1, MAX_EPISODE_STEPS)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    values = table.tolist()
    return _follow(world, lambda state: _epsilon_greedy(values[state], epsilon, rng), max_steps)


@dataclass(frozen=True)
class OptimalValues:
    """Result of :func:`optimal_q`.

    q: shape ``(n_states, 4)``; the optimal action values if ``converged``.
    converged: the last sweep changed no value by more than the tolerance.
    unbounded: with gamma = 1 the values left every finite bound (a loop that pays, or a goal
        that cannot be reached while every step costs), so no optimal values exist; ``q`` then
        holds the best total reward over the next ``iterations`` steps.
    iterations: sweeps done.
    """

    q: np.ndarray
    converged: bool
    unbounded: bool
    iterations: int


def optimal_q(
    world: GridWorld,
    gamma: float = 1.0,
    *,
    max_iterations: int = 100_000,
    tolerance: float = 1e-10,
) -> OptimalValues:
    """Optimal action values q* by value iteration: Q(s, a) <- r + gamma max_a' Q(s', a').

    Sweeps start from Q = 0, so after k sweeps Q(s, a) is the best discounted reward of the
    next k steps. With gamma < 1 this converges. With gamma = 1 it converges when every loop
    costs or pays nothing; if a loop pays, or the goal cannot be reached and every step costs,
    the values grow without bound: then ``unbounded`` is set and the sweeps stop early (a
    finite optimal value with gamma = 1 needs at most ``n_states`` steps, each worth at most
    the largest reward, so the bound is ``(n_states + 1) * max |reward|``). When loops cost
    nothing (step_reward = 0, gamma = 1), q* is not unique: starting from 0 gives the smallest
    solution, where loitering forever counts as the sum of its rewards, 0, and many actions tie.
    The values of the goal, cliff and wall cells stay 0.
    """
    if not isinstance(world, GridWorld):
        raise ValueError(f"world must be a GridWorld, got {world!r}")
    gamma = check_number("gamma", gamma, 0.0, 1.0)
    max_iterations = check_int("max_iterations", max_iterations, 1, 1_000_000)
    tolerance = check_number("tolerance", tolerance, 0.0, 1.0)
    next_state, reward, terminated = world.transitions()
    discount = np.where(terminated, 0.0, gamma)
    acting = _acting_states(world)
    reward = np.where(acting[:, None], reward, 0.0)
    discount = np.where(acting[:, None], discount, 0.0)
    bound = (world.n_states + 1) * float(np.abs(reward).max())
    q = np.zeros_like(reward)
    for iteration in range(1, max_iterations + 1):
        updated = reward + discount * q.max(axis=1)[next_state]
        change = float(np.abs(updated - q).max())
        q = updated
        if change <= tolerance * max(1.0, float(np.abs(q).max())):
            return OptimalValues(q=q, converged=True, unbounded=False, iterations=iteration)
        if gamma == 1.0 and float(np.abs(q).max()) > bound:
            return OptimalValues(q=q, converged=False, unbounded=True, iterations=iteration)
    return OptimalValues(q=q, converged=False, unbounded=False, iterations=max_iterations)


def _acting_states(world: GridWorld) -> np.ndarray:
    """True for cells the agent can stand on and act from: not the goal, a cliff or a wall."""
    acting = np.ones(world.n_states, dtype=bool)
    for cell in (world.goal, *world.cliff_cells, *world.wall_cells):
        acting[world.state(cell)] = False
    return acting


@dataclass(frozen=True)
class LearningResult:
    """Everything a page shows about ``runs`` independent runs of one algorithm.

    episode_returns: shape ``(runs, episodes)``, the sum of rewards of each episode, earned
        while exploring (the book's "sum of rewards during episode", Figure 6.4).
    episode_lengths: shape ``(runs, episodes)``, steps of each episode.
    truncated: shape ``(runs, episodes)``, True for episodes the step cap cut off.
    q: shape ``(runs, n_states, 4)``, each run's action values after its last episode.
    """

    algorithm: Algorithm
    world: GridWorld
    episodes: int
    runs: int
    alpha: float
    epsilon: float
    gamma: float
    seed: int
    max_episode_steps: int
    episode_returns: np.ndarray
    episode_lengths: np.ndarray
    truncated: np.ndarray
    q: np.ndarray

    @property
    def mean_returns(self) -> np.ndarray:
        """Sum of rewards per episode averaged over runs, shape ``(episodes,)``: the curve."""
        return self.episode_returns.mean(axis=0)

    @property
    def truncated_episodes(self) -> int:
        """How many episodes, over all runs, the step cap cut off."""
        return int(np.count_nonzero(self.truncated))

    def greedy_returns(self, max_steps: int = DEFAULT_MAX_EPISODE_STEPS) -> np.ndarray:
        """:meth:`GridWorld.greedy_return` of each run's final q, shape ``(runs,)``."""
        return np.array([self.world.greedy_return(q, max_steps) for q in self.q])


def _check_learning(
    world: GridWorld,
    episodes: int,
    runs: int,
    alpha: float,
    epsilon: float,
    gamma: float,
    seed: int,
    max_episode_steps: int,
) -> dict:
    """Validated parameters as plain Python numbers, or ValueError naming the first bad one."""
    if not isinstance(world, GridWorld):
        raise ValueError(f"world must be a GridWorld such as GridWorld.cliff(), got {world!r}")
    checked = {
        "episodes": check_int("episodes", episodes, 1, MAX_EPISODES),
        "runs": check_int("runs", runs, 1, MAX_RUNS),
        "alpha": check_number("alpha", alpha, 0.0, 1.0, low_open=True),
        "epsilon": check_number("epsilon", epsilon, 0.0, 1.0),
        "gamma": check_number("gamma", gamma, 0.0, 1.0),
        "seed": check_int("seed", seed, 0, 2**32 - 1),
        "max_episode_steps": check_int(
            "max_episode_steps", max_episode_steps, 1, MAX_EPISODE_STEPS
        ),
    }
    if checked["runs"] * checked["episodes"] > MAX_RUN_EPISODES:
        raise ValueError(
            f"runs * episodes must be at most {MAX_RUN_EPISODES:,} to fit in memory, "
            f"got {runs:,} * {episodes:,}"
        )
    if checked["episodes"] * checked["max_episode_steps"] > MAX_LOCKSTEP_STEPS:
        raise ValueError(
            f"episodes * max_episode_steps must be at most {MAX_LOCKSTEP_STEPS:,} to bound the "
            f"running time, got {episodes:,} * {max_episode_steps:,}"
        )
    return checked


def q_learning(
    world: GridWorld,
    episodes: int = 500,
    runs: int = 50,
    alpha: float = 0.5,
    epsilon: float = 0.1,
    gamma: float = 1.0,
    seed: int = 0,
    *,
    max_episode_steps: int = DEFAULT_MAX_EPISODE_STEPS,
) -> LearningResult:
    """Q-learning (off-policy TD control): act epsilon-greedily, learn about the greedy policy.

    Q(S, A) <- Q(S, A) + alpha [R + gamma max_a Q(S', a) - Q(S, A)], with Q(goal, .) = 0.
    Parameters: alpha in (0, 1], epsilon and gamma in [0, 1], episodes from 1 to 10,000, runs
    from 1 to 1,000, max_episode_steps from 1 to 100,000 (see the module docstring).
    """
    checked = _check_learning(world, episodes, runs, alpha, epsilon, gamma, seed, max_episode_steps)
    return _learn(world, "q_learning", **checked)


def sarsa(
    world: GridWorld,
    episodes: int = 500,
    runs: int = 50,
    alpha: float = 0.5,
    epsilon: float = 0.1,
    gamma: float = 1.0,
    seed: int = 0,
    *,
    max_episode_steps: int = DEFAULT_MAX_EPISODE_STEPS,
) -> LearningResult:
    """Sarsa (on-policy TD control): learn about the epsilon-greedy policy it follows.

    Q(S, A) <- Q(S, A) + alpha [R + gamma Q(S', A') - Q(S, A)], where A' is the action the
    agent will take next, chosen before the update as in the book's pseudocode. Because A'
    is sometimes random, a cell next to the cliff is worth less, and Sarsa learns the longer,
    safer route. Parameters as for :func:`q_learning`.
    """
    checked = _check_learning(world, episodes, runs, alpha, epsilon, gamma, seed, max_episode_steps)
    return _learn(world, "sarsa", **checked)


class _RandomBlocks:
    """Per-step random numbers of every run, drawn ``_BLOCK`` steps at a time.

    For each step, run and slot, one choice's randomness: an action order (one of the 24
    permutations of the four actions) and whether to explore. Q-learning needs one slot per
    step; Sarsa two: one for the next action A', one for the rare fresh choice at the start
    (after an episode cut by the cap, or after a step from the start straight into the goal).
    Blocks are drawn for all runs, so run r's numbers at step t do not depend on the other
    runs; only the columns of runs still active are kept.
    """

    def __init__(self, rng: np.random.Generator, runs: int, slots: int, epsilon: float) -> None:
        self.rng, self.runs, self.slots, self.epsilon = rng, runs, slots, epsilon
        self.active = np.arange(runs)
        self.orders = np.empty((slots, 0, runs, N_ACTIONS), dtype=np.intp)
        self.explore = np.empty((slots, 0, runs), dtype=bool)

    def draw(self, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Orders ``(slots, steps, active runs, 4)`` and explore flags for the next steps."""
        shape = (self.slots, steps, self.runs)
        orders = _PERMUTATIONS[self.rng.integers(len(_PERMUTATIONS), size=shape)]
        explore = self.rng.random(shape) < self.epsilon
        if self.active.size < self.runs:
            return orders[:, :, self.active], explore[:, :, self.active]
        return orders, explore

    def next_block(self) -> None:
        self.orders, self.explore = self.draw(_BLOCK)

    def keep(self, keep: np.ndarray) -> None:
        """Keep the columns of the runs still active (``keep`` masks the active runs)."""
        self.active = self.active[keep]
        self.orders = self.orders[:, :, keep]
        self.explore = self.explore[:, :, keep]


def _choose(
    q_flat: np.ndarray,
    first_index: np.ndarray,
    order: np.ndarray,
    explore: np.ndarray,
    row_offsets: np.ndarray,
) -> np.ndarray:
    """Epsilon-greedy actions with random ties, for every active run at once.

    ``first_index`` is the flat index of Q(s, up) in each run's table; ``order`` each run's
    random action order. The greedy action is the first maximum in that order; an exploring
    run takes the order's first action.
    """
    position = q_flat.take(first_index[:, None] + order).argmax(axis=1)
    greedy = order.reshape(-1).take(row_offsets + position)
    return np.where(explore, order[:, 0], greedy)


def _learn(
    world: GridWorld,
    algorithm: Algorithm,
    episodes: int,
    runs: int,
    alpha: float,
    epsilon: float,
    gamma: float,
    seed: int,
    max_episode_steps: int,
) -> LearningResult:
    """The lockstep loop behind :func:`q_learning` and :func:`sarsa`.

    All runs' tables are stacked: run r's state s is row ``r * n_states + s`` of ``q`` (shape
    ``(runs * n_states, 4)``), and the transition tables are tiled the same way, so one flat
    index ``row * 4 + action`` reads the next row, the reward and Q(S, A) of every run.

    A step into the goal leads straight to the start row, with discount 0, so the target is
    R + 0 (as if Q(goal, .) = 0) and the next episode needs no reset. Sarsa's next action A'
    is then already the first action of the next episode, chosen at the start like any A'.
    Choosing it before the update of Q(S, A) rather than after only matters when S is the
    start itself; such runs choose again after the update.
    """
    is_sarsa = algorithm == "sarsa"
    n_states = world.n_states
    next_local, reward_local, terminated_local = world.transitions()
    next_local = np.where(terminated_local, world.start_state, next_local)
    run_rows = np.arange(runs)[:, None, None] * n_states
    next_row = (run_rows + next_local[None]).reshape(-1)
    reward_of = np.tile(reward_local.reshape(-1), runs)
    terminated_of = np.tile(terminated_local.reshape(-1), runs)
    discount_of = np.where(terminated_of, 0.0, gamma)
    goal_next_to_start = bool(terminated_local[world.start_state].any())
    q = np.zeros((runs * n_states, N_ACTIONS))
    q_flat = q.reshape(-1)

    # Per episode (flat, run-major): its return, the step it ended at, whether it was cut.
    returns_out = np.zeros(runs * episodes)
    ends_out = np.zeros(runs * episodes, dtype=np.int64)
    truncated_out = np.zeros(runs * episodes, dtype=bool)
    is_last = np.zeros(runs * episodes, dtype=bool)
    is_last[episodes - 1 :: episodes] = True  # each run's last episode

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    blocks = _RandomBlocks(rng, runs, 2 if is_sarsa else 1, epsilon)

    # Per active run: its start row, current row (and action, for Sarsa), the reward of the
    # episode so far, and the flat index of its current episode in the per-episode arrays.
    start_row = np.arange(runs) * n_states + world.start_state
    row = start_row.copy()
    returns = np.zeros(runs)
    next_slot = np.arange(runs) * episodes
    end_slot = next_slot + episodes
    row_offsets = np.arange(runs) * N_ACTIONS
    cap_due = max_episode_steps  # no episode can be cut before this step

    # Sarsa's first action of the first episode comes from a draw of its own, before the blocks.
    action = np.empty(0, dtype=np.intp)
    if is_sarsa:
        orders, explore = blocks.draw(1)
        action = _choose(q_flat, row * N_ACTIONS, orders[0, 0], explore[0, 0], row_offsets)
    step = 0
    while row.size:
        i = step % _BLOCK
        if i == 0:
            blocks.next_block()
        first = row * N_ACTIONS
        if is_sarsa:
            taken = first + action
            next_rows = next_row.take(taken)
            next_first = next_rows * N_ACTIONS
            next_action = _choose(
                q_flat, next_first, blocks.orders[0, i], blocks.explore[0, i], row_offsets
            )
            follow_up = q_flat.take(next_first + next_action)
        else:
            action = _choose(q_flat, first, blocks.orders[0, i], blocks.explore[0, i], row_offsets)
            taken = first + action
            next_rows = next_row.take(taken)
            ahead = q.take(next_rows, axis=0)
            follow_up = np.maximum(
                np.maximum(ahead[:, 0], ahead[:, 1]), np.maximum(ahead[:, 2], ahead[:, 3])
            )
        reward = reward_of.take(taken)
        old = q_flat.take(taken)
        q_flat.put(taken, old + alpha * (reward + discount_of.take(taken) * follow_up - old))
        returns += reward
        step += 1

        ended = terminated_of.take(taken)
        cut = None
        if step >= cap_due:
            # The slow path, rarely taken: find episodes that reached the cap and reset them.
            episode = next_slot % episodes
            began = np.where(episode > 0, ends_out.take(next_slot - 1), 0)
            cut = (step - began >= max_episode_steps) & ~ended
            cap_due = int(np.where(cut, step, began).min()) + max_episode_steps
            if cut.any():
                ended = ended | cut
                next_rows[cut] = start_row[cut]
                if is_sarsa:
                    next_action[cut] = _choose(
                        q_flat,
                        next_rows[cut] * N_ACTIONS,
                        blocks.orders[1, i, cut],
                        blocks.explore[1, i, cut],
                        np.arange(np.count_nonzero(cut)) * N_ACTIONS,
                    )
            else:
                cut = None
        if np.count_nonzero(ended):
            finished = np.flatnonzero(ended)
            slot = next_slot.take(finished)
            returns_out.put(slot, returns.take(finished))
            ends_out.put(slot, step)
            if cut is not None:
                truncated_out.put(slot, cut.take(finished))
            returns.put(finished, 0.0)
            next_slot.put(finished, slot + 1)
            if is_sarsa and goal_next_to_start:
                again = finished[row.take(finished) == start_row.take(finished)]
                next_action[again] = _choose(
                    q_flat,
                    next_rows[again] * N_ACTIONS,
                    blocks.orders[1, i, again],
                    blocks.explore[1, i, again],
                    np.arange(again.size) * N_ACTIONS,
                )
            if np.count_nonzero(is_last.take(slot)):
                keep = next_slot < end_slot
                start_row, next_rows, returns = start_row[keep], next_rows[keep], returns[keep]
                next_slot, end_slot = next_slot[keep], end_slot[keep]
                if is_sarsa:
                    next_action = next_action[keep]
                row_offsets = np.arange(next_slot.size) * N_ACTIONS
                blocks.keep(keep)
        row = next_rows
        if is_sarsa:
            action = next_action

    ends = ends_out.reshape(runs, episodes)
    return LearningResult(
        algorithm=algorithm,
        world=world,
        episodes=episodes,
        runs=runs,
        alpha=alpha,
        epsilon=epsilon,
        gamma=gamma,
        seed=seed,
        max_episode_steps=max_episode_steps,
        episode_returns=returns_out.reshape(runs, episodes),
        episode_lengths=np.diff(ends, axis=1, prepend=0),
        truncated=truncated_out.reshape(runs, episodes),
        q=q.reshape(runs, n_states, N_ACTIONS),
    )


def _epsilon_greedy(values: list[float], epsilon: float, rng: np.random.Generator) -> int:
    """With probability epsilon a uniformly random action, else a greedy one, ties at random."""
    return _epsilon_greedy_choice(values, epsilon, rng)[0]


def _epsilon_greedy_choice(
    values: list[float], epsilon: float, rng: np.random.Generator
) -> tuple[int, bool]:
    """:func:`_epsilon_greedy`'s action and whether the coin said explore (same draws)."""
    if rng.random() < epsilon:
        return int(rng.random() * N_ACTIONS), True
    best = max(values)
    tied = [action for action, value in enumerate(values) if value == best]
    return tied[int(rng.random() * len(tied))], False


def reference_run(
    world: GridWorld,
    algorithm: Algorithm,
    episodes: int = 500,
    alpha: float = 0.5,
    epsilon: float = 0.1,
    gamma: float = 1.0,
    seed: int = 0,
    *,
    max_episode_steps: int = DEFAULT_MAX_EPISODE_STEPS,
) -> LearningResult:
    """One run of Q-learning or Sarsa as a plain loop: the book's pseudocode, line by line.

    Same rules as :func:`q_learning` and :func:`sarsa`, one run (``runs`` is 1), its own
    random stream, so it agrees with them in distribution, not number for number. It exists
    to be read and to check the engine. Fifty of these cost about 4-5 times the CPU time of
    one 50-run call of the engine; the engine's lead grows with runs (8-14 times at 200 and
    1,000 runs), because its cost per step hardly depends on how many runs step together.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}")
    checked = _check_learning(world, episodes, 1, alpha, epsilon, gamma, seed, max_episode_steps)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    next_states, rewards, terminals = (table.tolist() for table in world.transitions())
    q = [[0.0] * N_ACTIONS for _ in range(world.n_states)]
    returns, lengths, truncated = [], [], []
    for _ in range(episodes):
        state, total, steps, terminated = world.start_state, 0.0, 0, False
        if algorithm == "sarsa":
            action = _epsilon_greedy(q[state], epsilon, rng)
        while not terminated and steps < max_episode_steps:
            if algorithm == "q_learning":
                action = _epsilon_greedy(q[state], epsilon, rng)
            next_state = next_states[state][action]
            reward, terminated = rewards[state][action], terminals[state][action]
            if algorithm == "q_learning":
                follow_up = max(q[next_state])
            else:
                next_action = _epsilon_greedy(q[next_state], epsilon, rng)
                follow_up = q[next_state][next_action]
            if terminated:
                follow_up = 0.0
            q[state][action] += alpha * (reward + gamma * follow_up - q[state][action])
            state, total, steps = next_state, total + reward, steps + 1
            if algorithm == "sarsa":
                action = next_action
        returns.append(total)
        lengths.append(steps)
        truncated.append(not terminated)
    return LearningResult(
        algorithm=algorithm,
        world=world,
        runs=1,
        q=np.array([q]),
        episode_returns=np.array([returns]),
        episode_lengths=np.array([lengths]),
        truncated=np.array([truncated]),
        **{name: value for name, value in checked.items() if name != "runs"},
    )


@dataclass(frozen=True)
class LearningEpisode:
    """Result of :func:`learning_episode`: one episode and every update it made, in order.

    ``states`` has one more entry than the per-step arrays. Step t (from 0): the agent stood
    in ``states[t]`` (S_t), took ``actions[t]`` (A_t), received ``rewards[t]`` (R_{t+1}) and
    landed in ``states[t + 1]`` (S_{t+1}). ``explored[t]`` is True when the epsilon coin chose
    A_t at random (it may still have hit the greedy action). The update that followed moved
    Q(S_t, A_t) from ``old_values[t]`` to ``new_values[t]``, a fraction alpha of the way to
    ``targets[t]`` = R_{t+1} + gamma * ``follow_up[t]``; ``follow_up[t]`` is
    max_a Q(S_{t+1}, a) for Q-learning, Q(S_{t+1}, A_{t+1}) for Sarsa, and 0 when S_{t+1} is
    the goal.
    """

    algorithm: Algorithm
    world: GridWorld
    alpha: float
    epsilon: float
    gamma: float
    q_start: np.ndarray
    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    explored: np.ndarray
    follow_up: np.ndarray
    targets: np.ndarray
    old_values: np.ndarray
    new_values: np.ndarray
    terminated: bool
    truncated: bool

    @property
    def steps(self) -> int:
        return len(self.actions)

    def table_after(self, step: int) -> np.ndarray:
        """Q after the episode's first ``step`` updates (0: the table it started from)."""
        step = check_int("step", step, 0, self.steps)
        q = self.q_start.copy()
        for state, action, value in zip(
            self.states[:step], self.actions[:step], self.new_values[:step], strict=True
        ):
            q[state, action] = value
        return q

    @property
    def q(self) -> np.ndarray:
        """The table at the end of the episode."""
        return self.table_after(self.steps)

    def choice_table(self, step: int) -> np.ndarray:
        """The table ``actions[step]`` was chosen from (``step`` from 0).

        Q-learning chooses A_t after the update of step t - 1; Sarsa chose it before that
        update, as the A' of step t - 1 (the book's order). The two differ only when that
        update changed the state the agent is in, after a step that left it in place.
        """
        step = check_int("step", step, 0, self.steps - 1)
        return self.table_after(step if self.algorithm == "q_learning" else max(step - 1, 0))


def learning_episode(
    world: GridWorld,
    q: np.ndarray,
    algorithm: Algorithm,
    alpha: float = 0.5,
    epsilon: float = 0.1,
    gamma: float = 1.0,
    seed: int = 0,
    *,
    max_steps: int = DEFAULT_MAX_EPISODE_STEPS,
) -> LearningEpisode:
    """One episode of Q-learning or Sarsa from the table ``q``, with every update recorded.

    The loop of :func:`reference_run`, draw for draw: from a table of zeros it makes exactly
    the updates of that function's first episode with the same seed. It lets a page step
    through what the agent sees, chooses and learns, one step at a time, from any table (such
    as a run's table after some episodes). ``q`` is not changed.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}")
    table = world._check_q(q)
    checked = _check_learning(world, 1, 1, alpha, epsilon, gamma, seed, max_steps)
    alpha, epsilon, gamma = checked["alpha"], checked["epsilon"], checked["gamma"]
    max_steps = checked["max_episode_steps"]
    rng = np.random.default_rng(np.random.SeedSequence(checked["seed"]))
    next_states, rewards, terminals = (part.tolist() for part in world.transitions())
    values = table.tolist()
    state, terminated = world.start_state, False
    states: list[int] = [state]
    actions: list[int] = []
    explored: list[bool] = []
    taken_rewards: list[float] = []
    follow_ups: list[float] = []
    targets: list[float] = []
    old_values: list[float] = []
    new_values: list[float] = []
    if algorithm == "sarsa":
        action, coin = _epsilon_greedy_choice(values[state], epsilon, rng)
    while not terminated and len(actions) < max_steps:
        if algorithm == "q_learning":
            action, coin = _epsilon_greedy_choice(values[state], epsilon, rng)
        next_state = next_states[state][action]
        reward, terminated = rewards[state][action], terminals[state][action]
        if algorithm == "q_learning":
            follow_up = max(values[next_state])
        else:
            next_action, next_coin = _epsilon_greedy_choice(values[next_state], epsilon, rng)
            follow_up = values[next_state][next_action]
        if terminated:
            follow_up = 0.0
        target = reward + gamma * follow_up
        old = values[state][action]
        values[state][action] = old + alpha * (target - old)
        actions.append(action)
        explored.append(coin)
        taken_rewards.append(reward)
        follow_ups.append(follow_up)
        targets.append(target)
        old_values.append(old)
        new_values.append(values[state][action])
        states.append(next_state)
        state = next_state
        if algorithm == "sarsa":
            action, coin = next_action, next_coin
    return LearningEpisode(
        algorithm=algorithm,
        world=world,
        alpha=alpha,
        epsilon=epsilon,
        gamma=gamma,
        q_start=table.copy(),
        states=np.array(states, dtype=np.intp),
        actions=np.array(actions, dtype=np.intp),
        rewards=np.array(taken_rewards),
        explored=np.array(explored, dtype=bool),
        follow_up=np.array(follow_ups),
        targets=np.array(targets),
        old_values=np.array(old_values),
        new_values=np.array(new_values),
        terminated=terminated,
        truncated=not terminated,
    )
