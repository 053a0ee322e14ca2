"""Space Invaders engine timings: the Gymnasium env and the batch at several sizes; random play.

Each timing is the median of three repetitions of a fixed number of env steps under uniformly
random actions (drawn before the clock starts), with the CPU seconds of this process beside the
wall seconds: when the two differ, other work was competing for the core.

Reference: MinAtar 1.0.15's own Space Invaders (``Environment.act`` then ``state()``, sticky
actions 0.1, random minimal-set actions drawn beforehand) cannot be timed here: it is GPL and no
dependency of this project. Timed in a separate virtualenv on this machine, in five runs of
100,000 steps alternating with the same loop over ``InvadersEnv``, it made a median 39,300
steps per CPU-second against 32,800 for ``InvadersEnv`` (0.83 times MinAtar's speed).
``vs_minatar`` divides steps per CPU-second by 39,300; CPU time is the less disturbed of the
two clocks when the machine is busy, but the ratio still compares runs made at different
times, so read it as a rough one.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from core.invaders import InvadersBatch, InvadersEnv, random_policy_returns

MINATAR_STEPS_PER_S = 39_300
"""MinAtar 1.0.15 Space Invaders, one game, act + state, steps per CPU-second on this machine."""
SINGLE_STEPS = 30_000
BATCH_SIZES = (1, 16, 64, 256)
BATCH_CALLS = 4_000
"""Calls of ``step`` timed per batch size (30,000 for a batch of one, like the single env)."""
RANDOM_EPISODES = 20_000
REPEATS = 3


def _timed(call: Callable[[], None]) -> tuple[float, float]:
    """Median wall and CPU seconds of ``REPEATS`` calls."""
    walls, cpus = [], []
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _single_env() -> dict:
    env = InvadersEnv()
    actions = np.random.default_rng(0).integers(4, size=SINGLE_STEPS).tolist()

    def run() -> None:
        env.reset(seed=0)
        for action in actions:
            _, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                env.reset()

    wall, cpu = _timed(run)
    return _row("InvadersEnv.step", 1, SINGLE_STEPS, SINGLE_STEPS, wall, cpu)


def _batch(games: int) -> dict:
    calls = max(BATCH_CALLS, SINGLE_STEPS // games)
    batch = InvadersBatch(games, seed=0)
    actions = np.random.default_rng(0).integers(4, size=(calls, games))

    def run() -> None:
        batch.reset(seed=0)
        for row in actions:
            batch.step(row)

    wall, cpu = _timed(run)
    return _row("InvadersBatch.step", games, calls, calls * games, wall, cpu)


def _row(form: str, games: int, calls: int, env_steps: int, wall: float, cpu: float) -> dict:
    return {
        "form": form,
        "games": games,
        "env_steps": env_steps,
        "wall_s": wall,
        "cpu_s": cpu,
        "steps_per_s": env_steps / wall,
        "steps_per_cpu_s": env_steps / cpu,
        "us_per_call": wall / calls * 1e6,
        "vs_minatar": env_steps / cpu / MINATAR_STEPS_PER_S,
    }


def run_speed_benchmark() -> list[dict]:
    """One row for the single env, one per batch size."""
    return [_single_env(), *(_batch(games) for games in BATCH_SIZES)]


def run_random_play_benchmark(episodes: int = RANDOM_EPISODES, seed: int = 0) -> dict:
    """Mean score (with its standard error) and length of random play, and what it cost."""
    wall, cpu = time.perf_counter(), time.process_time()
    returns, lengths = random_policy_returns(episodes, seed)
    return {
        "episodes": episodes,
        "seed": seed,
        "mean_score": float(returns.mean()),
        "standard_error": float(returns.std(ddof=1) / np.sqrt(episodes)),
        "max_score": int(returns.max()),
        "mean_length": float(lengths.mean()),
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
    }


if __name__ == "__main__":
    for row in run_speed_benchmark():
        print(row)
    print(run_random_play_benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else RANDOM_EPISODES))
