"""The inner loop of :func:`core.bandit.simulate_many`, compiled with numba.

ε-greedy is sequential in the steps but independent across runs, so numpy pays a dozen array
passes per step (argmax, exploration, pay, learn) over every run of every stacked strategy.
Here each step is two passes: the greedy arm of every run (a loop the compiler vectorises),
then exploring, paying and learning run by run. For Figure 2.2's three ε at the book's size,
the work behind every change on the strategy pages, a call takes about half the CPU of the
same side-by-side loop in numpy (0.11 against 0.21-0.24 CPU-seconds, measured alternately,
November 2026); a third of what is left is drawing the random numbers. Each operation is the
one :func:`core.bandit.simulate` does with numpy, on the same float64 numbers in the same
order, so the results are identical to the last bit (tests compare the two).

Imported only by the processes that simulate (numba itself takes about 65 MB of memory), and
compiled once per machine: ``cache=True`` keeps the machine code next to this file, or in the
user's cache directory where that is read-only.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def stack_steps(
    first_step: int,
    q_estimate: np.ndarray,
    counts: np.ndarray,
    step_size: np.ndarray,
    q_true: np.ndarray,
    optimal: np.ndarray,
    noise: np.ndarray,
    draws: np.ndarray,
    epsilon: np.ndarray,
    arms_per_epsilon: np.ndarray,
    values: np.ndarray,
    hits: np.ndarray,
    trace_actions: np.ndarray,
    trace_q: np.ndarray,
    trace_counts: np.ndarray,
) -> None:
    """Simulate ``len(noise)`` steps from ``first_step`` for every run of every strategy.

    ``q_estimate`` and ``counts`` are arms-first ``(arms, strategies * runs)``, column
    ``s * runs + r`` being run r of strategy s, in each run's internal arm order; ``step_size``
    is one constant α per column, or empty for sample averages. ``q_true`` is ``(arms, runs)``
    and ``optimal`` its first argmax, both fixed over these steps. ``noise[i]`` and
    ``draws[i]`` are step i's reward noise and uniform draws of every run (``draws`` may stop
    early: steps after it draw nothing). ``epsilon`` and ``arms_per_epsilon`` are
    ``(steps, strategies)``. Writes the pulled arm's true value and whether it was optimal into
    ``values`` and ``hits`` ``(len(noise), strategies, runs)``, and run 0 of each strategy into
    the ``trace_*`` tables.
    """
    rows, count, runs = values.shape
    arms, width = q_estimate.shape
    sample_average = step_size.shape[0] == 0
    greedy = np.empty(width, dtype=np.int64)
    best = np.empty(width)
    for row in range(rows):
        step = first_step + row
        explores = row < draws.shape[0]
        for column in range(width):
            best[column] = q_estimate[0, column]
            greedy[column] = 0
        for arm in range(1, arms):
            for column in range(width):
                estimate = q_estimate[arm, column]
                higher = estimate > best[column]
                best[column] = estimate if higher else best[column]
                greedy[column] = arm if higher else greedy[column]
        for strategy in range(count):
            strategy_epsilon = epsilon[step, strategy]
            strategy_arms_per_epsilon = arms_per_epsilon[step, strategy]
            for run in range(runs):
                column = strategy * runs + run
                action = greedy[column]
                if explores:
                    draw = draws[row, run]
                    if draw < strategy_epsilon:
                        action = int(draw * strategy_arms_per_epsilon)
                if run == 0:
                    trace_actions[step, strategy] = action
                value = q_true[action, run]
                values[row, strategy, run] = value
                hits[row, strategy, run] = action == optimal[run]
                reward = value + noise[row, run]
                old = q_estimate[action, column]
                pulls = counts[action, column] + 1.0
                counts[action, column] = pulls
                if sample_average:
                    q_estimate[action, column] = old + (reward - old) / pulls
                else:
                    q_estimate[action, column] = old + step_size[column] * (reward - old)
            first = strategy * runs
            for arm in range(arms):
                trace_q[step, arm, strategy] = q_estimate[arm, first]
                trace_counts[step, arm, strategy] = counts[arm, first]
