"""The training pool: bounded, queued in order, cancellable job by job, deterministic.

The pool's workers are real processes, so these tests share one pool per module and wait for
the states they need (with a deadline) instead of sleeping for fixed times.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from core.dqn import DQNConfig, train
from core.workers import (
    CANCELLED,
    DONE,
    QUEUED,
    RUNNING,
    Job,
    SimulationPool,
    TrainingPool,
    cgroup_cpu_quota,
    default_workers,
    usable_cores,
)

TINY = {"max_env_steps": 1_500, "learning_starts": 300}
DEADLINE = 240.0

pytestmark = pytest.mark.slow


def wait_until(condition, pool: TrainingPool, owners=()) -> None:
    """Wait in ``pool`` (keeping ``owners`` alive) until ``condition`` holds."""
    assert pool.wait_for(condition, DEADLINE, owners), "the pool did not reach the state in time"


@pytest.fixture(scope="module")
def pool():
    pool = TrainingPool(2, heartbeat_timeout=60.0)
    yield pool
    pool.shutdown()


def finished(*jobs: Job):
    return lambda: all(job.result is not None or job.state not in (QUEUED, RUNNING) for job in jobs)


def test_concurrent_trainings_equal_serial_ones(pool):
    configs = [DQNConfig(seed=seed, **TINY) for seed in (1, 2, 1)]
    jobs = [pool.submit(f"learner {i}", c, c.max_env_steps) for i, c in enumerate(configs)]
    owners = [job.owner for job in jobs]
    wait_until(finished(*jobs), pool, owners)
    assert [job.state for job in jobs] == [DONE, DONE, DONE]
    for job, config in zip(jobs, configs, strict=True):
        serial = train(config)
        np.testing.assert_array_equal(job.result.episode_returns, serial.episode_returns)
        np.testing.assert_array_equal(job.result.episode_losses, serial.episode_losses)
        assert len(job.progress) == job.result.episodes, "one progress report per episode"
    np.testing.assert_array_equal(jobs[0].result.episode_losses, jobs[2].result.episode_losses)


def test_queue_order_positions_and_waits(pool):
    slow = DQNConfig(seed=5, max_env_steps=200_000)
    first, second = (pool.submit(f"busy {i}", slow, slow.max_env_steps) for i in range(2))
    queued = pool.submit("waiting", slow, slow.max_env_steps)
    owners = ["busy 0", "busy 1", "waiting"]
    wait_until(lambda: first.state == RUNNING and second.state == RUNNING, pool, owners)
    assert pool.running_count() == 2, "never more trainings than workers"
    assert queued.state == QUEUED and pool.position(queued) == 1
    assert pool.expected_wait(queued) > 0
    pool.cancel(first.id)
    wait_until(lambda: queued.state == RUNNING, pool, owners)
    assert first.state == CANCELLED and second.state == RUNNING
    for job in (second, queued):
        pool.cancel(job.id)
    wait_until(finished(first, second, queued), pool, owners)
    assert first.result.stopped, "a stopped training still hands back its partial run"


def test_a_learner_has_one_training_and_stop_touches_only_its_own(pool):
    config = DQNConfig(seed=6, max_env_steps=200_000)
    old = pool.submit("alice", config, config.max_env_steps)
    other = pool.submit("bob", config, config.max_env_steps)
    new = pool.submit("alice", DQNConfig(seed=7, **TINY), TINY["max_env_steps"])
    assert old.state == CANCELLED, "a new training replaces the learner's previous one"
    pool.cancel(old.id)  # a stale Stop for the old training
    assert new.state in (QUEUED, RUNNING) and other.state in (QUEUED, RUNNING)
    wait_until(finished(new), pool, ["alice", "bob"])
    assert new.state == DONE
    pool.cancel(other.id)
    wait_until(finished(other), pool, ["bob"])


def test_an_unwatched_training_is_cancelled():
    pool = TrainingPool(1, heartbeat_timeout=1.0)
    try:
        config = DQNConfig(seed=8, max_env_steps=200_000)
        job = pool.submit("gone", config, config.max_env_steps)
        wait_until(lambda: job.state == CANCELLED, pool)
    finally:
        pool.shutdown()


def test_pool_size_defaults_to_the_spare_cores(monkeypatch):
    monkeypatch.setenv("RL_EXPLAINER_TRAINING_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.delenv("RL_EXPLAINER_TRAINING_WORKERS")
    monkeypatch.setattr("core.workers.usable_cores", lambda: 2)
    assert default_workers() == 1
    assert SimulationPool().workers == 1  # the web server keeps a core for its own work
    monkeypatch.setattr("core.workers.usable_cores", lambda: 1)
    assert default_workers() == SimulationPool().workers == 1
    monkeypatch.setattr("core.workers.usable_cores", lambda: 4)
    assert default_workers() == SimulationPool().workers == 3
    with pytest.raises(ValueError, match="workers must be at least 1"):
        TrainingPool(0)


def write_files(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "quota"),
    [
        ({"cpu.max": "150000 100000\n"}, 1.5),
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "7800\n", "cpu/cpu.cfs_period_us": "100000\n"}, 0.078),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),
    ],
    ids=["v2-quota", "v2-unlimited", "v1-quota", "v1-unlimited", "no-cgroup"],
)
def test_a_containers_cpu_quota_is_read_from_its_cgroup(tmp_path, files, quota):
    assert cgroup_cpu_quota(write_files(tmp_path, files)) == pytest.approx(quota)


def test_pools_use_the_cores_a_container_allows_not_the_hosts(monkeypatch, tmp_path):
    monkeypatch.setattr("os.sched_getaffinity", lambda _: set(range(16)))
    assert usable_cores(write_files(tmp_path / "open", {})) == 16
    assert usable_cores(write_files(tmp_path / "two", {"cpu.max": "200000 100000"})) == 2
    assert usable_cores(write_files(tmp_path / "tiny", {"cpu.max": "7800 100000"})) == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda _: {0})
    assert usable_cores(write_files(tmp_path / "many", {"cpu.max": "800000 100000"})) == 1


@pytest.mark.slow
def test_a_broken_simulation_pool_is_replaced():
    import os
    import signal
    from concurrent.futures.process import BrokenProcessPool

    from core.bandit import Naive, simulate
    from core.workers import reset_simulation_pool, simulation_pool

    pool = simulation_pool()
    pool.submit(simulate, Naive(), steps=10, runs=5).result()
    for pid in list(pool._executor._processes):
        os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        pool.submit(simulate, Naive(), steps=10, runs=5).result(timeout=60)
    reset_simulation_pool()
    assert simulation_pool() is pool
    assert pool.submit(simulate, Naive(), steps=10, runs=5).result(timeout=60).steps == 10


def test_simulation_workers_stop_when_unused_and_start_again_when_asked():
    pool = SimulationPool(workers=1, idle_seconds=3600)
    try:
        assert not pool.started
        assert pool.submit(abs, -3).result(timeout=DEADLINE) == 3
        assert pool.started and not pool.retire_if_idle()
        pool.idle_seconds = 0.0
        assert pool.retire_if_idle() and not pool.started
        assert pool.submit(abs, -4).result(timeout=DEADLINE) == 4
        assert pool.started
    finally:
        pool.shutdown()
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(abs, -5)


def test_simulation_workers_are_never_retired_with_work_unfinished():
    pool = SimulationPool(workers=1, idle_seconds=3600)
    try:
        pool.idle_seconds = 0.0
        running = pool.submit(sum, range(30_000_000))
        settled = threading.Event()  # callbacks run in order: the pool has counted it first
        running.add_done_callback(lambda _: settled.set())
        assert not pool.retire_if_idle()
        assert settled.wait(DEADLINE) and running.result() == sum(range(30_000_000))
        pool.retire_if_idle()  # unless the pool's own reaper, also due now, was first
        assert not pool.started
    finally:
        pool.shutdown()
