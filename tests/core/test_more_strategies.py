"""UCB, gradient bandit, Thompson sampling and optimistic starts against Figures 2.3 to 2.5."""

import math

import numpy as np
import pytest

from core.bandit import UCB, EpsilonGreedy, GradientBandit, Greedy, ThompsonSampling, simulate

BOOK = {"runs": 2000, "steps": 1000, "arms": 10, "seed": 0}


def late(curve: np.ndarray) -> float:
    return float(curve[-100:].mean())


@pytest.fixture(scope="module")
def figure_2_3():
    return {
        "optimistic": simulate(Greedy(initial=5.0, step_size=0.1), **BOOK),
        "realistic": simulate(EpsilonGreedy(epsilon=0.1, step_size=0.1), **BOOK),
    }


def test_optimistic_greedy_overtakes_realistic_epsilon_greedy(figure_2_3):
    optimistic, realistic = (
        figure_2_3["optimistic"].optimal_rate,
        figure_2_3["realistic"].optimal_rate,
    )
    assert optimistic[:100].mean() < realistic[:100].mean()
    assert optimistic[300:].mean() > realistic[300:].mean() + 0.04
    assert 0.78 < late(optimistic) < 0.92
    assert 0.70 < late(realistic) < 0.82


def test_optimistic_greedy_spikes_right_after_trying_every_arm(figure_2_3):
    optimistic = figure_2_3["optimistic"].optimal_rate
    # Steps 1-10 try each arm once (10% optimal each); step 11 picks the best-looking arm.
    assert optimistic[:10] == pytest.approx(np.full(10, 0.1), abs=0.025)
    assert optimistic[10] > 0.35
    assert optimistic[10] > optimistic[12:20].max() + 0.05


@pytest.fixture(scope="module")
def figure_2_4():
    return {
        "ucb": simulate(UCB(c=2.0), **BOOK),
        "epsilon": simulate(EpsilonGreedy(epsilon=0.1), **BOOK),
    }


def test_ucb_beats_epsilon_greedy_after_the_first_k_steps(figure_2_4):
    ucb, eps = figure_2_4["ucb"].mean_reward, figure_2_4["epsilon"].mean_reward
    assert ucb[:10].mean() < eps[:10].mean()
    assert ucb[50:].mean() > eps[50:].mean() + 0.08
    assert 1.42 < late(ucb) < 1.54


def test_ucb_spikes_at_step_eleven(figure_2_4):
    reward = figure_2_4["ucb"].mean_reward
    assert reward[10] > reward[11:25].mean() + 0.15
    assert reward[10] > 1.0


def test_ucb_tries_every_arm_once_first():
    trace = simulate(UCB(c=1.0), steps=12, runs=3, seed=1).trace
    assert sorted(trace.actions[:10]) == list(range(10))


def test_ucb_with_c_zero_tries_each_arm_once_then_is_greedy(figure_2_4):
    ucb_zero = simulate(UCB(c=0.0), **BOOK)
    assert 0.60 < late(ucb_zero.optimal_rate) < 0.75
    assert late(ucb_zero.optimal_rate) < late(figure_2_4["ucb"].optimal_rate) - 0.1
    assert abs(late(ucb_zero.optimal_rate) - ucb_zero.optimal_rate[400:500].mean()) < 0.03


@pytest.fixture(scope="module")
def figure_2_5():
    shifted = {**BOOK, "q_mean": 4.0}
    return {
        (alpha, baseline): simulate(GradientBandit(alpha=alpha, baseline=baseline), **shifted)
        for alpha in (0.1, 0.4)
        for baseline in (True, False)
    }


def test_gradient_bandit_with_baseline_is_unaffected_by_the_shift(figure_2_5):
    assert 0.80 < late(figure_2_5[(0.1, True)].optimal_rate) < 0.90
    assert 0.65 < late(figure_2_5[(0.4, True)].optimal_rate) < 0.78
    unshifted = simulate(GradientBandit(alpha=0.1), **BOOK)
    assert late(unshifted.optimal_rate) == pytest.approx(
        late(figure_2_5[(0.1, True)].optimal_rate), abs=0.03
    )


def test_gradient_bandit_without_baseline_is_much_worse(figure_2_5):
    assert 0.40 < late(figure_2_5[(0.1, False)].optimal_rate) < 0.58
    assert 0.20 < late(figure_2_5[(0.4, False)].optimal_rate) < 0.36
    for alpha in (0.1, 0.4):
        with_baseline = late(figure_2_5[(alpha, True)].optimal_rate)
        assert with_baseline > late(figure_2_5[(alpha, False)].optimal_rate) + 0.25


def test_gradient_probabilities_are_a_distribution_and_preferences_sum_to_zero():
    trace = simulate(GradientBandit(alpha=0.2), steps=200, runs=50, seed=3).trace
    probability = trace.details["probability"]
    assert probability.shape == (200, 10)
    np.testing.assert_allclose(probability.sum(axis=1), 1.0)
    np.testing.assert_allclose(trace.q_estimates.sum(axis=1), 0.0, atol=1e-9)
    # The pulled arm's preference moves in the direction of reward minus baseline.
    assert probability[-1].max() > 0.3


def test_gradient_first_step_learns_nothing_with_a_baseline():
    trace = simulate(GradientBandit(alpha=0.5), steps=1, runs=1, seed=0).trace
    assert np.all(trace.q_estimates[0] == 0.0)


def test_thompson_sampling_learns_and_its_beliefs_narrow():
    result = simulate(ThompsonSampling(), **BOOK)
    assert late(result.optimal_rate) > 0.85
    assert late(result.mean_reward) > 1.45
    sd = result.trace.details["posterior_sd"]
    counts = result.trace.counts
    np.testing.assert_allclose(sd, 1 / np.sqrt(1 + counts))
    arm = result.trace.actions[0]
    assert sd[-1, arm] < sd[0, arm] < 1.0


def test_thompson_posterior_mean_is_the_conjugate_update():
    strategy = ThompsonSampling(prior_mean=1.0, prior_sd=0.5)
    trace = simulate(strategy, steps=50, runs=1, seed=4).trace
    for arm in range(10):
        pulled = trace.actions == arm
        n, total = pulled.sum(), trace.rewards[pulled].sum()
        expected = (1.0 / 0.25 * 1.0 + total) / (1.0 / 0.25 + n)
        assert trace.q_estimates[-1, arm] == pytest.approx(expected)


def test_nonstationary_world_favours_a_constant_step_size():
    # Exercise 2.5: 10,000 steps of N(0, 0.01) random walks.
    settings = {"runs": 500, "steps": 10_000, "seed": 0, "walk_sd": 0.01}
    averages = simulate(EpsilonGreedy(epsilon=0.1), **settings)
    constant = simulate(EpsilonGreedy(epsilon=0.1, step_size=0.1), **settings)
    assert constant.mean_reward[-1000:].mean() > averages.mean_reward[-1000:].mean() + 0.1
    assert constant.optimal_rate[-1000:].mean() > averages.optimal_rate[-1000:].mean() + 0.15


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: UCB(c=-1.0), "c"),
        (lambda: UCB(c=math.nan), "c"),
        (lambda: UCB(step_size=2.0), "step_size"),
        (lambda: GradientBandit(alpha=0.0), "alpha"),
        (lambda: GradientBandit(alpha=math.inf), "alpha"),
        (lambda: GradientBandit(baseline="yes"), "baseline"),
        (lambda: ThompsonSampling(prior_sd=0.0), "prior_sd"),
        (lambda: ThompsonSampling(prior_mean=math.nan), "prior_mean"),
    ],
)
def test_bad_parameters_raise_value_error_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        make()


def test_same_seed_same_numbers_for_every_new_strategy():
    for strategy in (UCB(), GradientBandit(), ThompsonSampling()):
        first = simulate(strategy, steps=100, runs=100, seed=11)
        second = simulate(strategy, steps=100, runs=100, seed=11)
        np.testing.assert_array_equal(first.mean_reward, second.mean_reward)
        np.testing.assert_array_equal(first.trace.q_estimates, second.trace.q_estimates)
