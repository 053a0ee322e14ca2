"""Space Invaders: engine timings (the Gymnasium env and the batch at several sizes), random
play, DQN training speed, and the shipped agent's greedy score against training steps.

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

Training: the Space Invaders page's default DQN (``DQNConfig.for_environment("invaders")``) on
one torch thread for ``TRAINING_STEPS`` environment steps, with its 16 games and with one game
(everything else equal), timed as a whole (warm-up, learning and greedy checks included).

Greedy score against training steps: not a new training (the shipped run took about 15
minutes of one core) but the greedy checks the shipped run made while it trained
(``core/dqn/shipped_invaders.pt``, remade by ``python -m core.dqn.shipped --environment
invaders``), as a table and an ASCII sparkline against the level where the DQN of MinAtar's
paper (Young & Tian, 2019) levels off, about 40-45 by 1M frames: a figure read off the paper's
curves, not measured here. (A PNG chart would need Altair's vl-convert, which is not installed;
the page draws the same data as a chart.)
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import torch

from core.dqn import INVADERS_EVAL_EPISODES, DQNConfig, evaluate_invaders, load_run, train
from core.dqn.shipped import INVADERS_RUN_PATH, random_play_mean
from core.invaders import InvadersBatch, InvadersEnv, random_policy_returns

MINATAR_STEPS_PER_S = 39_300
"""MinAtar 1.0.15 Space Invaders, one game, act + state, steps per CPU-second on this machine."""
SINGLE_STEPS = 30_000
BATCH_SIZES = (1, 16, 64, 256)
BATCH_CALLS = 4_000
"""Calls of ``step`` timed per batch size (30,000 for a batch of one, like the single env)."""
RANDOM_EPISODES = 20_000
REPEATS = 3
TRAINING_STEPS = 30_000
"""Environment steps per timed training: 5,000 of warm-up, then 25,000 of learning."""
MINATAR_DQN_LEVEL = (40.0, 45.0)
"""MinAtar's DQN on Space Invaders by about 1M frames (Young & Tian, 2019), from the paper."""
SCORE_ROWS = 10
SPARK = " ▁▂▃▄▅▆▇█"


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


def run_training_benchmark(steps: int = TRAINING_STEPS) -> list[dict]:
    """Training speed of the page's default DQN with its 16 games, and with one game."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rows = []
    try:
        for games in (16, 1):
            config = DQNConfig.for_environment(
                "invaders", max_env_steps=steps, parallel_games=games
            )
            result = train(config)
            gradient_steps = (
                (result.total_steps - config.learning_starts) // config.train_frequency
            ) * config.gradient_steps
            rows.append(
                {
                    "parallel_games": games,
                    "env_steps": result.total_steps,
                    "gradient_steps": gradient_steps,
                    "wall_s": result.wall_time,
                    "cpu_s": result.cpu_time,
                    "env_steps_per_cpu_s": result.total_steps / result.cpu_time,
                    "gradient_steps_per_cpu_s": gradient_steps / result.cpu_time,
                }
            )
    finally:
        torch.set_num_threads(threads)
    return rows


def sparkline(values: np.ndarray, top: float) -> str:
    """One character per value, from blank (0) to a full block (``top`` or more)."""
    levels = np.rint(np.clip(np.asarray(values) / top, 0, 1) * (len(SPARK) - 1)).astype(int)
    return "".join(SPARK[level] for level in levels)


def run_score_curve() -> tuple[list[dict], str, dict]:
    """The shipped run's greedy checks: a table of ``SCORE_ROWS`` rows, a sparkline of all of
    them, and its final agent scored on the evaluation games against random play."""
    shipped = load_run(INVADERS_RUN_PATH)
    steps, means = shipped.eval_steps, shipped.eval_means
    low, high = MINATAR_DQN_LEVEL
    rows = []
    for target in np.linspace(steps[0], steps[-1], SCORE_ROWS):
        i = int(np.abs(steps - target).argmin())
        window = means[max(0, i - 2) : i + 3]
        rows.append(
            {
                "env_steps": int(steps[i]),
                "greedy_check": float(means[i]),
                "mean_of_5_checks": float(window.mean()),
                "minatar_dqn": f"{low:g}-{high:g}",
            }
        )
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        scores = evaluate_invaders(shipped.policy)
    finally:
        torch.set_num_threads(threads)
    random_mean = random_play_mean()
    summary = {
        "checks": len(steps),
        "games_per_check": shipped.config.eval_episodes,
        "policy_step": shipped.policy_step,
        "greedy_mean": float(scores.mean()),
        "games": INVADERS_EVAL_EPISODES,
        "random_mean": random_mean,
        "times_random": float(scores.mean() / random_mean),
        "training_cpu_s": shipped.cpu_time,
    }
    line = sparkline(means, high)
    return rows, line, summary


if __name__ == "__main__":
    for row in run_speed_benchmark():
        print(row)
    print(run_random_play_benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else RANDOM_EPISODES))
