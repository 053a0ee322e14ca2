"""Small computations behind the course's words: predictions checked, "Try this" answered.

Every number a learner reads comes from a run at the settings on screen (or at the changed
settings an experiment suggests), through the cached runner, never from a typed constant.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from core.bandit import BanditResult, Strategy
from ui import runners
from ui.charts.curves import late_mean
from ui.controls import Testbed

SMOOTHING_STEPS = 50
"""Curves are compared after a moving average over this many steps, so noise does not count
as overtaking."""


def run(strategy: Strategy, testbed: Testbed, **changes: Any) -> BanditResult:
    """The cached simulation of ``strategy`` on ``testbed`` with ``changes`` applied."""
    return runners.simulate(strategy, replace(testbed, **changes))


def late(result: BanditResult, metric: str = "optimal_rate") -> float:
    """The metric's mean over the last tenth of the run (what a curve "ends at")."""
    return late_mean(getattr(result, metric))


def percent(value: float) -> str:
    return f"{value:.0%}"


def smoothed(values: np.ndarray, window: int = SMOOTHING_STEPS) -> np.ndarray:
    """Trailing moving average (shorter at the start)."""
    sums = np.cumsum(values)
    shifted = np.concatenate([np.zeros(window), sums])[: len(values)]
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (sums - shifted) / counts


def overtakes_at(
    challenger: BanditResult, leader: BanditResult, metric: str = "mean_reward"
) -> int | None:
    """The step from which ``challenger``'s smoothed curve stays above ``leader``'s to the
    end, or None if it is not ahead at the end."""
    ahead = smoothed(getattr(challenger, metric)) > smoothed(getattr(leader, metric))
    if not ahead[-1]:
        return None
    behind = np.flatnonzero(~ahead)
    return int(behind[-1]) + 2 if len(behind) else 1


def level_off_bucket(value: float, edges: tuple[float, ...]) -> int:
    """Which of the buckets split at ``edges`` a value falls in (0 = below the first edge)."""
    return int(np.searchsorted(edges, value, side="right"))
