"""The comparison lab's presets and its editable table of strategies.

A preset names the book's figure it reproduces, the strategies in it and the testbed settings
it needs. The learner edits the strategies as a table; :func:`strategies_from_table` turns the
rows back into strategy objects and says in plain words what is wrong with a row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from core.bandit import (
    UCB,
    DecayingEpsilon,
    EpsilonGreedy,
    GradientBandit,
    Greedy,
    Naive,
    Strategy,
    ThompsonSampling,
)

METHODS = ("Naive", "Greedy", "ε-greedy", "Decaying ε", "UCB", "Gradient", "Thompson")
COLUMNS = ("Method", "ε", "Q₁ / μ₀", "α", "c", "Baseline", "σ₀")
COLUMN_HELP = {
    "Method": "Which strategy this row runs.",
    "ε": "ε-greedy: chance of a random pull. Decaying ε: starting ε (half-life 100, floor 0.01).",
    "Q₁ / μ₀": "Initial estimate for value methods; prior mean for Thompson sampling.",
    "α": "Constant step size (leave empty for sample averages); the gradient bandit's step size.",
    "c": "UCB's confidence level.",
    "Baseline": "Gradient bandit: compare rewards with their running average (on) or 0 (off).",
    "σ₀": "Thompson sampling: prior standard deviation.",
}


@dataclass(frozen=True)
class Preset:
    """A ready-made comparison: the strategies and the testbed settings it needs."""

    description: str
    rows: tuple[dict, ...]
    testbed: dict = field(default_factory=dict)


def _row(method: str, **values: object) -> dict:
    row = {column: None for column in COLUMNS}
    row["Method"] = method
    row["Baseline"] = True
    row.update(values)
    return row


def _eps(epsilon: float, **values: object) -> dict:
    return _row("ε-greedy", **{"ε": epsilon}, **values)


PRESETS: dict[str, Preset] = {
    "Figure 2.2: greedy vs ε-greedy": Preset(
        "Sample-average methods with ε = 0, 0.01 and 0.1 on the 10-armed testbed.",
        (_eps(0.0), _eps(0.01), _eps(0.1)),
    ),
    "Figure 2.3: optimistic initial values": Preset(
        "Greedy with optimistic Q₁ = 5 against realistic ε-greedy (Q₁ = 0, ε = 0.1), both "
        "with a constant step size α = 0.1. Look at % optimal action.",
        (_row("Greedy", **{"Q₁ / μ₀": 5.0, "α": 0.1}), _eps(0.1, **{"α": 0.1})),
    ),
    "Figure 2.4: UCB": Preset(
        "UCB with c = 2 against ε-greedy with ε = 0.1. Look at average reward, and the spike "
        "at step 11.",
        (_row("UCB", c=2.0), _eps(0.1)),
    ),
    "Figure 2.5: gradient bandit": Preset(
        "Gradient bandit with and without baseline, α = 0.1 and 0.4, with true values drawn "
        "around +4. Look at % optimal action.",
        (
            _row("Gradient", **{"α": 0.1, "Baseline": True}),
            _row("Gradient", **{"α": 0.4, "Baseline": True}),
            _row("Gradient", **{"α": 0.1, "Baseline": False}),
            _row("Gradient", **{"α": 0.4, "Baseline": False}),
        ),
        {"q_mean": 4.0},
    ),
    "Exercise 2.5: a drifting world": Preset(
        "True values take random walks (standard deviation 0.01 per step) for 10,000 steps: "
        "sample averages (α = 1/n) against a constant step size α = 0.1, both with ε = 0.1.",
        (_eps(0.1), _eps(0.1, **{"α": 0.1})),
        {"drift": True, "steps": 10_000, "runs": 500},
    ),
    "All methods": Preset(
        "One of each method with its usual parameters.",
        (
            _row("Naive"),
            _row("Greedy"),
            _eps(0.1),
            _row("Decaying ε", **{"ε": 1.0}),
            _row("UCB", c=2.0),
            _row("Gradient", **{"α": 0.1}),
            _row("Thompson", **{"Q₁ / μ₀": 0.0, "σ₀": 1.0}),
        ),
    ),
}


def preset_table(name: str) -> pd.DataFrame:
    """The preset's strategies as the lab's editable table."""
    return pd.DataFrame(list(PRESETS[name].rows), columns=list(COLUMNS))


def _value(row: pd.Series, column: str, default: float | None) -> float | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return float(value)


def strategy_from_row(row: pd.Series) -> Strategy:
    """Build the row's strategy; missing numbers take the method's usual value."""
    method = row.get("Method")
    initial = _value(row, "Q₁ / μ₀", 0.0)
    step_size = _value(row, "α", None)
    if method == "Naive":
        return Naive()
    if method == "Greedy":
        return Greedy(initial=initial, step_size=step_size)
    if method == "ε-greedy":
        return EpsilonGreedy(epsilon=_value(row, "ε", 0.1), initial=initial, step_size=step_size)
    if method == "Decaying ε":
        return DecayingEpsilon(start=_value(row, "ε", 1.0), initial=initial, step_size=step_size)
    if method == "UCB":
        return UCB(c=_value(row, "c", 2.0), initial=initial, step_size=step_size)
    if method == "Gradient":
        baseline = row.get("Baseline")
        return GradientBandit(
            alpha=_value(row, "α", 0.1), baseline=True if baseline is None else bool(baseline)
        )
    if method == "Thompson":
        return ThompsonSampling(prior_mean=initial, prior_sd=_value(row, "σ₀", 1.0))
    raise ValueError(f"Method must be one of {', '.join(METHODS)}; got {method!r}")


def strategies_from_table(table: pd.DataFrame) -> tuple[list[Strategy], list[str]]:
    """Strategies from the table's complete rows, and a message for every row that failed.

    Rows without a method are skipped; duplicate strategies are kept once.
    """
    strategies: list[Strategy] = []
    problems: list[str] = []
    for number, (_, row) in enumerate(table.iterrows(), start=1):
        if row.get("Method") is None or (isinstance(row.get("Method"), float)):
            continue
        try:
            strategy = strategy_from_row(row)
        except ValueError as error:
            problems.append(f"Row {number} ({row['Method']}): {error}")
            continue
        if strategy not in strategies:
            strategies.append(strategy)
    return strategies, problems


def curves_csv(results: list) -> str:
    """Every strategy's curves, one row per (strategy, step), as CSV text."""
    frames = [
        pd.DataFrame(
            {
                "strategy": result.strategy.label,
                "step": range(1, result.steps + 1),
                "average_reward": result.mean_reward,
                "optimal_action_rate": result.optimal_rate,
                "cumulative_regret": result.cumulative_regret,
                "best_possible_reward": result.best_reward,
            }
        )
        for result in results
    ]
    return pd.concat(frames, ignore_index=True).to_csv(index=False)
