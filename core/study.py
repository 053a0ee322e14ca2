"""Parameter study (Sutton & Barto, Figure 2.6): how sensitive each method is to its parameter.

Each method is run at every value of its parameter on the standard testbed, and summarised by
one number: its average reward over all steps (the first 1000 in the book). Plotted against the
parameter on a log scale, every method traces an inverted U: too little exploration and too
much both cost reward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.bandit import (
    UCB,
    BanditResult,
    EpsilonGreedy,
    GradientBandit,
    Greedy,
    Strategy,
    simulate,
)


@dataclass(frozen=True)
class Method:
    """One curve of the study: a family of strategies indexed by one parameter."""

    name: str
    parameter: str
    exponents: tuple[int, ...]
    make: Callable[[float], Strategy]

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(2.0**exponent for exponent in self.exponents)

    @property
    def grid_label(self) -> str:
        """The grid as the book's axis writes it, e.g. ``1/128 to 1/4``."""

        def power(exponent: int) -> str:
            return f"1/{2**-exponent}" if exponent < 0 else f"{2**exponent}"

        return f"{power(self.exponents[0])} to {power(self.exponents[-1])}"


METHODS: tuple[Method, ...] = (
    Method("ε-greedy", "ε", tuple(range(-7, -1)), lambda v: EpsilonGreedy(epsilon=v)),
    Method("gradient bandit", "α", tuple(range(-5, 2)), lambda v: GradientBandit(alpha=v)),
    Method("UCB", "c", tuple(range(-4, 3)), lambda v: UCB(c=v)),
    Method(
        "optimistic greedy, α = 0.1",
        "Q₁",
        tuple(range(-2, 3)),
        lambda v: Greedy(initial=v, step_size=0.1),
    ),
)
"""The book's four methods and parameter grids: 25 settings in all."""


@dataclass(frozen=True)
class StudyPoint:
    method: str
    parameter: str
    exponent: int
    value: float
    average_reward: float
    optimal_rate: float


def settings_count(methods: tuple[Method, ...] = METHODS) -> int:
    return sum(len(method.exponents) for method in methods)


def strategies(methods: tuple[Method, ...] = METHODS) -> list[Strategy]:
    """Every strategy the study runs, in order (so a caller can run them all at once first)."""
    return [method.make(value) for method in methods for value in method.values]


def parameter_study(
    runs: int = 2000,
    steps: int = 1000,
    seed: int = 0,
    *,
    methods: tuple[Method, ...] = METHODS,
    progress: Callable[[int, int, str], None] | None = None,
    run: Callable[..., BanditResult] = simulate,
) -> list[StudyPoint]:
    """Average reward over ``steps`` for every method at every value of its parameter.

    ``progress(done, total, label)`` is called after each setting, so a caller can show a
    progress bar. Every setting faces the same problems (same seed), as in :func:`simulate`.
    ``run`` replaces :func:`simulate` with the same signature, e.g. a cached version of it.
    """
    total = settings_count(methods)
    points = []
    for method in methods:
        for exponent, value in zip(method.exponents, method.values, strict=True):
            strategy = method.make(value)
            result = run(strategy, steps=steps, runs=runs, seed=seed)
            points.append(
                StudyPoint(
                    method=method.name,
                    parameter=method.parameter,
                    exponent=exponent,
                    value=value,
                    average_reward=float(np.mean(result.mean_reward)),
                    optimal_rate=float(np.mean(result.optimal_rate)),
                )
            )
            if progress is not None:
                progress(len(points), total, strategy.label)
    return points
