"""The exercise checks name what is wrong with a function, and never raise.

Each wrong function below makes one classic mistake; its check must answer "not yet" with the
reason. The right functions pass in the slow test that executes the solutions notebook.
"""

from __future__ import annotations

import numpy as np
import pytest

from core import reference
from core.bandit import (
    UCB,
    DecayingEpsilon,
    EpsilonGreedy,
    GradientBandit,
    Greedy,
    ThompsonSampling,
    simulate,
)
from core.reference import argmax
from notebooks import checks


def never_written(bandit, steps, rng, **parameters):
    return None


def forgets_to_learn(bandit, steps, rng):
    for _ in range(steps):
        bandit.pull(rng.integers(bandit.arms))
    return np.zeros(bandit.arms)


def first_arm_on_ties(bandit, steps, rng, initial=0.0, step_size=None):
    Q, N = np.full(bandit.arms, float(initial)), np.zeros(bandit.arms)
    for _ in range(steps):
        A = np.argmax(Q)
        R = bandit.pull(A)
        N[A] += 1
        Q[A] += (R - Q[A]) * (1 / N[A] if step_size is None else step_size)
    return Q


def ignores_step_size(bandit, steps, rng, initial=0.0, step_size=None):
    return reference.greedy(bandit, steps, rng, initial=initial)


def never_explores(bandit, steps, rng, epsilon, initial=0.0, step_size=None):
    return reference.greedy(bandit, steps, rng, initial=initial, step_size=step_size)


def always_exponential(bandit, steps, rng, start, end, schedule, half_life=100.0, **rest):
    return reference.decaying_epsilon(
        bandit, steps, rng, start, end, "exponential", half_life=half_life, **rest
    )


def ucb_skips_untried_arms(bandit, steps, rng, c, initial=0.0, step_size=None):
    Q, N = np.full(bandit.arms, float(initial)), np.zeros(bandit.arms)
    for t in range(steps):
        A = argmax(Q + c * np.sqrt(np.log(t + 1) / np.maximum(N, 1)), rng)
        R = bandit.pull(A)
        N[A] += 1
        Q[A] += (R - Q[A]) / N[A]
    return Q


def gradient_only_on_pulled_arm(bandit, steps, rng, alpha, baseline):
    H, R_bar = np.zeros(bandit.arms), 0.0
    for t in range(steps):
        pi = np.exp(H - H.max())
        pi /= pi.sum()
        A = rng.choice(bandit.arms, p=pi)
        R = bandit.pull(A)
        R_bar = R if t == 0 else R_bar
        H[A] += alpha * (R - (R_bar if baseline else 0.0)) * (1 - pi[A])
        R_bar += (R - R_bar) / (t + 1)
    return H


def thompson_without_prior(bandit, steps, rng, prior_mean=0.0, prior_sd=1.0):
    reference.thompson_sampling(bandit, steps, rng, prior_mean, prior_sd)
    counts = np.bincount(bandit.actions, minlength=bandit.arms)
    sums = np.bincount(bandit.actions, weights=bandit.rewards, minlength=bandit.arms)
    return sums / np.maximum(counts, 1)


def pulls_twice(bandit, steps, rng):
    reference.naive(bandit, steps, rng)
    return reference.naive(bandit, steps, rng)


def divides_by_zero(bandit, steps, rng, **parameters):
    return 1 / 0


@pytest.mark.parametrize(
    ("check", "play", "reason"),
    [
        (checks.check_naive, never_written, "the function is not written yet"),
        (checks.check_ucb, never_written, "the function is not written yet"),
        (checks.check_naive, forgets_to_learn, "your Q[0] is 0.000, but the average of"),
        (checks.check_naive, pulls_twice, "it pulled 2000 times in 1000 steps"),
        (checks.check_naive, divides_by_zero, "your function raised ZeroDivisionError"),
        (checks.check_greedy, first_arm_on_ties, "its first pull is always arm 0"),
        (checks.check_greedy, ignores_step_size, "(initial=5.0, step_size=0.1) your Q["),
        (checks.check_epsilon_greedy, never_explores, "with ε = 0.1 it made 0 non-greedy pulls"),
        (checks.check_decaying_epsilon, always_exponential, "schedule=linear, decay_steps=400"),
        (checks.check_ucb, ucb_skips_untried_arms, "was never pulled; UCB tries every arm"),
        (checks.check_gradient_bandit, gradient_only_on_pulled_arm, "with baseline=True, your"),
        (checks.check_thompson_sampling, thompson_without_prior, "with prior N(0.0, 1.0²)"),
    ],
    ids=lambda value: getattr(value, "__name__", "reason"),
)
def test_a_wrong_function_is_told_why_it_does_not_pass(check, play, reason, capsys):
    check(play)
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    assert ": not yet, because " in printed
    assert reason in printed
    assert "passed" not in printed


def test_is_written_tells_a_stub_from_a_function():
    assert not checks.is_written(never_written)
    assert not checks.is_written(divides_by_zero)
    assert checks.is_written(reference.epsilon_greedy, epsilon=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(checks.EXPECTED))
def test_expected_numbers_match_the_engine(name):
    """Where a check's target comes from the engine (or the book), the engine agrees with it.

    The engine's 2000 runs must land well inside the check's tolerance, so a right function
    passes the check with room to spare.
    """
    strategy, q_mean = ENGINE_SETTINGS[name]
    result = simulate(strategy, steps=1000, runs=2000, seed=1, q_mean=q_mean)
    reward, optimal, margin, _ = checks.EXPECTED[name]
    reward_tolerance = 4 * checks.REWARD_SD / checks.CHECK_RUNS**0.5 + margin
    optimal_tolerance = 4 * checks.OPTIMAL_SD / checks.CHECK_RUNS**0.5 + margin
    assert abs(result.mean_reward[-100:].mean() - reward) < reward_tolerance / 2
    assert abs(result.optimal_rate[-100:].mean() - optimal) < optimal_tolerance / 2


ENGINE_SETTINGS = {
    "greedy": (Greedy(), 0.0),
    "epsilon 0.01": (EpsilonGreedy(epsilon=0.01), 0.0),
    "epsilon 0.1": (EpsilonGreedy(epsilon=0.1), 0.0),
    "optimistic": (Greedy(initial=5.0, step_size=0.1), 0.0),
    "decaying": (DecayingEpsilon(), 0.0),
    "ucb": (UCB(c=2.0), 0.0),
    "gradient": (GradientBandit(alpha=0.1), 4.0),
    "gradient without baseline": (GradientBandit(alpha=0.1, baseline=False), 4.0),
    "thompson": (ThompsonSampling(), 0.0),
}
