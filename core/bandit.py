"""The k-armed bandit testbed of Sutton & Barto (2018), chapter 2, vectorised across runs.

Testbed
    Each run is its own bandit problem: ``arms`` true action values q*(a) drawn from
    N(q_mean, 1). Pulling arm A at a step pays a reward R ~ N(q*(A), 1). With ``walk_sd > 0``
    the problem is nonstationary: after every step each q*(a) takes an independent
    N(0, walk_sd) random-walk step (Exercise 2.5, where ``start_equal`` also starts every q*(a)
    at q_mean, as the book does).

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
from collections.abc import Sequence
from dataclasses import Field, dataclass, field, fields
from functools import cached_property
from typing import Any, ClassVar, Literal, TypeVar, cast

import numpy as np

from core.validation import MAX_SEED, check_bool, check_int, check_number

MAX_ARMS = 100
MAX_STEPS = 100_000
MAX_RUNS = 100_000
MAX_RUN_STEPS = 50_000_000
"""Largest ``runs * steps``: memory stays O(runs); time is about 0.05 s per million."""

_BLOCK_STEPS = 256
"""Steps simulated per block: reward noise is drawn and per-step averages are taken for a whole
block at once (fast bulk work, memory bounded by the block, not the run length)."""


@dataclass
class AgentState:
    """What every strategy remembers, stored arms-first: one column per run.

    ``q_estimate[a, r]`` is run r's current estimate Q(a) of arm a (in the run's internal arm
    order; a preference H(a) for the gradient bandit, a belief mean for Thompson sampling), and
    ``counts[a, r]`` is N(a), how often arm a was pulled. Arms-first because numpy reduces over
    10 rows of 2000 runs far faster than over 2000 rows of 10 arms (the argmax every step).
    ``columns`` is ``arange(runs)``; strategies may keep more in ``extra``.
    """

    q_estimate: np.ndarray
    counts: np.ndarray
    columns: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def arms(self) -> int:
        return self.q_estimate.shape[0]

    @property
    def runs(self) -> int:
        return self.q_estimate.shape[1]


def first_argmax(values: np.ndarray) -> np.ndarray:
    """Index of the first maximum down each column of an arms-first table, shape ``(runs,)``.

    Same answer as ``values.argmax(axis=0)``, at a third of its cost: numpy's argmax over the
    first axis copies the table, while a max down the columns and one comparison do not.
    """
    arms = values.shape[0]
    is_max = values == values.max(axis=0)
    return arms - (is_max * _REVERSED_RANKS[-arms:]).max(axis=0).astype(np.intp)


_REVERSED_RANKS = np.arange(MAX_ARMS, 0, -1, dtype=np.int8)[:, None]
"""k, k-1, ..., 1 down the arms: the largest rank among the maxima marks the first one."""


def parameter(default: Any, *, symbol: str, help: str) -> Any:
    """A strategy parameter that a comparison table may show and edit.

    ``symbol`` is the book's name for it (the table's column), ``help`` one line on what it
    does. Strategies sharing a symbol (α of a constant step size and of the gradient bandit)
    share the column.
    """
    return field(default=default, metadata={"symbol": symbol, "help": help})


def table_parameters(strategy_type: type[Strategy]) -> list[Field]:
    """The fields of a strategy declared with :func:`parameter`, in declaration order."""
    return [f for f in fields(cast(Any, strategy_type)) if "symbol" in f.metadata]


class Strategy(ABC):
    """An action-selection rule plus a learning rule, applied to every run at once.

    A strategy also says how a learner should read it: ``title`` names the method,
    ``estimate_name`` what its table holds, ``estimate_is_value`` whether that table is on the
    scale of the true values q*, and ``choice_words`` how to describe a pull of an arm with
    the highest estimate and of any other arm.
    """

    title: ClassVar[str]
    estimate_name: ClassVar[str] = "Estimate Q(a)"
    estimate_is_value: ClassVar[bool] = True
    choice_words: ClassVar[tuple[str, str]] = ("exploit", "explore")

    @property
    @abstractmethod
    def label(self) -> str:
        """Short legend text with the parameters, e.g. ``ε-greedy (ε = 0.1)``."""

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        """Fresh estimates before the first step."""
        return AgentState(
            q_estimate=np.zeros((arms, runs)),
            counts=np.zeros((arms, runs)),
            columns=np.arange(runs),
        )

    @abstractmethod
    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        """Return the arm each run pulls at ``step`` (0-based), shape ``(runs,)``."""

    def learn(self, state: AgentState, flat_index: np.ndarray, rewards: np.ndarray) -> None:
        """Update the pulled arms; ``flat_index`` points into the raveled arms-first table.

        The default is the book's sample average, Q <- Q + (R - Q) / N(a).
        """
        counts = state.counts.reshape(-1)
        q_estimate = state.q_estimate.reshape(-1)
        pulls = counts[flat_index] + 1.0
        counts[flat_index] = pulls
        old = q_estimate[flat_index]
        q_estimate[flat_index] = old + (rewards - old) / pulls

    def epsilon_schedule(self, steps: int) -> np.ndarray | None:
        """The probability of a random pull at each step, for strategies that have one."""
        return None

    def run_details(self, state: AgentState, step: int) -> dict[str, np.ndarray]:
        """Extra per-arm quantities of run 0 after ``step``, worth showing step by step.

        Returned in the run's internal arm order, one value per arm.
        """
        return {}


STRATEGIES: dict[str, type[Strategy]] = {}
"""Every strategy a comparison can offer, by title, in registration order."""

S = TypeVar("S", bound=type[Strategy])


def register_strategy(strategy_type: S) -> S:
    """Class decorator: offer this strategy wherever strategies are listed (the lab's table)."""
    STRATEGIES[strategy_type.title] = strategy_type
    return strategy_type


def unregister_strategy(strategy_type: type[Strategy]) -> None:
    """Withdraw a strategy registered with :func:`register_strategy` (tests use this)."""
    STRATEGIES.pop(strategy_type.title, None)


@dataclass(frozen=True, kw_only=True)
class ValueMethod(Strategy):
    """A strategy that keeps action-value estimates Q(a) and moves them toward each reward.

    Parameters
        initial: Q_1(a) for every arm, in [-100, 100]. A high value (e.g. 5) is an
            *optimistic* start that makes even a greedy agent try every arm, because each
            reward disappoints it.
        step_size: None for sample averages (alpha = 1/N(a), every reward counts the same);
            a number in (0, 1] for a constant step size alpha, which weights recent rewards
            more (an exponential recency-weighted average).
    """

    initial: float = parameter(0.0, symbol="Q₁", help="Every arm's estimate before any pull.")
    step_size: float | None = parameter(
        None,
        symbol="α",
        help="Constant step size of the estimates; empty for sample averages (1/n).",
    )

    def __post_init__(self) -> None:
        check_number("initial", self.initial, -100.0, 100.0)
        if self.step_size is not None:
            check_number("step_size", self.step_size, 0.0, 1.0, low_open=True)

    @property
    def update_rule_label(self) -> str:
        """``Q₁ = 5, α = 0.1`` style details, empty for the book's default (0, 1/n)."""
        parts = []
        if self.initial != 0:
            parts.append(f"Q₁ = {self.initial:g}")
        if self.step_size is not None:
            parts.append(f"α = {self.step_size:g}")
        return ", ".join(parts)

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        state = super().new_state(runs, arms, steps)
        state.q_estimate.fill(float(self.initial))
        return state

    def learn(self, state: AgentState, flat_index: np.ndarray, rewards: np.ndarray) -> None:
        """Q <- Q + alpha (R - Q), alpha = 1/N(a) or the constant step size."""
        if self.step_size is None:
            super().learn(state, flat_index, rewards)
            return
        counts = state.counts.reshape(-1)
        q_estimate = state.q_estimate.reshape(-1)
        counts[flat_index] += 1.0
        old = q_estimate[flat_index]
        q_estimate[flat_index] = old + self.step_size * (rewards - old)


@register_strategy
@dataclass(frozen=True, kw_only=True)
class Naive(Strategy):
    """Pick an arm uniformly at random at every step ("Strategy 1": pure exploration).

    It still keeps the tally of sample averages, so a learner can see that it *knows* which
    arm looks best and ignores it. Expected reward is the mean of q*, about 0 on the testbed,
    and it picks the best arm 1/k of the time.
    """

    title: ClassVar[str] = "Naive"
    choice_words: ClassVar[tuple[str, str]] = ("random pick", "random pick")

    @property
    def label(self) -> str:
        return "Naive (random)"

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return rng.integers(state.arms, size=state.runs)

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.ones(steps)


@register_strategy
@dataclass(frozen=True, kw_only=True)
class Greedy(ValueMethod):
    """Always pull the arm with the highest current estimate: A_t = argmax_a Q_t(a).

    Parameters
        initial, step_size: see :class:`ValueMethod`.
    """

    title: ClassVar[str] = "Greedy"

    @property
    def label(self) -> str:
        details = self.update_rule_label
        return f"Greedy ({details})" if details else "Greedy"

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return first_argmax(state.q_estimate)

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.zeros(steps)


def _epsilon_greedy_choice(
    state: AgentState, epsilon: float, rng: np.random.Generator
) -> np.ndarray:
    """With probability epsilon a uniformly random arm, otherwise the greedy arm.

    One uniform draw u per run decides both: the run explores when u < epsilon, and then
    u / epsilon is itself uniform on [0, 1), so it also picks the random arm.
    """
    greedy = first_argmax(state.q_estimate)
    if epsilon <= 0.0:
        return greedy
    draws = rng.random(state.runs)
    random_arm = (draws * (state.arms / epsilon)).astype(np.intp)
    return np.where(draws < epsilon, random_arm, greedy)


@register_strategy
@dataclass(frozen=True, kw_only=True)
class EpsilonGreedy(ValueMethod):
    """Greedy most of the time; with probability epsilon pull an arm uniformly at random.

    The random pull may land on the greedy arm too, so the chance of a non-greedy pull is
    epsilon (k - 1) / k, and once the best arm is known it is pulled with probability
    1 - epsilon + epsilon / k. With sample averages every arm keeps being sampled, so every
    estimate converges to its q*(a); a constant step size keeps tracking the latest rewards
    instead and never settles.

    Parameters
        epsilon: probability of a random pull, in [0, 1]. 0 is pure greedy, 1 pure random.
        initial, step_size: see :class:`ValueMethod`.
    """

    epsilon: float = parameter(0.1, symbol="ε", help="Chance of a random pull at every step.")
    title: ClassVar[str] = "ε-greedy"

    def __post_init__(self) -> None:
        check_number("epsilon", self.epsilon, 0.0, 1.0)
        super().__post_init__()

    @property
    def label(self) -> str:
        details = self.update_rule_label
        return f"ε-greedy (ε = {self.epsilon:g}{', ' + details if details else ''})"

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        return _epsilon_greedy_choice(state, float(self.epsilon), rng)

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.full(steps, float(self.epsilon))


Schedule = Literal["exponential", "linear", "inverse"]
SCHEDULES: tuple[str, ...] = ("exponential", "linear", "inverse")


@register_strategy
@dataclass(frozen=True, kw_only=True)
class DecayingEpsilon(ValueMethod):
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
        initial, step_size: see :class:`ValueMethod`.
    """

    start: float = parameter(
        1.0, symbol="ε", help="Decaying ε: ε at the first step (floor 0.01, half-life 100)."
    )
    end: float = 0.01
    schedule: Schedule = "exponential"
    half_life: float = 100.0
    decay_steps: int = 500
    title: ClassVar[str] = "Decaying ε"

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
        super().__post_init__()

    @property
    def label(self) -> str:
        if self.schedule == "linear":
            shape = f"linear over {self.decay_steps:,} steps"
        else:
            shape = f"{self.schedule}, half-life {self.half_life:g}"
        details = ", ".join(filter(None, (shape, self.update_rule_label)))
        return f"Decaying ε ({self.start:g} → {self.end:g}, {details})"

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


@register_strategy
@dataclass(frozen=True, kw_only=True)
class UCB(ValueMethod):
    """Upper-confidence-bound action selection (Sutton & Barto, section 2.7).

    Pull the arm whose estimate plus an uncertainty bonus is highest::

        A_t = argmax_a [ Q_t(a) + c * sqrt(ln t / N_t(a)) ]

    An arm never pulled (N = 0) counts as maximising, so every arm is tried once first. The
    bonus shrinks as an arm is pulled and slowly grows for arms left alone, so exploration is
    aimed at arms whose value is still uncertain instead of spread at random.

    Parameters
        c: confidence level, the weight of the bonus, in [0, 100]. c = 0 is greedy.
        initial, step_size: see :class:`ValueMethod`.
    """

    c: float = parameter(2.0, symbol="c", help="UCB: weight of the uncertainty bonus.")
    title: ClassVar[str] = "UCB"
    choice_words: ClassVar[tuple[str, str]] = ("exploit", "explore (its bonus won)")

    def __post_init__(self) -> None:
        check_number("c", self.c, 0.0, 100.0)
        super().__post_init__()

    @property
    def label(self) -> str:
        details = self.update_rule_label
        return f"UCB (c = {self.c:g}{', ' + details if details else ''})"

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        state = super().new_state(runs, arms, steps)
        state.extra["inverse_sqrt_counts"] = np.zeros((arms, runs))
        return state

    def bonus(self, inverse_sqrt_counts: np.ndarray, t: int) -> np.ndarray:
        """c sqrt(ln t / N(a)) for the choice at step t (1-based); 0 where N(a) = 0."""
        return self.c * math.sqrt(math.log(t)) * inverse_sqrt_counts

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        bounds = state.q_estimate + self.bonus(state.extra["inverse_sqrt_counts"], step + 1)
        if step < state.arms:
            # Untried arms come first, so after k steps every arm of every run has N >= 1.
            bounds[state.counts == 0] = np.inf
        return first_argmax(bounds)

    def learn(self, state: AgentState, flat_index: np.ndarray, rewards: np.ndarray) -> None:
        super().learn(state, flat_index, rewards)
        pulls = state.counts.reshape(-1)[flat_index]
        state.extra["inverse_sqrt_counts"].reshape(-1)[flat_index] = 1.0 / np.sqrt(pulls)

    def run_details(self, state: AgentState, step: int) -> dict[str, np.ndarray]:
        """The bonus each arm carries into the next choice (infinite for untried arms)."""
        bonus = self.bonus(state.extra["inverse_sqrt_counts"][:, 0], step + 2)
        return {"bonus": np.where(state.counts[:, 0] > 0, bonus, np.inf)}

    def epsilon_schedule(self, steps: int) -> np.ndarray:
        return np.zeros(steps)


def _softmax_down_columns(preferences: np.ndarray) -> np.ndarray:
    weights = np.exp(preferences - preferences.max(axis=0))
    return weights / weights.sum(axis=0)


@register_strategy
@dataclass(frozen=True, kw_only=True)
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

    alpha: float = parameter(0.1, symbol="α", help="Gradient bandit: step size of H(a).")
    baseline: bool = parameter(
        True, symbol="Baseline", help="Gradient bandit: compare rewards with their average."
    )
    title: ClassVar[str] = "Gradient"
    estimate_name: ClassVar[str] = "Preference H(a)"
    estimate_is_value: ClassVar[bool] = False
    choice_words: ClassVar[tuple[str, str]] = (
        "sampled from π (the most likely arm)",
        "sampled from π (a less likely arm)",
    )

    def __post_init__(self) -> None:
        check_number("alpha", self.alpha, 0.0, 10.0, low_open=True)
        check_bool("baseline", self.baseline)

    @property
    def label(self) -> str:
        return f"Gradient (α = {self.alpha:g}, {'with' if self.baseline else 'no'} baseline)"

    def new_state(self, runs: int, arms: int, steps: int) -> AgentState:
        state = super().new_state(runs, arms, steps)
        state.extra["probabilities"] = np.full((arms, runs), 1.0 / arms)
        state.extra["mean_reward"] = np.zeros(runs)
        state.extra["steps_done"] = np.zeros(1)
        return state

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        probabilities = _softmax_down_columns(state.q_estimate)
        state.extra["probabilities"] = probabilities
        cumulative = np.cumsum(probabilities, axis=0)
        draws = rng.random(state.runs) * cumulative[-1]
        chosen = np.count_nonzero(cumulative < draws, axis=0)
        return np.minimum(chosen, state.arms - 1)

    def learn(self, state: AgentState, flat_index: np.ndarray, rewards: np.ndarray) -> None:
        state.counts.reshape(-1)[flat_index] += 1.0
        steps_done = state.extra["steps_done"]
        mean_reward = state.extra["mean_reward"]
        reference: np.ndarray | float
        if self.baseline:
            reference = rewards if steps_done[0] == 0 else mean_reward.copy()
            mean_reward += (rewards - mean_reward) / (steps_done[0] + 1.0)
        else:
            reference = 0.0
        steps_done += 1.0
        advantage = self.alpha * (rewards - reference)
        preferences = state.q_estimate
        preferences -= advantage * state.extra["probabilities"]
        preferences.reshape(-1)[flat_index] += advantage

    def run_details(self, state: AgentState, step: int) -> dict[str, np.ndarray]:
        """pi(a) after this step's update: the probabilities the next pull is drawn from."""
        return {"probability": _softmax_down_columns(state.q_estimate[:, :1])[:, 0]}


@register_strategy
@dataclass(frozen=True, kw_only=True)
class ThompsonSampling(Strategy):
    """Gaussian Thompson sampling: pull each arm with the probability that it is the best,
    under the agent's own model (rewards ~ N(q*(a), 1)) and its prior.

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

    prior_mean: float = parameter(
        0.0, symbol="μ₀", help="Thompson sampling: prior mean of every arm's value."
    )
    prior_sd: float = parameter(
        1.0, symbol="σ₀", help="Thompson sampling: prior standard deviation."
    )
    title: ClassVar[str] = "Thompson"
    estimate_name: ClassVar[str] = "Belief mean μ(a)"
    choice_words: ClassVar[tuple[str, str]] = (
        "highest sample (also the highest mean)",
        "highest sample (not the highest mean)",
    )

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
        state.extra["reward_sums"] = np.zeros((arms, runs))
        state.extra["samples"] = np.zeros((arms, runs))
        return state

    def posterior_sd(self, counts: np.ndarray) -> np.ndarray:
        return 1.0 / np.sqrt(self.prior_precision + counts)

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        noise = rng.standard_normal(state.q_estimate.shape)
        samples = state.q_estimate + noise * self.posterior_sd(state.counts)
        state.extra["samples"] = samples
        return first_argmax(samples)

    def learn(self, state: AgentState, flat_index: np.ndarray, rewards: np.ndarray) -> None:
        counts = state.counts.reshape(-1)
        sums = state.extra["reward_sums"].reshape(-1)
        pulls = counts[flat_index] + 1.0
        counts[flat_index] = pulls
        total = sums[flat_index] + rewards
        sums[flat_index] = total
        state.q_estimate.reshape(-1)[flat_index] = (
            self.prior_precision * self.prior_mean + total
        ) / (self.prior_precision + pulls)

    def run_details(self, state: AgentState, step: int) -> dict[str, np.ndarray]:
        """The belief's spread after the update, and the samples that decided this step."""
        return {
            "posterior_sd": self.posterior_sd(state.counts[:, 0]),
            "sample": state.extra["samples"][:, 0].copy(),
        }


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
    q_true_average: the true values averaged over the steps, shape ``(runs, arms)``; equal to
        ``q_true`` unless the values drift. "The best arm" of a run means the best by this.
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
    start_equal: bool
    mean_reward: np.ndarray
    optimal_rate: np.ndarray
    best_reward: np.ndarray
    cumulative_regret: np.ndarray
    q_true: np.ndarray
    q_true_average: np.ndarray
    pull_counts: np.ndarray
    trace: RunTrace
    epsilon: np.ndarray | None

    @property
    def best_possible(self) -> float:
        """Average over steps of ``best_reward``: about 1.54 on the standard testbed."""
        return float(self.best_reward.mean())

    @cached_property
    def pull_share_by_rank(self) -> np.ndarray:
        """Mean share of pulls on the arm ranked r-th by its average true value (0 = best).

        Kept once computed (a sort of every run): a page reads it for its chart and its text.
        """
        order = np.argsort(-self.q_true_average, axis=1)
        ranked = np.take_along_axis(self.pull_counts, order, axis=1)
        return ranked.mean(axis=0) / self.steps

    @property
    def best_arm_found_rate(self) -> float:
        """Fraction of runs whose most-pulled arm is the best one (by ``q_true_average``)."""
        return float(np.mean(self.pull_counts.argmax(axis=1) == self.q_true_average.argmax(axis=1)))

    @property
    def never_tried_best_rate(self) -> float:
        """Fraction of runs that never pulled the optimal arm even once."""
        best = self.q_true_average.argmax(axis=1)
        return float(np.mean(self.pull_counts[np.arange(self.runs), best] == 0))


def validate_testbed(
    arms: int, steps: int, runs: int, seed: int, q_mean: float = 0.0, walk_sd: float = 0.0
) -> None:
    """Raise ValueError naming the first testbed parameter outside its allowed range."""
    check_int("arms", arms, 2, MAX_ARMS)
    check_int("steps", steps, 1, MAX_STEPS)
    check_int("runs", runs, 1, MAX_RUNS)
    check_int("seed", seed, 0, MAX_SEED)
    check_number("q_mean", q_mean, -100.0, 100.0)
    check_number("walk_sd", walk_sd, 0.0, 10.0)
    if runs * steps > MAX_RUN_STEPS:
        raise ValueError(
            f"runs * steps must be at most {MAX_RUN_STEPS:,} to fit in memory and time, "
            f"got {runs:,} * {steps:,} = {runs * steps:,}"
        )


def draw_problems(
    arms: int, runs: int, seed: int, q_mean: float = 0.0, start_equal: bool = False
) -> tuple[np.ndarray, np.random.Generator, np.random.Generator, np.random.Generator]:
    """The true values q* of every run and the three random streams of a simulation.

    Returns ``(q_true, problem_rng, reward_rng, strategy_rng)``; ``q_true`` has shape
    ``(runs, arms)``. The streams are independent, so every strategy simulated with the same
    seed faces the same problems and the same reward noise.
    """
    problem_seed, reward_seed, strategy_seed = np.random.SeedSequence(seed).spawn(3)
    problem_rng = np.random.default_rng(problem_seed)
    q_true = q_mean + problem_rng.standard_normal((runs, arms))
    if start_equal:
        q_true[:] = q_mean
    return (
        q_true,
        problem_rng,
        np.random.default_rng(reward_seed),
        np.random.default_rng(strategy_seed),
    )


@dataclass
class _Problems:
    """One testbed's problems and random streams, with each run's arms in its internal order.

    ``q_true`` is arms-first ``(arms, runs)`` in the internal order (see "Ties" above);
    ``order[r, j]`` is the learner's number of run r's internal arm j.
    """

    q_true_external: np.ndarray
    order: np.ndarray
    q_true: np.ndarray
    problem_rng: np.random.Generator
    reward_rng: np.random.Generator
    strategy_rng: np.random.Generator


def _problems(arms: int, runs: int, seed: int, q_mean: float, start_equal: bool) -> _Problems:
    q_true_external, problem_rng, reward_rng, strategy_rng = draw_problems(
        arms, runs, seed, q_mean, start_equal
    )
    order = problem_rng.permuted(np.tile(np.arange(arms), (runs, 1)), axis=1)
    q_true = np.ascontiguousarray(np.take_along_axis(q_true_external, order, axis=1).T)
    return _Problems(q_true_external, order, q_true, problem_rng, reward_rng, strategy_rng)


@dataclass
class _Record:
    """What one strategy's simulation writes down, step by step, before it becomes a result."""

    mean_reward: np.ndarray
    optimal_count: np.ndarray
    chosen_value: np.ndarray
    trace_actions: np.ndarray
    trace_rewards: np.ndarray
    trace_q: np.ndarray
    trace_counts: np.ndarray
    trace_exploratory: np.ndarray
    trace_details: dict[str, np.ndarray]

    @classmethod
    def empty(cls, steps: int, arms: int) -> _Record:
        return cls(
            mean_reward=np.empty(steps),
            optimal_count=np.empty(steps),
            chosen_value=np.empty(steps),
            trace_actions=np.empty(steps, dtype=np.intp),
            trace_rewards=np.empty(steps),
            trace_q=np.empty((steps, arms)),
            trace_counts=np.empty((steps, arms)),
            trace_exploratory=np.empty(steps, dtype=bool),
            trace_details={},
        )


def _validated_testbed(
    arms: int, steps: int, runs: int, seed: int, q_mean: float, walk_sd: float, start_equal: bool
) -> tuple[int, int, int, int, float, float, bool]:
    validate_testbed(arms, steps, runs, seed, q_mean, walk_sd)
    check_bool("start_equal", start_equal)
    return int(arms), int(steps), int(runs), int(seed), float(q_mean), float(walk_sd), start_equal


def _check_strategy(strategy: object) -> None:
    if not isinstance(strategy, Strategy):
        raise ValueError(f"strategy must be a Strategy such as EpsilonGreedy(), got {strategy!r}")


def simulate(
    strategy: Strategy,
    arms: int = 10,
    steps: int = 1000,
    runs: int = 2000,
    seed: int = 0,
    *,
    q_mean: float = 0.0,
    walk_sd: float = 0.0,
    start_equal: bool = False,
) -> BanditResult:
    """Run ``strategy`` on ``runs`` independent ``arms``-armed bandits for ``steps`` steps.

    Vectorised across runs (the only Python loop is over steps). See the module docstring for
    the testbed, the random streams and tie-breaking. Per-step averages are computed in bulk
    for blocks of steps, so the loop body does only what must happen step by step: choose,
    pay, learn. :func:`simulate_many` gives the same results for several strategies, faster.
    """
    _check_strategy(strategy)
    arms, steps, runs, seed, q_mean, walk_sd, start_equal = _validated_testbed(
        arms, steps, runs, seed, q_mean, walk_sd, start_equal
    )
    problems = _problems(arms, runs, seed, q_mean, start_equal)
    q_true, problem_rng = problems.q_true, problems.problem_rng
    q_true_flat = q_true.reshape(-1)
    columns = np.arange(runs)

    state = strategy.new_state(runs, arms, steps)
    optimal = first_argmax(q_true)
    q_true_sum = np.zeros_like(q_true) if walk_sd > 0.0 else None
    best_reward = np.full(steps, q_true.max(axis=0).mean())
    trace_q_true = np.empty((steps, arms))
    record = _Record.empty(steps, arms)

    for block_start in range(0, steps, _BLOCK_STEPS):
        block = range(block_start, min(block_start + _BLOCK_STEPS, steps))
        noise = problems.reward_rng.standard_normal((len(block), runs))
        values = np.empty((len(block), runs))
        hits = np.empty((len(block), runs), dtype=bool)
        for row, t in enumerate(block):
            q_before = state.q_estimate[:, 0].copy()
            actions = strategy.select(state, t, problems.strategy_rng)
            flat_index = actions * runs + columns
            values[row] = q_true_flat[flat_index]
            strategy.learn(state, flat_index, values[row] + noise[row])
            hits[row] = actions == optimal

            trace_q_true[t] = q_true[:, 0]
            record.trace_actions[t] = actions[0]
            record.trace_q[t] = state.q_estimate[:, 0]
            record.trace_counts[t] = state.counts[:, 0]
            record.trace_exploratory[t] = q_before[actions[0]] < q_before.max()
            for detail, per_arm in strategy.run_details(state, t).items():
                record.trace_details.setdefault(detail, np.empty((steps, arms)))[t] = per_arm

            if q_true_sum is not None:
                q_true_sum += q_true
                q_true += problem_rng.normal(0.0, walk_sd, size=q_true.shape)
                optimal = first_argmax(q_true)
                if t + 1 < steps:
                    best_reward[t + 1] = q_true.max(axis=0).mean()

        record.chosen_value[block] = values.mean(axis=1)
        record.mean_reward[block] = record.chosen_value[block] + noise.mean(axis=1)
        record.optimal_count[block] = np.count_nonzero(hits, axis=1)
        record.trace_rewards[block] = values[:, 0] + noise[:, 0]

    return _result(
        strategy,
        record,
        state.counts,
        problems,
        q_true_sum,
        best_reward,
        trace_q_true,
        (arms, steps, runs, seed, q_mean, walk_sd, start_equal),
    )


def _result(
    strategy: Strategy,
    record: _Record,
    counts: np.ndarray,
    problems: _Problems,
    q_true_sum: np.ndarray | None,
    best_reward: np.ndarray,
    trace_q_true: np.ndarray,
    testbed: tuple[int, int, int, int, float, float, bool],
) -> BanditResult:
    """Turn a strategy's record into a result in the learner's arm numbering."""
    arms, steps, runs, seed, q_mean, walk_sd, start_equal = testbed
    order = problems.order
    pull_counts = np.empty((runs, arms))
    np.put_along_axis(pull_counts, order, counts.T, axis=1)
    if q_true_sum is None:
        q_true_average = problems.q_true_external
    else:
        q_true_average = np.empty((runs, arms))
        np.put_along_axis(q_true_average, order, q_true_sum.T / steps, axis=1)
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
        start_equal=start_equal,
        mean_reward=record.mean_reward,
        optimal_rate=record.optimal_count / runs,
        best_reward=best_reward,
        cumulative_regret=np.cumsum(best_reward - record.chosen_value),
        q_true=problems.q_true_external,
        q_true_average=q_true_average,
        pull_counts=pull_counts,
        trace=RunTrace(
            q_true=external(trace_q_true),
            actions=first_order[record.trace_actions],
            rewards=record.trace_rewards,
            q_estimates=external(record.trace_q),
            counts=external(record.trace_counts),
            exploratory=record.trace_exploratory,
            details={name: external(values) for name, values in record.trace_details.items()},
        ),
        epsilon=strategy.epsilon_schedule(steps),
    )


_STACKABLE = (Greedy, EpsilonGreedy, DecayingEpsilon)
"""Strategies :func:`simulate_many` runs side by side: ε-greedy with its own ε at every step
(0 for greedy), so one argmax and one learning rule serve them all."""


def can_stack(strategy: Strategy, steps: int) -> bool:
    """True when :func:`simulate_many` can run ``strategy`` side by side with others.

    That takes a greedy or ε-greedy rule whose random pulls stop for good once they stop (ε
    never rises back from 0), so every stacked strategy uses the uniform draw of step t at
    step t, as it would alone.
    """
    if type(strategy) not in _STACKABLE:
        return False
    drawing = cast(np.ndarray, strategy.epsilon_schedule(steps)) > 0.0
    return bool(np.all(drawing[:-1] >= drawing[1:]))


def simulate_many(
    strategies: Sequence[Strategy],
    arms: int = 10,
    steps: int = 1000,
    runs: int = 2000,
    seed: int = 0,
    *,
    q_mean: float = 0.0,
    walk_sd: float = 0.0,
    start_equal: bool = False,
) -> list[BanditResult]:
    """``[simulate(s, ...) for s in strategies]``, with identical results, in less time.

    Greedy, ε-greedy and decaying-ε strategies on the same testbed face the same problems,
    reward noise and uniform draws (see "Fair comparisons"), so they are simulated side by
    side: one table of ``runs`` columns per strategy, one argmax over all of them, and the
    random numbers drawn once, in a compiled loop (:mod:`core.stack_kernel`). A page comparing
    three values of ε costs about a third of three separate runs. Other strategies run one by one.
    """
    for strategy in strategies:
        _check_strategy(strategy)
    testbed = _validated_testbed(arms, steps, runs, seed, q_mean, walk_sd, start_equal)
    arms, steps, runs, seed, q_mean, walk_sd, start_equal = testbed
    results: dict[int, BanditResult] = {}
    groups: dict[bool, list[int]] = {}
    for position, strategy in enumerate(strategies):
        if can_stack(strategy, steps):
            sample_average = cast(ValueMethod, strategy).step_size is None
            groups.setdefault(sample_average, []).append(position)
        else:
            results[position] = simulate(strategy, *testbed[:4], **_keywords(testbed))
    for positions in groups.values():
        stack = [cast(ValueMethod, strategies[p]) for p in positions]
        for position, result in zip(positions, _simulate_stack(stack, testbed), strict=True):
            results[position] = result
    return [results[position] for position in range(len(strategies))]


def _keywords(testbed: tuple[int, int, int, int, float, float, bool]) -> dict[str, Any]:
    return {"q_mean": testbed[4], "walk_sd": testbed[5], "start_equal": testbed[6]}


def _simulate_stack(
    stack: list[ValueMethod], testbed: tuple[int, int, int, int, float, float, bool]
) -> list[BanditResult]:
    """:func:`simulate`'s loop for ε-greedy strategies sharing one update rule, side by side.

    Column ``s * runs + r`` of the tables is run r of strategy s. The steps run in the compiled
    loop of :mod:`core.stack_kernel`, a block at a time (a step at a time while the true values
    drift, which numpy moves between steps); it does what :func:`simulate` does for each
    strategy, on the same numbers, so results are identical.
    """
    from core.stack_kernel import stack_steps  # numba: only in processes that simulate

    arms, steps, runs, seed, q_mean, walk_sd, start_equal = testbed
    count = len(stack)
    width = count * runs
    problems = _problems(arms, runs, seed, q_mean, start_equal)
    q_true = problems.q_true

    initial_values = [float(strategy.initial) for strategy in stack]
    q_estimate = np.tile(np.repeat(initial_values, runs), (arms, 1))
    counts = np.zeros((arms, width))
    step_size = (
        np.empty(0)
        if stack[0].step_size is None
        else np.repeat([float(cast(float, s.step_size)) for s in stack], runs)
    )
    epsilon = np.stack([cast(np.ndarray, s.epsilon_schedule(steps)) for s in stack], axis=1)
    arms_per_epsilon = arms / np.where(epsilon > 0.0, epsilon, 1.0)
    last_draw = int(np.max(np.count_nonzero(epsilon > 0.0, axis=0)))

    optimal = first_argmax(q_true)
    q_true_sum = np.zeros_like(q_true) if walk_sd > 0.0 else None
    best_reward = np.full(steps, q_true.max(axis=0).mean())
    trace_q_true = np.empty((steps, arms))
    records = [_Record.empty(steps, arms) for _ in stack]
    trace_actions = np.empty((steps, count), dtype=np.intp)
    trace_values = np.empty((steps, count))
    trace_q = np.empty((steps, arms, count))
    trace_counts = np.empty((steps, arms, count))
    value_sums = np.empty((steps, count))
    optimal_counts = np.empty((steps, count))

    # Each block's random numbers go into the same two buffers: fresh arrays cost a simulation
    # worker about 2,000 page faults per call at the book's size, reused ones next to none.
    noise_buffer = np.empty((min(_BLOCK_STEPS, steps), runs))
    draws_buffer = np.empty((min(_BLOCK_STEPS, last_draw), runs))
    for block_start in range(0, steps, _BLOCK_STEPS):
        block = range(block_start, min(block_start + _BLOCK_STEPS, steps))
        noise = problems.reward_rng.standard_normal(out=noise_buffer[: len(block)])
        drawn = max(0, min(block.stop, last_draw) - block.start)
        draws = problems.strategy_rng.random(out=draws_buffer[:drawn])
        chunk = 1 if q_true_sum is not None else len(block)
        for row in range(0, len(block), chunk):
            rows = slice(row, row + chunk)
            steps_here = slice(block.start + row, block.start + row + chunk)
            stack_steps(
                block.start + row,
                q_estimate,
                counts,
                step_size,
                q_true,
                optimal,
                noise[rows],
                draws[rows],
                epsilon,
                arms_per_epsilon,
                value_sums[steps_here],
                optimal_counts[steps_here],
                trace_actions,
                trace_values,
                trace_q,
                trace_counts,
            )
            trace_q_true[steps_here] = q_true[:, 0]
            if q_true_sum is not None:
                t = block.start + row
                q_true_sum += q_true
                q_true += problems.problem_rng.normal(0.0, walk_sd, size=q_true.shape)
                optimal = first_argmax(q_true)
                if t + 1 < steps:
                    best_reward[t + 1] = q_true.max(axis=0).mean()

        chosen_value = value_sums[block] / runs
        noise_mean = noise.mean(axis=1)
        for index, record in enumerate(records):
            record.chosen_value[block] = chosen_value[:, index]
            record.mean_reward[block] = chosen_value[:, index] + noise_mean
            record.trace_rewards[block] = trace_values[block, index] + noise[:, 0]

    results = []
    for index, (strategy, record) in enumerate(zip(stack, records, strict=True)):
        record.optimal_count[:] = optimal_counts[:, index]
        record.trace_actions[:] = trace_actions[:, index]
        record.trace_q[:] = trace_q[:, :, index]
        record.trace_counts[:] = trace_counts[:, :, index]
        q_before = np.vstack([np.full(arms, float(strategy.initial)), record.trace_q[:-1]])
        picked = q_before[np.arange(steps), record.trace_actions]
        record.trace_exploratory[:] = picked < q_before.max(axis=1)
        results.append(
            _result(
                strategy,
                record,
                counts[:, index * runs : (index + 1) * runs],
                problems,
                q_true_sum,
                best_reward,
                trace_q_true,
                testbed,
            )
        )
    return results
