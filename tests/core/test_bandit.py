"""The bandit engine: Sutton & Barto's Figure 2.2, fairness, determinism, traces, validation."""

import math
import re

import numpy as np
import pytest

from core.bandit import (
    UCB,
    BanditResult,
    DecayingEpsilon,
    EpsilonGreedy,
    Greedy,
    Naive,
    can_stack,
    simulate,
    simulate_many,
)

FIGURE_2_2 = {"runs": 2000, "steps": 1000, "arms": 10, "seed": 0}


@pytest.fixture(scope="module")
def figure_2_2():
    """The three curves of Figure 2.2 plus random play, at the book's size."""
    return {
        "naive": simulate(Naive(), **FIGURE_2_2),
        "greedy": simulate(Greedy(), **FIGURE_2_2),
        "eps_0.01": simulate(EpsilonGreedy(epsilon=0.01), **FIGURE_2_2),
        "eps_0.1": simulate(EpsilonGreedy(epsilon=0.1), **FIGURE_2_2),
    }


def late(curve: np.ndarray) -> float:
    """Average over the last 100 of 1000 steps, where the book reads its figure."""
    return float(curve[-100:].mean())


def test_best_possible_is_expected_max_of_ten_standard_normals(figure_2_2):
    for result in figure_2_2.values():
        assert 1.50 < result.best_possible < 1.58


def test_random_play_earns_about_zero_and_finds_best_arm_one_time_in_ten(figure_2_2):
    naive = figure_2_2["naive"]
    assert abs(naive.mean_reward.mean()) < 0.03
    assert 0.095 < naive.optimal_rate.mean() < 0.105


def test_greedy_levels_off_near_one_and_finds_best_arm_in_a_third_of_runs(figure_2_2):
    greedy = figure_2_2["greedy"]
    assert 0.95 < late(greedy.mean_reward) < 1.10
    assert 0.30 < late(greedy.optimal_rate) < 0.42
    # It stops improving: the last 500 steps look like the 500 before them.
    assert abs(late(greedy.optimal_rate) - greedy.optimal_rate[400:500].mean()) < 0.03


def test_epsilon_tenth_reaches_about_1_35_and_80_percent_optimal(figure_2_2):
    eps = figure_2_2["eps_0.1"]
    assert 1.30 < late(eps.mean_reward) < 1.42
    assert 0.76 < late(eps.optimal_rate) < 0.85


def test_epsilon_hundredth_sits_between_and_is_still_rising(figure_2_2):
    small, large, greedy = figure_2_2["eps_0.01"], figure_2_2["eps_0.1"], figure_2_2["greedy"]
    assert 0.50 < late(small.optimal_rate) < 0.66
    assert late(greedy.optimal_rate) + 0.1 < late(small.optimal_rate)
    assert late(small.optimal_rate) < late(large.optimal_rate) - 0.1
    assert late(small.optimal_rate) > small.optimal_rate[400:500].mean() + 0.04


def test_regret_orders_strategies_and_only_grows(figure_2_2):
    regret = {name: result.cumulative_regret[-1] for name, result in figure_2_2.items()}
    assert regret["eps_0.1"] < regret["eps_0.01"] < regret["greedy"] < regret["naive"]
    assert np.all(np.diff(figure_2_2["naive"].cumulative_regret) > 0)
    naive = figure_2_2["naive"]
    assert naive.cumulative_regret[-1] == pytest.approx(1000 * naive.best_possible, rel=0.03)


def test_greedy_often_never_tries_the_best_arm(figure_2_2):
    greedy, eps = figure_2_2["greedy"], figure_2_2["eps_0.1"]
    assert 0.45 < greedy.never_tried_best_rate < 0.70
    assert eps.never_tried_best_rate == 0.0
    assert greedy.best_arm_found_rate < 0.45 < 0.75 < eps.best_arm_found_rate


def test_pull_shares_by_rank_sum_to_one_and_favour_better_arms(figure_2_2):
    shares = figure_2_2["eps_0.1"].pull_share_by_rank
    assert shares.sum() == pytest.approx(1.0)
    assert shares[0] > 0.6
    assert np.all(np.diff(shares[:4]) < 0)
    assert figure_2_2["naive"].pull_share_by_rank == pytest.approx(np.full(10, 0.1), abs=0.005)


def test_shapes():
    result = simulate(EpsilonGreedy(), arms=5, steps=30, runs=7, seed=1)
    for curve in (
        result.mean_reward,
        result.optimal_rate,
        result.best_reward,
        result.cumulative_regret,
        result.epsilon,
    ):
        assert curve.shape == (30,)
    assert result.q_true.shape == result.pull_counts.shape == (7, 5)
    assert result.trace.q_estimates.shape == result.trace.counts.shape == (30, 5)
    assert result.trace.actions.shape == result.trace.rewards.shape == (30,)
    assert result.pull_counts.sum() == 7 * 30


def test_same_call_twice_gives_identical_arrays():
    first = simulate(EpsilonGreedy(epsilon=0.1), steps=200, runs=300, seed=42)
    second = simulate(EpsilonGreedy(epsilon=0.1), steps=200, runs=300, seed=42)
    np.testing.assert_array_equal(first.mean_reward, second.mean_reward)
    np.testing.assert_array_equal(first.optimal_rate, second.optimal_rate)
    np.testing.assert_array_equal(first.trace.q_estimates, second.trace.q_estimates)
    other = simulate(EpsilonGreedy(epsilon=0.1), steps=200, runs=300, seed=43)
    assert not np.array_equal(first.mean_reward, other.mean_reward)


def test_strategies_with_the_same_seed_face_the_same_problems_and_noise():
    greedy = simulate(Greedy(), steps=50, runs=100, seed=5)
    naive = simulate(Naive(), steps=50, runs=100, seed=5)
    np.testing.assert_array_equal(greedy.q_true, naive.q_true)
    assert greedy.best_possible == naive.best_possible
    # Same reward noise: reward minus the pulled arm's true value is the same draw at each step.
    noise_greedy = greedy.trace.rewards - greedy.trace.q_true[0, greedy.trace.actions]
    noise_naive = naive.trace.rewards - naive.trace.q_true[0, naive.trace.actions]
    np.testing.assert_allclose(noise_greedy, noise_naive)


def test_a_strategy_that_only_changes_schedule_shape_matches_fixed_epsilon_exactly():
    fixed = simulate(EpsilonGreedy(epsilon=0.1), steps=300, runs=200, seed=3)
    flat = simulate(DecayingEpsilon(start=0.1, end=0.1), steps=300, runs=200, seed=3)
    np.testing.assert_array_equal(fixed.mean_reward, flat.mean_reward)


def test_ties_are_broken_uniformly_at_random():
    first_pulls = simulate(Greedy(), steps=1, runs=20_000, seed=0).pull_counts.sum(axis=0)
    assert first_pulls.sum() == 20_000
    assert np.all(np.abs(first_pulls / 20_000 - 0.1) < 0.01)
    first_actions = {
        simulate(Greedy(), steps=1, runs=1, seed=s).trace.actions[0] for s in range(60)
    }
    assert len(first_actions) == 10


def test_optimistic_greedy_tries_every_arm_first():
    trace = simulate(Greedy(initial=5.0, step_size=0.1), steps=10, runs=50, seed=2).trace
    assert sorted(trace.actions) == list(range(10))


def test_trace_is_the_sample_average_tally_of_run_zero():
    result = simulate(EpsilonGreedy(epsilon=0.2), steps=400, runs=50, seed=9)
    trace = result.trace
    np.testing.assert_array_equal(trace.q_true[0], result.q_true[0])
    np.testing.assert_array_equal(trace.counts[-1], result.pull_counts[0])
    for arm in range(10):
        pulled = trace.actions == arm
        assert trace.counts[-1, arm] == pulled.sum()
        if pulled.any():
            assert trace.q_estimates[-1, arm] == pytest.approx(trace.rewards[pulled].mean())
    noise = trace.rewards - trace.q_true[0, trace.actions]
    assert abs(noise.mean()) < 0.15
    assert 0.85 < noise.std() < 1.15


def test_constant_step_size_weights_recent_rewards():
    trace = simulate(Greedy(step_size=0.5), steps=3, runs=1, seed=4).trace
    arm = trace.actions[0]
    assert trace.q_estimates[0, arm] == pytest.approx(0.5 * trace.rewards[0])


def test_exploratory_flags_match_the_books_definition():
    greedy = simulate(Greedy(), steps=300, runs=10, seed=0).trace
    assert not greedy.exploratory.any()
    eps = simulate(EpsilonGreedy(epsilon=0.5), steps=2000, runs=1, seed=0).trace
    # A random pull lands on a non-greedy arm 9 times in 10: 0.5 * 0.9 = 0.45.
    assert 0.40 < eps.exploratory.mean() < 0.50


def test_epsilon_schedules():
    steps = 1001
    expo = DecayingEpsilon(start=1.0, end=0.0, schedule="exponential", half_life=100)
    line = DecayingEpsilon(start=0.5, end=0.1, schedule="linear", decay_steps=400)
    inverse = DecayingEpsilon(start=1.0, end=0.2, schedule="inverse", half_life=50)
    e = expo.epsilon_schedule(steps)
    assert e[0] == 1.0 and e[100] == pytest.approx(0.5) and e[200] == pytest.approx(0.25)
    ln = line.epsilon_schedule(steps)
    assert ln[0] == 0.5 and ln[200] == pytest.approx(0.3) and ln[400] == pytest.approx(0.1)
    assert np.all(ln[400:] == pytest.approx(0.1))
    inv = inverse.epsilon_schedule(steps)
    assert inv[0] == 1.0 and inv[50] == pytest.approx(0.6) and inv[150] == pytest.approx(0.4)
    for schedule, low in ((e, 0.0), (ln, 0.1), (inv, 0.2)):
        assert np.all(np.diff(schedule) <= 0)
        assert np.all(schedule >= low)
    assert np.all(EpsilonGreedy(epsilon=0.3).epsilon_schedule(5) == 0.3)
    assert np.all(Greedy().epsilon_schedule(5) == 0.0)
    assert simulate(expo, steps=20, runs=5).epsilon == pytest.approx(expo.epsilon_schedule(20))


def test_decaying_epsilon_explores_early_and_exploits_late():
    result = simulate(DecayingEpsilon(), **FIGURE_2_2)
    fixed = simulate(EpsilonGreedy(epsilon=0.1), **FIGURE_2_2)
    assert result.optimal_rate[:20].mean() < 0.2
    assert late(result.mean_reward) > late(fixed.mean_reward) + 0.05


def test_nonstationary_walk_moves_the_true_values():
    result = simulate(EpsilonGreedy(), steps=500, runs=200, seed=0, walk_sd=0.1)
    assert not np.allclose(result.trace.q_true[0], result.trace.q_true[-1])
    assert np.std(np.diff(result.trace.q_true, axis=0)) == pytest.approx(0.1, rel=0.1)
    assert result.best_reward.std() > 0
    stationary = simulate(EpsilonGreedy(), steps=500, runs=200, seed=0)
    assert np.all(stationary.trace.q_true == stationary.trace.q_true[0])


def test_q_mean_shifts_every_true_value():
    result = simulate(Naive(), steps=200, runs=500, seed=0, q_mean=4.0)
    assert result.q_true.mean() == pytest.approx(4.0, abs=0.05)
    assert result.mean_reward.mean() == pytest.approx(4.0, abs=0.05)


def test_labels_name_the_parameters():
    assert EpsilonGreedy(epsilon=0.01).label == "ε-greedy (ε = 0.01)"
    assert "Q₁ = 5" in Greedy(initial=5, step_size=0.1).label
    assert "α = 0.1" in Greedy(initial=5, step_size=0.1).label
    assert "linear" in DecayingEpsilon(schedule="linear").label


def test_strategies_are_immutable_values():
    strategy = EpsilonGreedy(epsilon=0.1)
    assert strategy == EpsilonGreedy(epsilon=0.1)
    assert hash(strategy) == hash(EpsilonGreedy(epsilon=0.1))
    with pytest.raises(AttributeError):
        strategy.epsilon = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: EpsilonGreedy(epsilon=-0.1), "epsilon"),
        (lambda: EpsilonGreedy(epsilon=1.5), "epsilon"),
        (lambda: EpsilonGreedy(epsilon=math.nan), "epsilon"),
        (lambda: EpsilonGreedy(epsilon="0.1"), "epsilon"),
        (lambda: EpsilonGreedy(epsilon=True), "epsilon"),
        (lambda: Greedy(initial=math.inf), "initial"),
        (lambda: Greedy(initial=1e9), "initial"),
        (lambda: Greedy(step_size=0.0), "step_size"),
        (lambda: Greedy(step_size=1.5), "step_size"),
        (lambda: EpsilonGreedy(step_size=-math.inf), "step_size"),
        (lambda: DecayingEpsilon(start=0.1, end=0.5), "end"),
        (lambda: DecayingEpsilon(start=1.2), "start"),
        (lambda: DecayingEpsilon(end=-0.1), "end"),
        (lambda: DecayingEpsilon(schedule="cosine"), "schedule"),
        (lambda: DecayingEpsilon(half_life=0), "half_life"),
        (lambda: DecayingEpsilon(half_life=math.nan), "half_life"),
        (lambda: DecayingEpsilon(decay_steps=0), "decay_steps"),
        (lambda: DecayingEpsilon(decay_steps=2.5), "decay_steps"),
        (lambda: simulate(Naive(), arms=1), "arms"),
        (lambda: simulate(Naive(), arms=10_000), "arms"),
        (lambda: simulate(Naive(), steps=0), "steps"),
        (lambda: simulate(Naive(), runs=0), "runs"),
        (lambda: simulate(Naive(), runs=2.5), "runs"),
        (lambda: simulate(Naive(), steps=math.nan), "steps"),
        (lambda: simulate(Naive(), seed=-1), "seed"),
        (lambda: simulate(Naive(), steps=100_000, runs=1_000), "runs * steps"),
        (lambda: simulate(Naive(), q_mean=math.inf), "q_mean"),
        (lambda: simulate(Naive(), walk_sd=-0.1), "walk_sd"),
        (lambda: simulate("greedy"), "strategy"),
    ],
)
def test_bad_parameters_raise_value_error_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match="^" + re.escape(name) + " must be"):
        make()


def test_validation_messages_give_the_allowed_range():
    with pytest.raises(ValueError, match=r"epsilon must be a number in \[0, 1\], got 1.5"):
        EpsilonGreedy(epsilon=1.5)
    with pytest.raises(ValueError, match=r"arms must be a whole number from 2 to 100"):
        simulate(Naive(), arms=1)


def test_first_argmax_matches_numpy_including_ties_and_large_indices():
    from core.bandit import first_argmax

    rng = np.random.default_rng(0)
    for arms in (2, 10, 100):
        values = rng.integers(0, 3, size=(arms, 5000)).astype(float)  # many ties
        chosen = first_argmax(values)
        np.testing.assert_array_equal(chosen, values.argmax(axis=0))
        assert chosen.dtype == np.intp, "indices must not overflow when multiplied by runs"


def assert_identical(expected: BanditResult, actual: BanditResult) -> None:
    """Every field and every array of two results equal, bit for bit."""
    for name, value in vars(expected).items():
        other = getattr(actual, name)
        if name == "trace":
            for trace_name, trace_value in vars(value).items():
                if trace_name == "details":
                    assert trace_value.keys() == other.details.keys()
                    for detail, table in trace_value.items():
                        np.testing.assert_array_equal(table, other.details[detail])
                else:
                    np.testing.assert_array_equal(trace_value, getattr(other, trace_name))
        elif isinstance(value, np.ndarray) or value is None:
            if value is None:
                assert other is None, name
            else:
                np.testing.assert_array_equal(value, other, err_msg=name)
        else:
            assert value == other, name


SIDE_BY_SIDE = [
    pytest.param(
        [EpsilonGreedy(epsilon=e) for e in (0.0, 0.01, 0.1)],
        {"steps": 300, "runs": 400, "seed": 11},
        id="figure-2-2-trio",
    ),
    pytest.param(
        [
            Greedy(initial=5.0),
            EpsilonGreedy(epsilon=0.1, step_size=0.1),
            DecayingEpsilon(schedule="linear", end=0.0, decay_steps=50),
            EpsilonGreedy(epsilon=1.0),
            UCB(),
            Naive(),
            DecayingEpsilon(),
            EpsilonGreedy(epsilon=0.2, step_size=0.5),
        ],
        {"steps": 300, "runs": 50, "seed": 7, "arms": 5},
        id="mixed-rules-and-schedules",
    ),
    pytest.param(
        [EpsilonGreedy(epsilon=0.1, step_size=0.1), DecayingEpsilon(step_size=0.1)],
        {"steps": 600, "runs": 30, "seed": 3, "walk_sd": 0.01, "start_equal": True, "q_mean": 4},
        id="drifting-values",
    ),
    pytest.param(
        [Greedy(), EpsilonGreedy(epsilon=0.5)],
        {"steps": 40, "runs": 1, "seed": 5},
        id="one-run",
    ),
    pytest.param(
        [EpsilonGreedy(epsilon=0.1), Greedy(initial=2.0)],
        {"steps": 30, "runs": 2001, "seed": 9},
        id="runs-not-a-multiple-of-eight",
    ),
]


@pytest.mark.parametrize("length", [*range(0, 300), 1000, 2000, 2001, 4099])
def test_the_kernels_sums_are_numpys_to_the_last_bit(length):
    from core.stack_kernel import pairwise_sum

    values = np.random.default_rng(length).standard_normal(length + 3) * 10.0 ** (length % 7)
    assert pairwise_sum(values, 3, length + 3) == values[3:].sum()


@pytest.mark.parametrize(("strategies", "testbed"), SIDE_BY_SIDE)
def test_simulating_side_by_side_gives_exactly_what_each_gives_alone(strategies, testbed):
    together = simulate_many(strategies, **testbed)
    assert len(together) == len(strategies)
    for strategy, result in zip(strategies, together, strict=True):
        assert result.strategy is strategy
        assert_identical(simulate(strategy, **testbed), result)


def test_only_epsilon_rules_that_stop_exploring_for_good_are_stacked():
    assert can_stack(Greedy(), 100) and can_stack(EpsilonGreedy(epsilon=0.3), 100)
    assert can_stack(DecayingEpsilon(schedule="linear", end=0.0, decay_steps=10), 100)
    assert not can_stack(UCB(), 100) and not can_stack(Naive(), 100)


def test_simulate_many_validates_like_simulate():
    with pytest.raises(ValueError, match="strategy must be a Strategy"):
        simulate_many([EpsilonGreedy(), "greedy"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="runs"):
        simulate_many([EpsilonGreedy(), Greedy()], runs=0)
