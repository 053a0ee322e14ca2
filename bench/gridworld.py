"""Engine timings: Q-learning and Sarsa at Figure 6.4's size, against the plain reference loop.

The machine is shared and noisy, so each figure is the median of several repetitions, CPU
seconds are reported next to wall seconds, and the comparison is a ratio measured in the same
process.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable
from typing import TypedDict

from core.gridworld import Algorithm, GridWorld, LearningResult, q_learning, reference_run, sarsa


class Settings(TypedDict):
    """The engine's keywords for one benchmark size."""

    episodes: int
    runs: int
    alpha: float
    epsilon: float
    gamma: float


FIGURE_6_4: Settings = {"episodes": 500, "runs": 50, "alpha": 0.5, "epsilon": 0.1, "gamma": 1.0}
ENGINES: tuple[tuple[Algorithm, Callable[..., LearningResult]], ...] = (
    ("q_learning", q_learning),
    ("sarsa", sarsa),
)
LOOP_RUNS = 5
"""Runs timed for the plain loop; its time is scaled to 50 runs (it is linear in runs)."""
CAPPED_EPISODES = 50
"""Episodes of the worst-case row, where every episode runs into the 1,000-step cap."""


def _median_seconds(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``repeats`` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
    return statistics.median(wall), statistics.median(cpu)


def _reference_runs(world: GridWorld, algorithm: Algorithm, episodes: int, runs: int) -> None:
    """``runs`` runs of the plain loop, seeded 0, 1, ... (the loop does one run per call)."""
    for seed in range(runs):
        reference_run(world, algorithm, episodes=episodes, seed=seed)


def run_gridworld_benchmark(repeats: int = 5) -> list[dict]:
    """Per algorithm: engine wall and CPU seconds, plain-loop seconds (scaled), CPU ratio.

    The ratio compares CPU seconds, which the other processes on a shared machine disturb
    less than wall seconds.
    """
    world = GridWorld.cliff()
    q_learning(world, episodes=20, runs=5)
    rows = []
    for name, learn in ENGINES:
        wall, cpu = _median_seconds(functools.partial(learn, world, **FIGURE_6_4), repeats)
        loop_wall, loop_cpu = _median_seconds(
            functools.partial(_reference_runs, world, name, FIGURE_6_4["episodes"], LOOP_RUNS), 1
        )
        scale = FIGURE_6_4["runs"] / LOOP_RUNS
        rows.append(
            {
                "algorithm": name,
                "wall_s": wall,
                "cpu_s": cpu,
                "plain_loop_wall_s": loop_wall * scale,
                "plain_loop_cpu_s": loop_cpu * scale,
                "cpu_ratio": loop_cpu * scale / cpu,
            }
        )
    return rows


def run_capped_benchmark() -> list[dict]:
    """The worst case a reward designer can build: no episode ever ends before the cap.

    With step_reward = +1 the agent avoids the goal, so every episode lasts 1,000 steps.
    """
    world = GridWorld.cliff(step_reward=1.0)
    rows = []
    for name, learn in ENGINES:
        wall, cpu = _median_seconds(
            functools.partial(learn, world, episodes=CAPPED_EPISODES, runs=50, gamma=0.9), 1
        )
        steps = CAPPED_EPISODES * 1_000
        rows.append(
            {"algorithm": name, "wall_s": wall, "cpu_s": cpu, "cpu_us_per_step": cpu / steps * 1e6}
        )
    return rows
