"""Readable reference implementations of every bandit strategy: plain loops, one run at a time.

This is the code a learner writes in the ten-armed-bandit notebook, and the code the app shows
under "Show me the code". ``core.bandit`` computes the same thing for thousands of runs at
once, which makes it fast and much harder to read; ``tests/core/test_reference.py`` checks that
the two agree within statistical tolerance on the book's figures.

Every strategy is a function ``play(bandit, steps, rng, **parameters)``: it pulls one arm per
step for ``steps`` steps and returns what it learnt (its estimates Q, or the gradient bandit's
preferences H). The :class:`Bandit` keeps the score, and :func:`run_experiment` averages it
over many runs. Parameter names are those of the matching ``core.bandit`` class.

The notebooks copy these functions with ``inspect.getsource`` (see ``core/notebooks.py``), so
they must stay self-contained: numpy only, no names from the rest of the project.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from core.bandit import (
    UCB,
    DecayingEpsilon,
    EpsilonGreedy,
    GradientBandit,
    Greedy,
    Naive,
    Strategy,
    ThompsonSampling,
)


class Bandit:
    """One k-armed bandit problem: pull an arm, get a reward R ~ N(q*(arm), 1).

    It also keeps the score of the run: every arm pulled, every reward, and whether the arm
    was the best one at that moment. With ``walk_sd > 0`` every true value takes a random-walk
    step N(0, walk_sd) after each pull, so the best arm can change (Exercise 2.5).
    """

    def __init__(self, q_true, rng, walk_sd=0.0):
        self.q_true = np.array(q_true, dtype=float)
        self.arms = len(self.q_true)
        self.rng = rng
        self.walk_sd = walk_sd
        self.best_arm = np.argmax(self.q_true)
        self.actions, self.rewards, self.optimal = [], [], []

    def pull(self, arm):
        reward = self.rng.normal(self.q_true[arm], 1.0)
        self.actions.append(arm)
        self.rewards.append(reward)
        self.optimal.append(arm == self.best_arm)
        if self.walk_sd > 0:
            self.q_true += self.rng.normal(0.0, self.walk_sd, self.arms)
            self.best_arm = np.argmax(self.q_true)
        return reward


def argmax(values, rng):
    """The index of the largest value, ties broken at random.

    ``np.argmax`` alone always picks the first of tied arms, so a greedy agent whose estimates
    all start equal would always pull arm 0 first.
    """
    best = np.flatnonzero(values == values.max())
    if len(best) == 1:
        return best[0]
    return rng.choice(best)


def run_experiment(
    play, runs, steps, arms=10, seed=0, q_mean=0.0, walk_sd=0.0, start_equal=False, **parameters
):
    """Average reward and fraction of optimal pulls at each step, over ``runs`` runs.

    Run r plays a fresh bandit whose true values are drawn from N(q_mean, 1); they are the same
    values the app draws for run r with this seed, so both face the same problems. With
    ``start_equal`` every true value starts at q_mean instead (Exercise 2.5: they then drift).
    """
    problem_seed, play_seed = np.random.SeedSequence(seed).spawn(2)
    q_true = q_mean + np.random.default_rng(problem_seed).standard_normal((runs, arms))
    if start_equal:
        q_true[:] = q_mean
    rng = np.random.default_rng(play_seed)
    rewards = np.zeros((runs, steps))
    optimal = np.zeros((runs, steps))
    for run in range(runs):
        bandit = Bandit(q_true[run], rng, walk_sd)
        play(bandit, steps, rng, **parameters)
        if len(bandit.rewards) != steps:
            raise ValueError(f"{play.__name__} pulled {len(bandit.rewards)} times in {steps} steps")
        rewards[run] = bandit.rewards
        optimal[run] = bandit.optimal
    return rewards.mean(axis=0), optimal.mean(axis=0)


def naive(bandit, steps, rng):
    """Strategy 1: pull an arm at random every time, keeping the tally anyway."""
    Q = np.zeros(bandit.arms)  # estimated value of each arm
    N = np.zeros(bandit.arms)  # how often each arm was pulled
    for _ in range(steps):
        A = rng.integers(bandit.arms)
        R = bandit.pull(A)
        N[A] += 1
        Q[A] += (R - Q[A]) / N[A]  # sample average, updated incrementally
    return Q


def greedy(bandit, steps, rng, initial=0.0, step_size=None):
    """Strategy 2: always pull the arm with the highest estimate.

    ``initial`` is every arm's first estimate Q1 (5 is optimistic); ``step_size`` None means
    sample averages (alpha = 1/N), a number means a constant alpha.
    """
    Q = np.full(bandit.arms, float(initial))
    N = np.zeros(bandit.arms)
    for _ in range(steps):
        A = argmax(Q, rng)
        R = bandit.pull(A)
        N[A] += 1
        alpha = 1 / N[A] if step_size is None else step_size
        Q[A] += alpha * (R - Q[A])
    return Q


def epsilon_greedy(bandit, steps, rng, epsilon, initial=0.0, step_size=None):
    """Strategy 3: greedy, but with probability epsilon pull an arm at random."""
    Q = np.full(bandit.arms, float(initial))
    N = np.zeros(bandit.arms)
    for _ in range(steps):
        if rng.random() < epsilon:
            A = rng.integers(bandit.arms)  # explore (may land on the greedy arm too)
        else:
            A = argmax(Q, rng)  # exploit
        R = bandit.pull(A)
        N[A] += 1
        alpha = 1 / N[A] if step_size is None else step_size
        Q[A] += alpha * (R - Q[A])
    return Q


def decaying_epsilon(
    bandit,
    steps,
    rng,
    start,
    end,
    schedule,
    half_life=100.0,
    decay_steps=500,
    initial=0.0,
    step_size=None,
):
    """Strategy 4: epsilon-greedy whose epsilon shrinks from ``start`` towards ``end``."""
    Q = np.full(bandit.arms, float(initial))
    N = np.zeros(bandit.arms)
    for t in range(steps):
        if schedule == "exponential":
            fraction = 0.5 ** (t / half_life)  # the excess over `end` halves every half_life
        elif schedule == "linear":
            fraction = max(0.0, 1 - t / decay_steps)  # reaches `end` after decay_steps
        else:
            fraction = half_life / (half_life + t)  # "inverse": a 1/t schedule
        epsilon = end + (start - end) * fraction
        A = rng.integers(bandit.arms) if rng.random() < epsilon else argmax(Q, rng)
        R = bandit.pull(A)
        N[A] += 1
        alpha = 1 / N[A] if step_size is None else step_size
        Q[A] += alpha * (R - Q[A])
    return Q


def ucb(bandit, steps, rng, c, initial=0.0, step_size=None):
    """Upper confidence bound: pull the arm whose Q(a) + c sqrt(ln t / N(a)) is highest."""
    Q = np.full(bandit.arms, float(initial))
    N = np.zeros(bandit.arms)
    for t in range(steps):
        if np.any(N == 0):
            A = argmax(N == 0, rng)  # an arm never pulled counts as the best: try it first
        else:
            A = argmax(Q + c * np.sqrt(np.log(t + 1) / N), rng)  # t + 1: steps count from 1
        R = bandit.pull(A)
        N[A] += 1
        alpha = 1 / N[A] if step_size is None else step_size
        Q[A] += alpha * (R - Q[A])
    return Q


def gradient_bandit(bandit, steps, rng, alpha, baseline):
    """Gradient bandit: learn a preference H(a) per arm and pull arms by their softmax.

    ``baseline`` True compares each reward with the average of the rewards before it; False
    compares it with 0.
    """
    H = np.zeros(bandit.arms)  # preference for each arm
    R_bar = 0.0  # average of the rewards before this step
    for t in range(steps):
        pi = np.exp(H - H.max())  # softmax (subtracting the max avoids overflow)
        pi /= pi.sum()
        A = rng.choice(bandit.arms, p=pi)
        R = bandit.pull(A)
        if t == 0:
            R_bar = R  # no earlier rewards: the first one is its own baseline
        one_hot = np.zeros(bandit.arms)
        one_hot[A] = 1
        H += alpha * (R - (R_bar if baseline else 0.0)) * (one_hot - pi)
        R_bar += (R - R_bar) / (t + 1)
    return H


def thompson_sampling(bandit, steps, rng, prior_mean=0.0, prior_sd=1.0):
    """Gaussian Thompson sampling: pull each arm with the probability that it is the best.

    The belief about q*(a) starts as N(prior_mean, prior_sd^2). Rewards have variance 1, so
    after N(a) pulls with reward sum S(a) it is normal with precision 1 / prior_sd^2 + N(a)
    and mean (prior_mean / prior_sd^2 + S(a)) / precision.
    """
    N = np.zeros(bandit.arms)  # pulls per arm
    S = np.zeros(bandit.arms)  # sum of rewards per arm
    prior_precision = 1 / prior_sd**2
    for _ in range(steps):
        precision = prior_precision + N
        mean = (prior_precision * prior_mean + S) / precision
        sample = rng.normal(mean, 1 / np.sqrt(precision))  # one plausible q*(a) per arm
        A = np.argmax(sample)  # samples are continuous, so ties never happen
        R = bandit.pull(A)
        N[A] += 1
        S[A] += R
    return (prior_precision * prior_mean + S) / (prior_precision + N)


# For the app: from a ``core.bandit`` strategy to its reference function and call.

REFERENCE_FUNCTIONS: dict[type[Strategy], Callable] = {
    Naive: naive,
    Greedy: greedy,
    EpsilonGreedy: epsilon_greedy,
    DecayingEpsilon: decaying_epsilon,
    UCB: ucb,
    GradientBandit: gradient_bandit,
    ThompsonSampling: thompson_sampling,
}
"""Reference function by strategy class; its parameters are named like the class's fields."""

TESTBED_CODE: tuple[Callable, ...] = (Bandit, argmax, run_experiment)
"""What every strategy function needs around it, in the order a notebook defines it."""


def reference_function(strategy: Strategy) -> Callable:
    """The plain-loop function that plays ``strategy``'s rule, one run at a time."""
    try:
        return REFERENCE_FUNCTIONS[type(strategy)]
    except KeyError:
        raise ValueError(
            f"strategy must be one of core.bandit's strategies "
            f"({', '.join(cls.__name__ for cls in REFERENCE_FUNCTIONS)}), got {strategy!r}"
        ) from None


def reference_parameters(strategy: Strategy) -> dict[str, object]:
    """Keyword arguments of the strategy's reference function that reproduce its settings.

    Parameters without a default are always given; the others only where the strategy differs
    from the function's default, so the call shows what matters.
    """
    signature = inspect.signature(reference_function(strategy)).parameters
    parameters = {}
    for name in list(signature)[3:]:  # after (bandit, steps, rng), in the function's order
        value = getattr(strategy, name)
        default = signature[name].default
        if default is inspect.Parameter.empty or value != default:
            parameters[name] = value
    return parameters


def literal(value: object) -> str:
    """A parameter value as Python source: ``0.1``, ``"linear"``, ``None``.

    numpy scalars read as plain numbers, and floats keep 12 significant digits, which hides a
    slider's binary rounding (``0.30000000000000004``) and changes no result.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        value = float(f"{value:.12g}")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def reference_call(
    strategy: Strategy,
    *,
    runs: int = 2000,
    steps: int = 1000,
    arms: int = 10,
    seed: int = 0,
    q_mean: float = 0.0,
    walk_sd: float = 0.0,
    start_equal: bool = False,
) -> str:
    """The line that runs the strategy's reference function over many runs, as Python text."""
    arguments = [reference_function(strategy).__name__, f"runs={runs}", f"steps={steps}"]
    testbed = {
        "arms": arms,
        "seed": seed,
        "q_mean": q_mean,
        "walk_sd": walk_sd,
        "start_equal": start_equal,
    }
    defaults = inspect.signature(run_experiment).parameters
    arguments += [
        f"{name}={literal(value)}"
        for name, value in testbed.items()
        if value != defaults[name].default
    ]
    arguments += [
        f"{name}={literal(value)}" for name, value in reference_parameters(strategy).items()
    ]
    return f"mean_reward, optimal_rate = run_experiment({', '.join(arguments)})"


def testbed_code() -> str:
    """The source of :class:`Bandit`, :func:`argmax` and :func:`run_experiment`."""
    return "\n\n".join(inspect.getsource(part) for part in TESTBED_CODE)


def reference_code(strategy: Strategy, **testbed: Any) -> str:
    """The strategy's reference function, then the call that runs it ("Show me the code").

    ``testbed`` takes :func:`reference_call`'s keywords (runs, steps, arms, seed, q_mean,
    walk_sd), so the call matches the settings on the page.
    """
    source = inspect.getsource(reference_function(strategy))
    return f"{source}\n\n{reference_call(strategy, **testbed)}\n"
