"""The k-armed bandit testbed of Sutton & Barto (2018), chapter 2, vectorised across runs.

Testbed
    Each run is its own bandit problem: ``arms`` true action values q*(a) drawn from
    N(q_mean, 1). Pulling arm A at a step pays a reward R ~ N(q*(A), 1). With ``walk_sd > 0``
    the problem is nonstationary: after every step each q*(a) takes an independent
    N(0, walk_sd) random-walk step (Exercise 2.5).

Strategies
    Small frozen dataclasses with validated parameters. Each has one vectorised rule for
    choosing an arm in every run at once (``select``) and one for learning from the rewards
    (``learn``); :func:`simulate` owns the loop over steps.

Fair comparisons
    Randomness comes from three independent streams spawned from ``seed``: the problems (q*
    and their random walk), the reward noise, and the strategy's own choices. Two strategies
    simulated with the same seed therefore face the same q* and the same reward noise, and the
    same call twice gives identical arrays.

Ties
    Ties in argmax are broken at random. Instead of drawing a tie-breaker at every step, each
    run sees its arms in its own random order, fixed for the run, and ``argmax`` takes the first
    maximum in that order. Exact ties only happen among arms still at their shared initial
    estimate, and what a run has seen says nothing about the order among those arms, so every
    tied arm is equally likely to be chosen, exactly as with a fresh coin flip, at no cost per
    step. Results are reported in the learner's arm numbering.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np

from core.validation import check_int, check_number

MAX_ARMS = 100
MAX_STEPS = 100_000
MAX_RUNS = 100_000
MAX_RUN_STEPS = 50_000_000
"""Largest ``runs * steps``: memory stays O(runs); time is about 0.05 s per million."""

_NOISE_CHUNK = 256
"""Steps of reward noise drawn at once: fast bulk draws with bounded memory."""


def _check_step_size(step_size: float | None) -> None:
    if step_size is not None:
        check_number("step_size", step_size, 0.0, 1.0, low_open=True)


def _check_initial(initial: float) -> None:
    check_number("initial", initial, -100.0, 100.0)


@dataclass
class AgentState:
    """What every strategy remembers, one row per run (in each run's internal arm order).

    ``q_estimate`` is the strategy's current value estimate Q(a) (a preference H(a) for the
    gradient bandit); ``counts`` is N(a), how often each arm was pulled. Strategies may keep
    more in ``extra``.
    """

    q_estimate: np.ndarray
    counts: np.ndarray
    rows: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return self.q_estimate.shape[0]

    @property
    def arms(self) -> int:
        return self.q_estimate.shape[1]


class Strategy(ABC):
    """An action-selection rule plus a learning rule, applied to every run at once."""

    name: ClassVar[str]

    @property
    @abstractmethod
    def label(self) -> str:
        """Short legend text with the parameters, e.g. ``ε-greedy (ε = 0.1)``."""

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        """Fresh estimates before the first step."""
        initial = getattr(self, "initial", 0.0)
        return AgentState(
            q_estimate=np.full((runs, arms), float(initial)),
            counts=np.zeros((runs, arms)),
            rows=np.arange(runs),
        )

    @abstractmethod
    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        """Return the arm each run pulls at ``step`` (0-based), shape ``(runs,)``."""

    def learn(
        self, state: AgentState, actions: np.ndarray, flat_index: np.ndarray, rewards: np.ndarray
    ) -> None:
        """Update the estimates of the pulled arms (``flat_index`` into the raveled table).

        The default is the book's incremental rule Q <- Q + alpha (R - Q), with alpha = 1/N(a)
        for sample averages or a constant ``step_size``.
        """
        counts = state.counts.reshape(-1)
        q_estimate = state.q_estimate.reshape(-1)
        pulls = counts[flat_index] + 1.0
        counts[flat_index] = pulls
        old = q_estimate[flat_index]
        step_size = getattr(self, "step_size", None)
        alpha = 1.0 / pulls if step_size is None else step_size
        q_estimate[flat_index] = old + alpha * (rewards - old)

    def epsilon_schedule(self, steps: int) -> np.ndarray | None:
        """The probability of a random pull at each step, for strategies that have one."""
        return None

    def run_details(self, state: AgentState) -> dict[str, np.ndarray]:
        """Extra per-arm quantities of run 0 worth showing step by step (internal order)."""
        return {}


def _update_rule_label(initial: float, step_size: float | None) -> str:
    parts = []
    if initial != 0:
        parts.append(f"Q₁ = {initial:g}")
    if step_size is not None:
        parts.append(f"α = {step_size:g}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Naive(Strategy):
    """Pick an arm uniformly at random at every step ("Strategy 1": pure exploration).

    It still keeps the tally of sample averages, so a learner can see that it *knows* which
    arm looks best and ignores it. Expected reward is the mean of q*, about 0 on the testbed,
    and it picks the best arm 1/k of the time.
    """

    name: ClassVar[str] = "naive"

    @property
    def label(self) -> str:
        return "Naive (random)"

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return rng.integers(state.arms, size=state.runs)

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.ones(steps)


@dataclass(frozen=True)
class Greedy(Strategy):
    """Always pull the arm with the highest current estimate: A_t = argmax_a Q_t(a).

    Parameters
        initial: Q_1(a) for every arm. A high value (e.g. 5) is an *optimistic* start that makes
            even a greedy agent try every arm, because each reward disappoints it.
        step_size: None for sample averages (alpha = 1/N(a)); a number in (0, 1] for a
            constant step size alpha, which weights recent rewards more.
    """

    initial: float = 0.0
    step_size: float | None = None
    name: ClassVar[str] = "greedy"

    def __post_init__(self) -> None:
        _check_initial(self.initial)
        _check_step_size(self.step_size)

    @property
    def label(self) -> str:
        details = _update_rule_label(self.initial, self.step_size)
        return f"Greedy ({details})" if details else "Greedy"

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return state.q_estimate.argmax(axis=1)

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.zeros(steps)


def _epsilon_greedy_choice(
    state: AgentState, epsilon: float, rng: np.random.Generator
) -> np.ndarray:
    """With probability epsilon a uniformly random arm, otherwise the greedy arm.

    One uniform draw u per run decides both: the run explores when u < epsilon, and then
    u / epsilon is itself uniform on [0, 1), so it also picks the random arm.
    """
    greedy = state.q_estimate.argmax(axis=1)
    if epsilon <= 0.0:
        return greedy
    draws = rng.random(state.runs)
    explore = draws < epsilon
    random_arm = (draws * (state.arms / epsilon)).astype(np.intp)
    return np.where(explore, random_arm, greedy)


@dataclass(frozen=True)
class EpsilonGreedy(Strategy):
    """Greedy most of the time; with probability epsilon pull an arm uniformly at random.

    The random pull may land on the greedy arm too, so the chance of a non-greedy pull is
    epsilon (k - 1) / k. Every arm keeps being sampled, so every estimate converges to q*(a).

    Parameters
        epsilon: probability of a random pull, in [0, 1]. 0 is pure greedy, 1 pure random.
        initial, step_size: as for :class:`Greedy`.
    """

    epsilon: float = 0.1
    initial: float = 0.0
    step_size: float | None = None
    name: ClassVar[str] = "epsilon_greedy"

    def __post_init__(self) -> None:
        check_number("epsilon", self.epsilon, 0.0, 1.0)
        _check_initial(self.initial)
        _check_step_size(self.step_size)

    @property
    def label(self) -> str:
        details = _update_rule_label(self.initial, self.step_size)
        return f"ε-greedy (ε = {self.epsilon:g}{', ' + details if details else ''})"

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return _epsilon_greedy_choice(state, float(self.epsilon), rng)

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.full(steps, float(self.epsilon))


Schedule = Literal["exponential", "linear", "inverse"]
SCHEDULES: tuple[str, ...] = ("exponential", "linear", "inverse")


@dataclass(frozen=True)
class DecayingEpsilon(Strategy):
    """Epsilon-greedy whose epsilon shrinks from ``start`` to ``end`` as the agent learns.

    Explore a lot while the estimates are poor, then exploit them. At step t (0-based)::

        epsilon_t = end + (start - end) * f(t)

    with one schedule f:
        exponential: f(t) = 0.5 ** (t / half_life)     (excess halves every half_life steps)
        linear:      f(t) = max(0, 1 - t / decay_steps) (reaches end after decay_steps steps)
        inverse:     f(t) = half_life / (half_life + t) (1/t style; halves at t = half_life)

    Parameters
        start, end: epsilon at the first step and its floor, both in [0, 1], end <= start.
        schedule: "exponential", "linear" or "inverse".
        half_life: steps for (epsilon - end) to halve, for "exponential" and "inverse".
        decay_steps: length of the linear ramp, for "linear".
        initial, step_size: as for :class:`Greedy`.
    """

    start: float = 1.0
    end: float = 0.01
    schedule: Schedule = "exponential"
    half_life: float = 100.0
    decay_steps: int = 500
    initial: float = 0.0
    step_size: float | None = None
    name: ClassVar[str] = "decaying_epsilon"

    def __post_init__(self) -> None:
        check_number("start", self.start, 0.0, 1.0)
        check_number("end", self.end, 0.0, 1.0)
        if self.end > self.start:
            raise ValueError(
                f"end must be a number in [0, start] = [0, {self.start:g}] (epsilon decays), "
                f"got {self.end!r}"
            )
        if self.schedule not in SCHEDULES:
            raise ValueError(
                f"schedule must be one of {', '.join(SCHEDULES)}; got {self.schedule!r}"
            )
        check_number("half_life", self.half_life, 1.0, 1e6)
        check_int("decay_steps", self.decay_steps, 1, 1_000_000)
        _check_initial(self.initial)
        _check_step_size(self.step_size)

    @property
    def label(self) -> str:
        if self.schedule == "linear":
            shape = f"linear over {self.decay_steps:,} steps"
        else:
            shape = f"{self.schedule}, half-life {self.half_life:g}"
        return f"Decaying ε ({self.start:g} → {self.end:g}, {shape})"

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        t = np.arange(steps, dtype=float)
        if self.schedule == "exponential":
            fraction = 0.5 ** (t / self.half_life)
        elif self.schedule == "linear":
            fraction = np.clip(1.0 - t / self.decay_steps, 0.0, 1.0)
        else:
            fraction = self.half_life / (self.half_life + t)
        return self.end + (self.start - self.end) * fraction

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        state = super().new_state(runs, arms, steps)
        state.extra["epsilon"] = self.epsilon_schedule(steps)
        return state

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return _epsilon_greedy_choice(state, float(state.extra["epsilon"][step]), rng)


@dataclass(frozen=True)
class UCB(Strategy):
    """Upper-confidence-bound action selection (Sutton & Barto, section 2.7).

    Pull the arm whose estimate plus an uncertainty bonus is highest::

        A_t = argmax_a [ Q_t(a) + c * sqrt(ln t / N_t(a)) ]

    An arm never pulled (N = 0) counts as maximising, so every arm is tried once first. The
    bonus shrinks as an arm is pulled and slowly grows for arms left alone, so exploration is
    aimed at arms whose value is still uncertain instead of spread at random.

    Parameters
        c: confidence level, the weight of the bonus, in [0, 100]. c = 0 is greedy.
        initial, step_size: as for :class:`Greedy`.
    """

    c: float = 2.0
    initial: float = 0.0
    step_size: float | None = None
    name: ClassVar[str] = "ucb"

    def __post_init__(self) -> None:
        check_number("c", self.c, 0.0, 100.0)
        _check_initial(self.initial)
        _check_step_size(self.step_size)

    @property
    def label(self) -> str:
        details = _update_rule_label(self.initial, self.step_size)
        return f"UCB (c = {self.c:g}{', ' + details if details else ''})"

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        state = super().new_state(runs, arms, steps)
        state.extra["inverse_sqrt_counts"] = np.zeros((runs, arms))
        return state

    def upper_bounds(self, state: AgentState, step: int) -> np.ndarray:
        """Q(a) + c sqrt(ln t / N(a)) with t = step + 1; infinite for arms never pulled."""
        bonus = self.c * math.sqrt(math.log(step + 1)) * state.extra["inverse_sqrt_counts"]
        bounds = state.q_estimate + bonus
        if step < state.arms:
            # Untried arms come first, so after k steps every arm of every run has N >= 1.
            bounds[state.counts == 0] = np.inf
        return bounds

    def learn(
        self, state: AgentState, actions: np.ndarray, flat_index: np.ndarray, rewards: np.ndarray
    ) -> None:
        super().learn(state, actions, flat_index, rewards)
        pulls = state.counts.reshape(-1)[flat_index]
        state.extra["inverse_sqrt_counts"].reshape(-1)[flat_index] = 1.0 / np.sqrt(pulls)

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return self.upper_bounds(state, step).argmax(axis=1)

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.zeros(steps)


@dataclass(frozen=True)
class GradientBandit(Strategy):
    """Learn a preference H(a) per arm and pull arms by their softmax (section 2.8).

    ::

        pi_t(a) = exp(H_t(a)) / sum_b exp(H_t(b))
        H(A_t) <- H(A_t) + alpha (R_t - baseline) (1 - pi_t(A_t))
        H(a)   <- H(a)   - alpha (R_t - baseline) pi_t(a)        for a != A_t

    The baseline is the average of the rewards before step t (the first reward itself at
    t = 1). A reward above it makes the pulled arm more likely, one below it less likely. With
    ``baseline=False`` the baseline is 0, and when all rewards are positive every pull makes
    its own arm more likely, right or wrong.

    Parameters
        alpha: step size of the preference updates, in (0, 10].
        baseline: compare rewards with their running average (True) or with 0 (False).
    """

    alpha: float = 0.1
    baseline: bool = True
    name: ClassVar[str] = "gradient"

    def __post_init__(self) -> None:
        check_number("alpha", self.alpha, 0.0, 10.0, low_open=True)
        if not isinstance(self.baseline, bool | np.bool_):
            raise ValueError(f"baseline must be True or False, got {self.baseline!r}")

    @property
    def label(self) -> str:
        return f"Gradient (α = {self.alpha:g}, {'with' if self.baseline else 'no'} baseline)"

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        # Preferences and probabilities are stored arms-first, shape (arms, runs): the softmax
        # reduces over arms, and numpy reduces 10 long rows far faster than 2000 short ones.
        preferences = np.zeros((arms, runs))
        state = AgentState(
            q_estimate=preferences.T, counts=np.zeros((runs, arms)), rows=np.arange(runs)
        )
        state.extra["preferences"] = preferences
        state.extra["probabilities"] = np.full((arms, runs), 1.0 / arms)
        state.extra["mean_reward"] = np.zeros(runs)
        state.extra["steps_done"] = np.zeros(1)
        return state

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        preferences = state.extra["preferences"]
        weights = np.exp(preferences - preferences.max(axis=0))
        probabilities = weights / weights.sum(axis=0)
        state.extra["probabilities"] = probabilities
        cumulative = np.cumsum(probabilities, axis=0)
        draws = rng.random(state.runs) * cumulative[-1]
        chosen = np.count_nonzero(cumulative < draws, axis=0)
        return np.minimum(chosen, state.arms - 1)

    def learn(
        self, state: AgentState, actions: np.ndarray, flat_index: np.ndarray, rewards: np.ndarray
    ) -> None:
        state.counts.reshape(-1)[flat_index] += 1.0
        steps_done = state.extra["steps_done"]
        mean_reward = state.extra["mean_reward"]
        if self.baseline:
            reference = rewards if steps_done[0] == 0 else mean_reward.copy()
            mean_reward += (rewards - mean_reward) / (steps_done[0] + 1.0)
        else:
            reference = 0.0
        steps_done += 1.0
        advantage = self.alpha * (rewards - reference)
        preferences = state.extra["preferences"]
        preferences -= advantage * state.extra["probabilities"]
        preferences[actions, state.rows] += advantage

    def run_details(self, state: AgentState) -> dict[str, np.ndarray]:
        return {"probability": state.extra["probabilities"][:, 0]}


@dataclass(frozen=True)
class ThompsonSampling(Strategy):
    """Gaussian Thompson sampling: pull each arm with the probability that it is the best.

    Each arm's unknown value has a normal belief, starting from the prior N(prior_mean,
    prior_sd^2). Rewards have variance 1 (as on the testbed), so after n pulls with reward sum s
    the belief is normal with::

        precision = 1 / prior_sd^2 + n
        mean      = (prior_mean / prior_sd^2 + s) / precision

    Every step draws one sample from each arm's belief and pulls the arm with the highest
    sample. Arms the agent is unsure about sometimes draw high samples, so they get explored;
    as beliefs narrow, the agent settles on the best arm.

    Parameters
        prior_mean: the belief's mean before any pull, in [-100, 100].
        prior_sd: the belief's standard deviation before any pull, in (0, 100].
    """

    prior_mean: float = 0.0
    prior_sd: float = 1.0
    name: ClassVar[str] = "thompson"

    def __post_init__(self) -> None:
        check_number("prior_mean", self.prior_mean, -100.0, 100.0)
        check_number("prior_sd", self.prior_sd, 0.0, 100.0, low_open=True)

    @property
    def label(self) -> str:
        if (self.prior_mean, self.prior_sd) == (0.0, 1.0):
            return "Thompson sampling"
        return f"Thompson sampling (prior N({self.prior_mean:g}, {self.prior_sd:g}²))"

    @property
    def prior_precision(self) -> float:
        return 1.0 / self.prior_sd**2

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        state = super().new_state(runs, arms, steps)
        state.q_estimate.fill(self.prior_mean)  # the belief's mean starts at the prior's
        state.extra["reward_sums"] = np.zeros((runs, arms))
        return state

    def posterior_sd(self, counts: np.ndarray) -> np.ndarray:
        return 1.0 / np.sqrt(self.prior_precision + counts)

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        noise = rng.standard_normal(state.q_estimate.shape)
        samples = state.q_estimate + noise * self.posterior_sd(state.counts)
        return samples.argmax(axis=1)

    def learn(
        self, state: AgentState, actions: np.ndarray, flat_index: np.ndarray, rewards: np.ndarray
    ) -> None:
        counts = state.counts.reshape(-1)
        sums = state.extra["reward_sums"].reshape(-1)
        pulls = counts[flat_index] + 1.0
        counts[flat_index] = pulls
        total = sums[flat_index] + rewards
        sums[flat_index] = total
        state.q_estimate.reshape(-1)[flat_index] = (
            self.prior_precision * self.prior_mean + total
        ) / (self.prior_precision + pulls)

    def run_details(self, state: AgentState) -> dict[str, np.ndarray]:
        return {"posterior_sd": self.posterior_sd(state.counts[0])}


@dataclass(frozen=True)
class RunTrace:
    """Everything that happened in one run (run 0), step by step, in the learner's arm order.

    ``q_true[t]`` are the true values at step t; ``q_estimates[t]`` and ``counts[t]`` are the
    strategy's table *after* learning from step t's reward. ``exploratory[t]`` is True when the
    pulled arm was not among the highest estimates before the step (the book's "exploring").
    ``details`` holds strategy-specific tables of the same shape, such as the gradient bandit's
    action probabilities (``probability``) or Thompson sampling's ``posterior_sd``.
    """

    q_true: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    q_estimates: np.ndarray
    counts: np.ndarray
    exploratory: np.ndarray
    details: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class BanditResult:
    """Averages over runs at each step, plus one traced run. Arrays have shape ``(steps,)``.

    mean_reward: reward at step t averaged over runs.
    optimal_rate: fraction of runs that pulled the optimal arm at step t.
    best_reward: mean over runs of max_a q*(a) at step t (the best any strategy can expect).
    cumulative_regret: sum up to t of best_reward minus the expected reward q*(A) of the
        pulled arm, averaged over runs (expected, so it is free of reward noise).
    q_true: the true values at the first step, shape ``(runs, arms)``.
    pull_counts: how often each arm was pulled in each run, shape ``(runs, arms)``.
    epsilon: the strategy's random-pull probability per step, where it has one.
    """

    strategy: Strategy
    arms: int
    steps: int
    runs: int
    seed: int
    q_mean: float
    walk_sd: float
    mean_reward: np.ndarray
    optimal_rate: np.ndarray
    best_reward: np.ndarray
    cumulative_regret: np.ndarray
    q_true: np.ndarray
    pull_counts: np.ndarray
    trace: RunTrace
    epsilon: np.ndarray | None

    @property
    def best_possible(self) -> float:
        """Average over steps of ``best_reward``: about 1.54 on the standard testbed."""
        return float(self.best_reward.mean())

    @property
    def pull_share_by_rank(self) -> np.ndarray:
        """Mean share of pulls on the arm ranked r-th by its first-step true value (0 = best)."""
        order = np.argsort(-self.q_true, axis=1)
        ranked = np.take_along_axis(self.pull_counts, order, axis=1)
        return ranked.mean(axis=0) / self.steps

    @property
    def best_arm_found_rate(self) -> float:
        """Fraction of runs whose most-pulled arm is the optimal one (first-step values)."""
        return float(np.mean(self.pull_counts.argmax(axis=1) == self.q_true.argmax(axis=1)))

    @property
    def never_tried_best_rate(self) -> float:
        """Fraction of runs that never pulled the optimal arm even once."""
        best = self.q_true.argmax(axis=1)
        return float(np.mean(self.pull_counts[np.arange(self.runs), best] == 0))


def validate_testbed(
    arms: int, steps: int, runs: int, seed: int, q_mean: float = 0.0, walk_sd: float = 0.0
) -> None:
    """Raise ValueError naming the first testbed parameter outside its allowed range."""
    check_int("arms", arms, 2, MAX_ARMS)
    check_int("steps", steps, 1, MAX_STEPS)
    check_int("runs", runs, 1, MAX_RUNS)
    check_int("seed", seed, 0, 2**32 - 1)
    check_number("q_mean", q_mean, -100.0, 100.0)
    check_number("walk_sd", walk_sd, 0.0, 10.0)
    if runs * steps > MAX_RUN_STEPS:
        raise ValueError(
            f"runs * steps must be at most {MAX_RUN_STEPS:,} to fit in memory and time, "
            f"got {runs:,} * {steps:,} = {runs * steps:,}"
        )


def draw_problems(
    arms: int, runs: int, seed: int, q_mean: float = 0.0
) -> tuple[np.ndarray, np.random.Generator, np.random.Generator, np.random.Generator]:
    """The true values q* of every run and the three random streams of a simulation.

    Returns ``(q_true, problem_rng, reward_rng, strategy_rng)``; ``q_true`` has shape
    ``(runs, arms)``. The streams are independent, so every strategy simulated with the same
    seed faces the same problems and the same reward noise.
    """
    problem_seed, reward_seed, strategy_seed = np.random.SeedSequence(seed).spawn(3)
    problem_rng = np.random.default_rng(problem_seed)
    q_true = q_mean + problem_rng.standard_normal((runs, arms))
    return (
        q_true,
        problem_rng,
        np.random.default_rng(reward_seed),
        np.random.default_rng(strategy_seed),
    )


def simulate(
    strategy: Strategy,
    arms: int = 10,
    steps: int = 1000,
    runs: int = 2000,
    seed: int = 0,
    *,
    q_mean: float = 0.0,
    walk_sd: float = 0.0,
) -> BanditResult:
    """Run ``strategy`` on ``runs`` independent ``arms``-armed bandits for ``steps`` steps.

    Vectorised across runs (the only Python loop is over steps). See the module docstring for
    the testbed, the random streams and tie-breaking.
    """
    if not isinstance(strategy, Strategy):
        raise ValueError(f"strategy must be a Strategy such as EpsilonGreedy(), got {strategy!r}")
    validate_testbed(arms, steps, runs, seed, q_mean, walk_sd)
    arms, steps, runs, seed = int(arms), int(steps), int(runs), int(seed)
    q_mean, walk_sd = float(q_mean), float(walk_sd)

    q_true_external, problem_rng, reward_rng, strategy_rng = draw_problems(arms, runs, seed, q_mean)
    # Internal arm j of run r is the learner's arm order[r, j]: argmax then breaks ties at random.
    order = problem_rng.permuted(np.tile(np.arange(arms), (runs, 1)), axis=1)
    q_true = np.take_along_axis(q_true_external, order, axis=1)
    q_true_flat = q_true.reshape(-1)
    row_offsets = np.arange(runs) * arms

    state = strategy.new_state(runs, arms, steps)
    optimal = q_true.argmax(axis=1)
    best = q_true.max(axis=1).mean()

    mean_reward = np.empty(steps)
    optimal_count = np.empty(steps)
    chosen_value = np.empty(steps)
    best_reward = np.full(steps, best)
    trace_q_true = np.empty((steps, arms))
    trace_actions = np.empty(steps, dtype=np.intp)
    trace_rewards = np.empty(steps)
    trace_q = np.empty((steps, arms))
    trace_counts = np.empty((steps, arms))
    trace_exploratory = np.empty(steps, dtype=bool)
    trace_details: dict[str, np.ndarray] = {}

    noise = np.empty((0, runs))
    for t in range(steps):
        chunk_step = t % _NOISE_CHUNK
        if chunk_step == 0:
            noise = reward_rng.standard_normal((min(_NOISE_CHUNK, steps - t), runs))
        trace_q_before = state.q_estimate[0].copy()

        actions = strategy.select(state, t, strategy_rng)
        flat_index = row_offsets + actions
        values = q_true_flat[flat_index]
        rewards = values + noise[chunk_step]
        strategy.learn(state, actions, flat_index, rewards)

        mean_reward[t] = rewards.mean()
        chosen_value[t] = values.mean()
        optimal_count[t] = np.count_nonzero(actions == optimal)
        trace_q_true[t] = q_true[0]
        trace_actions[t] = actions[0]
        trace_rewards[t] = rewards[0]
        trace_q[t] = state.q_estimate[0]
        trace_counts[t] = state.counts[0]
        trace_exploratory[t] = trace_q_before[actions[0]] < trace_q_before.max()
        for detail, values in strategy.run_details(state).items():
            trace_details.setdefault(detail, np.empty((steps, arms)))[t] = values

        if walk_sd > 0.0:
            q_true += problem_rng.normal(0.0, walk_sd, size=q_true.shape)
            optimal = q_true.argmax(axis=1)
            if t + 1 < steps:
                best_reward[t + 1] = q_true.max(axis=1).mean()

    pull_counts = np.empty_like(state.counts)
    np.put_along_axis(pull_counts, order, state.counts, axis=1)
    first_order = order[0]
    trace_external = np.empty_like(first_order)
    trace_external[first_order] = np.arange(arms)

    def external(columns: np.ndarray) -> np.ndarray:
        """Reorder trace columns from run 0's internal order to the learner's arm order."""
        return columns[:, trace_external]

    return BanditResult(
        strategy=strategy,
        arms=arms,
        steps=steps,
        runs=runs,
        seed=seed,
        q_mean=q_mean,
        walk_sd=walk_sd,
        mean_reward=mean_reward,
        optimal_rate=optimal_count / runs,
        best_reward=best_reward,
        cumulative_regret=np.cumsum(best_reward - chosen_value),
        q_true=q_true_external,
        pull_counts=pull_counts,
        trace=RunTrace(
            q_true=external(trace_q_true),
            actions=first_order[trace_actions],
            rewards=trace_rewards,
            q_estimates=external(trace_q),
            counts=external(trace_counts),
            exploratory=trace_exploratory,
            details={name: external(values) for name, values in trace_details.items()},
        ),
        epsilon=strategy.epsilon_schedule(steps),
    )
