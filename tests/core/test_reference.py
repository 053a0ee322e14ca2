"""The plain-loop reference code against the vectorised engine, on the book's settings.

The reference plays run r with ``run_experiment(..., runs=1, seed=r)``, which gives per-run
curves and so a standard error; the engine plays 2000 runs. Averages over bins of steps must
agree within four standard errors of their difference. The fast tier checks every strategy on
short runs; the slow tier reproduces the book's figures and checks that the comparison is
sharp enough to reject a wrong rule.
"""

from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import pytest

from core import bandit, reference
from core.bandit import (
    UCB,
    DecayingEpsilon,
    EpsilonGreedy,
    GradientBandit,
    Greedy,
    Naive,
    Strategy,
    ThompsonSampling,
    simulate,
)
from core.reference import (
    Bandit,
    literal,
    reference_call,
    reference_code,
    reference_function,
    reference_parameters,
    run_experiment,
)

ENGINE_RUNS = 2000


def reference_runs(
    strategy: Strategy, runs: int, steps: int, q_mean: float = 0.0, walk_sd: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Rewards and optimal flags of ``runs`` independent reference runs, shape (runs, steps)."""
    play = reference_function(strategy)
    parameters = reference_parameters(strategy)
    curves = [
        run_experiment(play, 1, steps, seed=run, q_mean=q_mean, walk_sd=walk_sd, **parameters)
        for run in range(runs)
    ]
    rewards, optimal = zip(*curves, strict=True)
    return np.array(rewards), np.array(optimal)


@dataclasses.dataclass
class Agreement:
    """Bin averages of both implementations and the largest gap in standard errors."""

    reference: dict[str, np.ndarray]
    engine: dict[str, np.ndarray]
    z: float


def agreement(
    strategy: Strategy,
    runs: int,
    steps: int,
    bins: int,
    q_mean: float = 0.0,
    walk_sd: float = 0.0,
    engine_strategy: Strategy | None = None,
) -> Agreement:
    rewards, optimal = reference_runs(strategy, runs, steps, q_mean, walk_sd)
    engine = simulate(
        engine_strategy or strategy, steps=steps, runs=ENGINE_RUNS, seed=12345, q_mean=q_mean,
        walk_sd=walk_sd,
    )  # fmt: skip
    result = Agreement({}, {}, 0.0)
    for name, per_run, curve in (
        ("reward", rewards, engine.mean_reward),
        ("optimal", optimal, engine.optimal_rate),
    ):
        binned = per_run.reshape(runs, bins, -1).mean(axis=2)
        result.reference[name] = binned.mean(axis=0)
        result.engine[name] = curve.reshape(bins, -1).mean(axis=1)
        # 0.002 floors the error of bins where every run agrees (e.g. % optimal near 0 or 1).
        error = binned.std(axis=0, ddof=1) * np.sqrt(1 / runs + 1 / ENGINE_RUNS) + 0.002
        gap = np.abs(result.reference[name] - result.engine[name]) / error
        result.z = max(result.z, float(gap.max()))
    return result


def assert_agrees(strategy: Strategy, runs: int, steps: int, bins: int, **testbed) -> Agreement:
    result = agreement(strategy, runs, steps, bins, **testbed)
    assert result.z < 4, (
        f"{strategy.label}: reference {result.reference} vs engine {result.engine}, "
        f"largest gap {result.z:.1f} standard errors"
    )
    return result


# Fast tier -------------------------------------------------------------------------------------


def strategy_classes() -> list[type[Strategy]]:
    return list(bandit.STRATEGIES.values())


@pytest.mark.parametrize("cls", strategy_classes(), ids=lambda cls: cls.__name__)
def test_every_strategy_has_a_reference_function_named_like_its_fields(cls):
    function = reference.REFERENCE_FUNCTIONS[cls]
    arguments = list(inspect.signature(function).parameters)
    assert arguments[:3] == ["bandit", "steps", "rng"]
    assert sorted(arguments[3:]) == sorted(field.name for field in dataclasses.fields(cls))


@pytest.mark.parametrize(
    ("strategy", "q_mean"),
    [
        (Naive(), 0.0),
        (Greedy(initial=5.0, step_size=0.1), 0.0),
        (EpsilonGreedy(epsilon=0.1), 0.0),
        (DecayingEpsilon(half_life=20.0), 0.0),
        (UCB(c=2.0), 0.0),
        (GradientBandit(alpha=0.4, baseline=False), 4.0),
        (ThompsonSampling(prior_mean=1.0, prior_sd=0.5), 0.0),
    ],
    ids=lambda value: getattr(value, "label", str(value)),
)
def test_reference_agrees_with_engine_on_short_runs(strategy, q_mean):
    assert_agrees(strategy, runs=60, steps=200, bins=2, q_mean=q_mean)


def test_runs_face_the_same_problems_as_the_engine():
    engine = simulate(Greedy(), arms=7, steps=1, runs=5, seed=42, q_mean=4.0)
    rng = np.random.default_rng(np.random.SeedSequence(42).spawn(1)[0])
    np.testing.assert_array_equal(engine.q_true, 4.0 + rng.standard_normal((5, 7)))


def test_bandit_scores_pulls_and_its_values_drift_only_when_asked():
    rng = np.random.default_rng(0)
    still = Bandit([0.0, 1.0, -1.0], rng)
    for arm in (1, 0, 1):
        still.pull(arm)
    assert still.actions == [1, 0, 1]
    assert still.optimal == [True, False, True]
    np.testing.assert_array_equal(still.q_true, [0.0, 1.0, -1.0])
    drifting = Bandit([0.0, 1.0, -1.0], rng, walk_sd=0.5)
    for _ in range(50):
        drifting.pull(0)
    assert not np.allclose(drifting.q_true, [0.0, 1.0, -1.0])
    assert drifting.optimal[-1] == (drifting.best_arm == 0)


def test_run_experiment_names_a_strategy_that_does_not_pull_once_per_step():
    def lazy(bandit, steps, rng):
        bandit.pull(0)

    with pytest.raises(ValueError, match="lazy pulled 1 times in 5 steps"):
        run_experiment(lazy, runs=2, steps=5)


def test_parameters_show_what_matters_and_read_as_plain_python():
    assert reference_parameters(Greedy()) == {}
    assert reference_parameters(EpsilonGreedy(epsilon=np.float64(0.1))) == {"epsilon": 0.1}
    linear = DecayingEpsilon(schedule="linear", decay_steps=300)
    assert reference_parameters(linear) == {
        "start": 1.0,
        "end": 0.01,
        "schedule": "linear",
        "decay_steps": 300,
    }
    assert literal(np.float64(0.1)) == "0.1"
    assert literal(0.1 + 0.2) == "0.3"
    assert literal("linear") == '"linear"'
    assert literal(None) == "None"
    assert reference_call(UCB(c=1.5), runs=500, steps=1000, seed=3, q_mean=4.0) == (
        "mean_reward, optimal_rate = run_experiment(ucb, runs=500, steps=1000, seed=3, "
        "q_mean=4.0, c=1.5)"
    )


@pytest.mark.parametrize(
    "strategy",
    [Naive(), DecayingEpsilon(schedule="inverse"), GradientBandit(baseline=False)],
    ids=lambda strategy: strategy.label,
)
def test_show_me_the_code_runs_as_it_stands(strategy):
    """The page's code, after the testbed's, is a complete program with numpy alone."""
    code = reference_code(strategy, runs=3, steps=20, arms=5, walk_sd=0.01)
    assert code.startswith(f"def {reference_function(strategy).__name__}(")
    namespace = {"np": np}
    exec(reference.testbed_code() + "\n\n" + code, namespace)
    assert namespace["mean_reward"].shape == namespace["optimal_rate"].shape == (20,)


def test_an_object_that_is_not_a_strategy_is_rejected():
    with pytest.raises(ValueError, match=r"^strategy must be one of"):
        reference_function("greedy")


# Slow tier: the book's figures -----------------------------------------------------------------

BOOK = {"runs": 300, "steps": 1000, "bins": 10}


@pytest.mark.slow
@pytest.mark.parametrize("epsilon", [0.0, 0.01, 0.1])
def test_figure_2_2(epsilon):
    result = assert_agrees(EpsilonGreedy(epsilon=epsilon), **BOOK)
    late_reward, late_optimal = result.reference["reward"][-1], result.reference["optimal"][-1]
    book = {0.0: (1.0, 0.35), 0.01: (1.3, 0.58), 0.1: (1.35, 0.80)}[epsilon]
    assert abs(late_reward - book[0]) < 0.15
    assert abs(late_optimal - book[1]) < 0.1


@pytest.mark.slow
def test_figure_2_3_optimistic_greedy_overtakes_realistic_epsilon_greedy():
    optimistic = assert_agrees(Greedy(initial=5.0, step_size=0.1), **BOOK)
    realistic = assert_agrees(EpsilonGreedy(epsilon=0.1, step_size=0.1), **BOOK)
    assert np.all(optimistic.reference["optimal"][3:] > realistic.reference["optimal"][3:])


@pytest.mark.slow
def test_figure_2_4_ucb_with_its_spike_at_step_11():
    assert_agrees(UCB(c=2.0), **BOOK)
    # Step 11 is the first greedy-ish pull after trying all ten arms: the reward jumps to about
    # 1.1, then falls back to about 0.8 while the bonus sends the agent to other arms.
    runs = 1000
    rewards, _ = reference_runs(UCB(c=2.0), runs=runs, steps=20)
    engine = simulate(UCB(c=2.0), steps=20, runs=ENGINE_RUNS, seed=12345)
    spike = rewards[:, 10]
    error = spike.std(ddof=1) * np.sqrt(1 / runs + 1 / ENGINE_RUNS)
    assert abs(spike.mean() - engine.mean_reward[10]) < 4 * error
    assert spike.mean() > rewards[:, :10].mean() + 0.8
    assert spike.mean() > rewards[:, 12:20].mean() + 0.1


@pytest.mark.slow
@pytest.mark.parametrize("baseline", [True, False])
def test_figure_2_5_gradient_bandit_around_plus_four(baseline):
    result = assert_agrees(GradientBandit(alpha=0.1, baseline=baseline), q_mean=4.0, **BOOK)
    late_optimal = result.reference["optimal"][-1]
    assert late_optimal > 0.75 if baseline else late_optimal < 0.6


@pytest.mark.slow
@pytest.mark.parametrize(
    "strategy",
    [ThompsonSampling(), ThompsonSampling(prior_mean=2.0, prior_sd=0.5)],
    ids=lambda strategy: strategy.label,
)
def test_thompson_sampling(strategy):
    assert_agrees(strategy, **BOOK)


@pytest.mark.slow
@pytest.mark.parametrize(
    "strategy",
    [
        DecayingEpsilon(),
        DecayingEpsilon(schedule="linear", decay_steps=300, end=0.0),
        DecayingEpsilon(schedule="inverse", half_life=20.0, start=0.5),
    ],
    ids=lambda strategy: strategy.label,
)
def test_decaying_epsilon_schedules(strategy):
    assert_agrees(strategy, **BOOK)


@pytest.mark.slow
@pytest.mark.parametrize("step_size", [None, 0.1])
def test_exercise_2_5_drifting_values(step_size):
    assert_agrees(
        EpsilonGreedy(epsilon=0.1, step_size=step_size), runs=100, steps=2000, bins=4, walk_sd=0.01
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("played", "claimed"),
    [
        (EpsilonGreedy(epsilon=0.1), EpsilonGreedy(epsilon=0.01)),
        (UCB(c=2.0), UCB(c=1.0)),
        (GradientBandit(alpha=0.1, baseline=True), GradientBandit(alpha=0.4, baseline=True)),
        (Greedy(initial=5.0, step_size=0.1), Greedy(initial=5.0)),
    ],
    ids=lambda strategy: strategy.label,
)
def test_the_comparison_rejects_a_different_rule(played, claimed):
    """Tolerances tight enough to matter: a nearby but different rule fails the comparison."""
    q_mean = 4.0 if isinstance(played, GradientBandit) else 0.0
    result = agreement(played, **BOOK, q_mean=q_mean, engine_strategy=claimed)
    assert result.z > 4
