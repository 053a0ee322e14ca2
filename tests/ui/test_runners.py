"""The page's simulation cache: one job for a page's ε-greedy runs, shared futures, failures."""

from concurrent.futures import Future

import numpy as np
import pytest

from core import bandit
from core.bandit import UCB, EpsilonGreedy, Greedy, Naive
from ui import runners
from ui.controls import Testbed as PageTestbed

SMALL = PageTestbed(steps=60, runs=40, seed=4)


class RecordingPool:
    """Runs each job at once in this process and remembers what was submitted."""

    def __init__(self) -> None:
        self.jobs: list[tuple[object, tuple, dict]] = []

    def submit(self, function, *args, **kwargs) -> Future:
        self.jobs.append((function, args, kwargs))
        future: Future = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except Exception as error:  # the pool reports a job's error through its future
            future.set_exception(error)
        return future


@pytest.fixture
def pool(monkeypatch) -> RecordingPool:
    recording = RecordingPool()
    monkeypatch.setattr(runners, "simulation_pool", lambda: recording)
    return recording


def submitted_groups(pool: RecordingPool) -> list[list[str]]:
    return [[strategy.label for strategy in args[0]] for _, args, _ in pool.jobs]


def test_a_pages_epsilon_greedy_runs_go_to_the_pool_as_one_job(pool):
    strategies = [EpsilonGreedy(epsilon=e) for e in (0.0, 0.01, 0.1)]
    results = runners.simulate_all(strategies, SMALL)
    assert submitted_groups(pool) == [[s.label for s in strategies]]
    for strategy, result in zip(strategies, results, strict=True):
        alone = bandit.simulate(strategy, steps=60, runs=40, seed=4)
        np.testing.assert_array_equal(result.mean_reward, alone.mean_reward)
        np.testing.assert_array_equal(result.trace.q_estimates, alone.trace.q_estimates)

    runners.simulate_all(strategies[::-1], SMALL)
    assert len(pool.jobs) == 1, "cached runs are not submitted again, in any order"


def test_only_missing_runs_are_submitted_and_other_strategies_run_alone(pool):
    runners.simulate(EpsilonGreedy(epsilon=0.1), SMALL)
    runners.simulate_all(
        [EpsilonGreedy(epsilon=0.1), Greedy(), EpsilonGreedy(epsilon=0.5), UCB(), Naive()], SMALL
    )
    assert submitted_groups(pool) == [
        ["ε-greedy (ε = 0.1)"],
        ["Greedy", "ε-greedy (ε = 0.5)"],
        [UCB().label],
        ["Naive (random)"],
    ]


def test_a_rejected_run_fails_for_every_strategy_of_its_job_and_is_not_kept(pool):
    too_long = PageTestbed(steps=bandit.MAX_STEPS + 1)
    with pytest.raises(ValueError, match="steps"):
        runners.simulate_all([Greedy(), EpsilonGreedy()], too_long)
    with pytest.raises(ValueError, match="steps"):
        runners.simulate(EpsilonGreedy(), too_long)
    assert len(pool.jobs) == 2, "a rejected run is submitted again, never served from the cache"
