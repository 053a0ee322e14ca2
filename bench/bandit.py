"""Engine timings: ``simulate`` at the book's size, against a plain per-run Python loop, and
Figure 2.2's three values of ε simulated one by one against side by side (``simulate_many``).

The machine is shared and noisy, so each figure is the median of several repetitions and the
comparison is a ratio measured in the same process.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from core.bandit import (
    DecayingEpsilon,
    EpsilonGreedy,
    Greedy,
    Naive,
    Strategy,
    simulate,
    simulate_many,
)

BOOK_SIZE: dict[str, Any] = {"arms": 10, "steps": 1000, "runs": 2000}
LOOP_RUNS = 40
"""Runs timed for the per-run loop; its time is scaled to 2000 runs (it is linear in runs)."""


def python_loop(strategy: Strategy, arms: int, steps: int, runs: int, seed: int = 0) -> float:
    """The same testbed and rule written the obvious way: one run at a time, one step at a time.

    It exists only to measure what vectorising across runs buys. Returns the average reward.
    """
    rng = np.random.default_rng(seed)
    schedule = strategy.epsilon_schedule(steps)
    epsilon = schedule if schedule is not None else np.zeros(steps)
    initial = getattr(strategy, "initial", 0.0)
    step_size = getattr(strategy, "step_size", None)
    total = 0.0
    for _ in range(runs):
        q_true = rng.standard_normal(arms)
        q_estimate = [float(initial)] * arms
        counts = [0] * arms
        for t in range(steps):
            if rng.random() < epsilon[t]:
                action = int(rng.integers(arms))
            else:
                best = max(q_estimate)
                action = int(rng.choice([a for a in range(arms) if q_estimate[a] == best]))
            reward = q_true[action] + rng.standard_normal()
            counts[action] += 1
            alpha = 1.0 / counts[action] if step_size is None else step_size
            q_estimate[action] += alpha * (reward - q_estimate[action])
            total += reward
    return total / (runs * steps)


def _median_seconds(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_bandit_benchmark(repeats: int = 7) -> list[dict]:
    """Per strategy: vectorised seconds, per-run-loop seconds (scaled to 2000 runs), ratio."""
    strategies = [Naive(), Greedy(), EpsilonGreedy(epsilon=0.1), DecayingEpsilon()]
    simulate(Greedy(), **BOOK_SIZE)
    rows = []
    for strategy in strategies:
        vectorised = _median_seconds(lambda s=strategy: simulate(s, **BOOK_SIZE), repeats)
        loop_seconds = _median_seconds(
            lambda s=strategy: python_loop(s, BOOK_SIZE["arms"], BOOK_SIZE["steps"], LOOP_RUNS),
            1,
        )
        loop = loop_seconds * BOOK_SIZE["runs"] / LOOP_RUNS
        rows.append(
            {
                "strategy": strategy.label,
                "simulate_s": vectorised,
                "python_loop_s": loop,
                "speedup": loop / vectorised,
            }
        )
    return rows


FIGURE_2_2_EPSILONS = (0.0, 0.01, 0.1)


def run_side_by_side_benchmark(repeats: int = 7) -> dict:
    """CPU-seconds for the ε-greedy page's three runs: one by one, and side by side.

    Alternated in one process, so the ratio holds on a noisy machine; each pair uses a new
    seed, as a learner does.
    """
    agents = [EpsilonGreedy(epsilon=e) for e in FIGURE_2_2_EPSILONS]
    simulate_many(agents, **BOOK_SIZE)
    separate, together = [], []
    for seed in range(1, repeats + 1):
        start = time.process_time()
        for agent in agents:
            simulate(agent, seed=seed, **BOOK_SIZE)
        middle = time.process_time()
        simulate_many(agents, seed=seed, **BOOK_SIZE)
        separate.append(middle - start)
        together.append(time.process_time() - middle)
    one_by_one, side_by_side = statistics.median(separate), statistics.median(together)
    return {
        "strategies": ", ".join(f"ε = {e:g}" for e in FIGURE_2_2_EPSILONS),
        "one_by_one_cpu_s": one_by_one,
        "side_by_side_cpu_s": side_by_side,
        "ratio": one_by_one / side_by_side,
    }
