"""DQN on CartPole-v1 with the default config: does it solve, and how long does it take?

Per seed: train ``DQNConfig(seed=seed)``, then evaluate the returned policy greedily on 20
episodes seeded 10000, 10001, ... (seeds the training never used for its own checks).
"solved" means that evaluation averages at least 475. ``train_s`` is the wall time of
``train`` alone, on one torch thread; the machine is shared, so ``cpu_s`` (CPU time of this
process during ``train``) is shown too: when the two differ, other work was competing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable

import torch

from core.dqn import EVAL_EPISODES, EVAL_SEED, SOLVED_THRESHOLD, DQNConfig, evaluate, train


def run_dqn_benchmark(seeds: Iterable[int] = range(8)) -> list[dict]:
    """One row per seed: solved, eval mean/min, training seconds, env steps, episodes."""
    torch.set_num_threads(1)  # what the training workers use
    rows = []
    for seed in seeds:
        cpu_start = time.process_time()
        result = train(DQNConfig(seed=seed))
        cpu_seconds = time.process_time() - cpu_start
        returns = evaluate(result.policy, episodes=EVAL_EPISODES, seed=EVAL_SEED)
        rows.append(
            {
                "seed": seed,
                "solved": bool(returns.mean() >= SOLVED_THRESHOLD),
                "eval_mean": round(float(returns.mean()), 1),
                "eval_min": int(returns.min()),
                "train_s": round(result.wall_time, 1),
                "cpu_s": round(cpu_seconds, 1),
                "env_steps": result.total_steps,
                "episodes": result.episodes,
                "stopped_by_check": result.solved,
            }
        )
    return rows


def _print_table(rows: list[dict]) -> None:
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    solved = sum(row["solved"] for row in rows)
    slowest = max(row["train_s"] for row in rows)
    print(f"\nsolved {solved} of {len(rows)} seeds; slowest training run {slowest:.1f} s")


if __name__ == "__main__":
    seeds = [int(s) for s in sys.argv[1:]] or range(8)
    _print_table(run_dqn_benchmark(seeds))
