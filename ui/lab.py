"""The comparison lab's presets and its editable table of strategies.

The table is generated from the registered strategies (``core.bandit.STRATEGIES``): one column
per parameter symbol declared with ``core.bandit.parameter``, shared by every strategy that
declares it. A strategy registered anywhere, even from a test, appears here without a change to
this module. A row is normalised after every edit: a parameter the method does not have is
blank, one it has shows the value it will run with.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, Field, dataclass, field
from typing import Any, cast

import pandas as pd

from core.bandit import STRATEGIES, Strategy, table_parameters

METHOD = "Method"


@dataclass(frozen=True)
class Column:
    """One parameter column: its symbol, help text, and whether it holds a switch."""

    symbol: str
    help: str
    switch: bool


def _field_default(parameter: Field) -> Any:
    return None if parameter.default is MISSING else parameter.default


def columns() -> list[Column]:
    """Parameter columns of the table, in the order strategies were registered."""
    helps: dict[str, list[str]] = {}
    switches: dict[str, bool] = {}
    for strategy_type in STRATEGIES.values():
        for parameter in table_parameters(strategy_type):
            symbol = parameter.metadata["symbol"]
            text = parameter.metadata["help"]
            if text not in helps.setdefault(symbol, []):
                helps[symbol].append(text)
            switches[symbol] = isinstance(_field_default(parameter), bool)
    return [Column(symbol, " ".join(texts), switches[symbol]) for symbol, texts in helps.items()]


def _parameters_by_symbol(strategy_type: type[Strategy]) -> dict[str, Field]:
    return {p.metadata["symbol"]: p for p in table_parameters(strategy_type)}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def normalise_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row as the table should show it: blanks where the method has no such parameter,
    and the value it will run with where it has one (its default if the cell was empty)."""
    method = row.get(METHOD)
    shown: dict[str, Any] = {METHOD: method}
    parameters = _parameters_by_symbol(STRATEGIES[method]) if method in STRATEGIES else {}
    for column in columns():
        value = row.get(column.symbol)
        if column.symbol not in parameters:
            shown[column.symbol] = None
        elif _blank(value):
            shown[column.symbol] = _field_default(parameters[column.symbol])
        else:
            shown[column.symbol] = bool(value) if column.switch else float(cast(float, value))
    return shown


def table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows (dicts by column name) as the lab's table, normalised."""
    names = [METHOD, *(column.symbol for column in columns())]
    frame = pd.DataFrame([normalise_row(row) for row in rows], columns=names)
    for column in columns():
        frame[column.symbol] = frame[column.symbol].astype(
            "boolean" if column.switch else "Float64"
        )
    return frame


def apply_edits(frame: pd.DataFrame, edits: dict[str, Any]) -> pd.DataFrame:
    """The table after ``st.data_editor``'s edits (edited, deleted and added rows), normalised."""
    rows = frame.to_dict("records")
    for index, changes in edits.get("edited_rows", {}).items():
        rows[int(index)].update(changes)
    deleted = {int(index) for index in edits.get("deleted_rows", [])}
    rows = [row for index, row in enumerate(rows) if index not in deleted]
    rows += [dict(added) for added in edits.get("added_rows", [])]
    return table([{k: (None if _blank(v) else v) for k, v in row.items()} for row in rows])


def strategy_from_row(row: dict[str, Any]) -> Strategy:
    """Build the row's strategy; empty cells take the method's default."""
    method = row.get(METHOD)
    if method not in STRATEGIES:
        raise ValueError(f"Method must be one of {', '.join(STRATEGIES)}; got {method!r}")
    strategy_type = STRATEGIES[method]
    values = {}
    for symbol, parameter in _parameters_by_symbol(strategy_type).items():
        value = row.get(symbol)
        if not _blank(value):
            values[parameter.name] = value if isinstance(value, bool) else float(cast(float, value))
    return strategy_type(**values)


def strategies_from_table(frame: pd.DataFrame) -> tuple[list[Strategy], list[str]]:
    """Strategies from the table's rows, and a message for every row that failed.

    Rows without a method are skipped; duplicate strategies are kept once.
    """
    strategies: list[Strategy] = []
    problems: list[str] = []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        method = row.get(METHOD)
        if _blank(method):
            continue
        try:
            strategy = strategy_from_row(row)
        except ValueError as error:
            problems.append(f"Row {number} ({method}): {error}")
            continue
        if strategy not in strategies:
            strategies.append(strategy)
    return strategies, problems


@dataclass(frozen=True)
class Preset:
    """A ready-made comparison: the strategies (as table rows) and the testbed it needs."""

    description: str
    rows: tuple[dict[str, Any], ...]
    testbed: dict[str, Any] = field(default_factory=dict)


def _row(method: str, **values: Any) -> dict[str, Any]:
    return {METHOD: method, **values}


def _eps(epsilon: float, **values: Any) -> dict[str, Any]:
    return _row("ε-greedy", **{"ε": epsilon}, **values)


PRESETS: dict[str, Preset] = {
    "Figure 2.2: greedy vs ε-greedy": Preset(
        "Sample-average methods with ε = 0, 0.01 and 0.1 on the 10-armed testbed.",
        (_eps(0.0), _eps(0.01), _eps(0.1)),
    ),
    "Figure 2.3: optimistic initial values": Preset(
        "Greedy with optimistic Q₁ = 5 against realistic ε-greedy (Q₁ = 0, ε = 0.1), both "
        "with a constant step size α = 0.1. Look at % optimal action.",
        (_row("Greedy", **{"Q₁": 5.0, "α": 0.1}), _eps(0.1, **{"α": 0.1})),
    ),
    "Figure 2.4: UCB": Preset(
        "UCB with c = 2 against ε-greedy with ε = 0.1. Look at average reward, and the spike "
        "at step k + 1 (step 11 with 10 arms).",
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
        "All true values start equal and take independent random walks (standard deviation "
        "0.01 per step) for 10,000 steps: sample averages (α = 1/n) against a constant step "
        "size α = 0.1, both with ε = 0.1.",
        (_eps(0.1), _eps(0.1, **{"α": 0.1})),
        {"drift": True, "start_equal": True, "steps": 10_000, "runs": 500},
    ),
    "All methods": Preset(
        "One of each method with its usual parameters.",
        tuple(
            _row(title)
            for title in (
                "Naive",
                "Greedy",
                "ε-greedy",
                "Decaying ε",
                "UCB",
                "Gradient",
                "Thompson",
            )
        ),
    ),
}


def preset_table(name: str) -> pd.DataFrame:
    """The preset's strategies as the lab's editable table."""
    return table(list(PRESETS[name].rows))


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
