"""The inner loop of :func:`core.bandit.simulate_many`, compiled with numba.

ε-greedy is sequential in the steps but independent across runs, so numpy pays a dozen array
passes per step (argmax, exploration, pay, learn) over every run of every stacked strategy.
Here each step is two passes: the greedy arm of every run (a loop the compiler vectorises),
then exploring, paying and learning run by run, adding up what each strategy earned as it
goes instead of writing every pull down for numpy to average afterwards. For Figure 2.2's
three ε at the book's size, the work behind every change on the strategy pages, a call takes
about 40% of the CPU of the same side-by-side loop in numpy (0.094 against 0.232 CPU-seconds,
medians of 7 alternating calls, 28 November 2026); about a third of what is left is drawing
the random numbers.

Each operation is the one :func:`core.bandit.simulate` does with numpy, on the same float64
numbers in the same order, and the per-step averages are summed in the order numpy sums them
(:func:`pairwise_sum`), so the results are identical to the last bit (tests compare the two).

Imported only by the processes that simulate (numba itself takes about 65 MB of memory), and
compiled once per machine: ``cache=True`` keeps the machine code next to this file, or in the
user's cache directory where that is read-only.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_UNROLL = 8
_BLOCK = 128
_MAX_PENDING = 192
"""Ranges waiting at once: two per halving, 2 * 63 at most for any length numpy can hold."""


@njit(cache=True, nogil=True)
def _piece_sum(values: np.ndarray, start: int, stop: int) -> float:
    """numpy's sum of a piece of at most 128 numbers: 8 interleaved partial sums."""
    count = stop - start
    if count < _UNROLL:
        total = -0.0
        for index in range(start, stop):
            total += values[index]
        return total
    partial = values[start : start + _UNROLL].copy()
    unrolled_stop = stop - count % _UNROLL
    for index in range(start + _UNROLL, unrolled_stop, _UNROLL):
        for lane in range(_UNROLL):
            partial[lane] += values[index + lane]
    total = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + (
        (partial[4] + partial[5]) + (partial[6] + partial[7])
    )
    for index in range(unrolled_stop, stop):
        total += values[index]
    return total


@njit(cache=True, nogil=True)
def pairwise_sum(values: np.ndarray, start: int, stop: int) -> float:
    """``values[start:stop].sum()`` added up in exactly numpy's order, so the same last bit.

    numpy sums a contiguous float64 axis pairwise: it halves a range (cut at a multiple of 8)
    until a piece has at most 128 numbers, and adds the two halves' sums. The halving is walked
    here with explicit stacks (numba cannot cache a recursive function): a range is pending,
    then split, then replaced by its halves' sum.
    """
    starts = np.empty(_MAX_PENDING, dtype=np.int64)
    stops = np.empty(_MAX_PENDING, dtype=np.int64)
    split = np.zeros(_MAX_PENDING, dtype=np.bool_)
    sums = np.empty(_MAX_PENDING)
    pending, summed = 1, 0
    starts[0], stops[0] = start, stop
    while pending:
        pending -= 1
        low, high = starts[pending], stops[pending]
        if high - low <= _BLOCK:
            sums[summed] = _piece_sum(values, low, high)
            summed += 1
        elif split[pending]:
            split[pending] = False
            summed -= 1
            sums[summed - 1] += sums[summed]
        else:
            half = (high - low) // 2
            half -= half % _UNROLL
            split[pending] = True
            starts[pending + 1], stops[pending + 1] = low + half, high
            starts[pending + 2], stops[pending + 2] = low, low + half
            pending += 3
    return sums[0]


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
    value_sums: np.ndarray,
    optimal_counts: np.ndarray,
    trace_actions: np.ndarray,
    trace_values: np.ndarray,
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
    ``(steps, strategies)``. Writes, per step i of these and strategy s, the sum over runs of
    the pulled arms' true values (``value_sums[i, s]``, summed as numpy sums) and how many
    runs pulled their optimal arm (``optimal_counts[i, s]``); and run 0 of each strategy into
    the ``trace_*`` tables, which are indexed by step.
    """
    count = value_sums.shape[1]
    rows, runs = noise.shape
    arms, width = q_estimate.shape
    sample_average = step_size.shape[0] == 0
    greedy = np.empty(width, dtype=np.int64)
    best = np.empty(width)
    paid = np.empty(runs)
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
            hits = 0
            for run in range(runs):
                column = strategy * runs + run
                action = greedy[column]
                if explores:
                    draw = draws[row, run]
                    if draw < strategy_epsilon:
                        action = int(draw * strategy_arms_per_epsilon)
                value = q_true[action, run]
                paid[run] = value
                hits += action == optimal[run]
                reward = value + noise[row, run]
                old = q_estimate[action, column]
                pulls = counts[action, column] + 1.0
                counts[action, column] = pulls
                if sample_average:
                    q_estimate[action, column] = old + (reward - old) / pulls
                else:
                    q_estimate[action, column] = old + step_size[column] * (reward - old)
                if run == 0:
                    trace_actions[step, strategy] = action
            value_sums[row, strategy] = pairwise_sum(paid, 0, runs)
            optimal_counts[row, strategy] = hits
            trace_values[step, strategy] = paid[0]
            first = strategy * runs
            for arm in range(arms):
                trace_q[step, arm, strategy] = q_estimate[arm, first]
                trace_counts[step, arm, strategy] = counts[arm, first]
