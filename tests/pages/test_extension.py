"""Adding a strategy touches core and its page, nothing in ui: the recipe of CONTRIBUTING.md.

A strategy defined here, in the test, is registered and appears in the comparison lab: as a
method to choose, with its own parameter column, and run like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from core.bandit import (
    AgentState,
    ValueMethod,
    parameter,
    register_strategy,
    simulate,
    unregister_strategy,
)
from tests.pages.helpers import assert_clean, chart_titled, open_page
from ui import lab


@dataclass(frozen=True, kw_only=True)
class Softmax(ValueMethod):
    """Boltzmann exploration: pull arm a with probability proportional to exp(Q(a) / τ)."""

    temperature: float = parameter(0.2, symbol="τ", help="Softmax: temperature of the choice.")
    title: ClassVar[str] = "Softmax (test)"

    @property
    def label(self) -> str:
        return f"Softmax (τ = {self.temperature:g})"

    def select(self, state: AgentState, step: int, rng: np.random.Generator) -> np.ndarray:
        weights = np.exp((state.q_estimate - state.q_estimate.max(axis=0)) / self.temperature)
        cumulative = np.cumsum(weights / weights.sum(axis=0), axis=0)
        draws = rng.random(state.runs)
        return np.minimum(np.count_nonzero(cumulative < draws, axis=0), state.arms - 1)


@pytest.fixture
def softmax_registered():
    register_strategy(Softmax)
    yield Softmax
    unregister_strategy(Softmax)


def test_a_registered_strategy_gets_a_lab_column_and_runs(softmax_registered):
    assert "τ" in [column.symbol for column in lab.columns()]
    table = lab.table([{"Method": "Softmax (test)"}, {"Method": "UCB"}])
    assert table["τ"].tolist()[0] == 0.2 and pd.isna(table["τ"].tolist()[1])
    strategies, problems = lab.strategies_from_table(
        lab.table([{"Method": "Softmax (test)", "τ": 0.5}])
    )
    assert strategies == [Softmax(temperature=0.5)] and not problems


def test_a_registered_strategy_appears_in_the_lab_page(softmax_registered):
    at = open_page("pages/lab.py", {"runs": "100", "steps": "200"}, reveal=False)
    at.session_state["lab_table"] = lab.table([{"Method": "Softmax (test)", "τ": 0.5}])
    at.run()
    assert_clean(at)
    drawn = chart_titled(at, "Average reward").frames["curves"]
    assert set(drawn["strategy"]) == {"Softmax (τ = 0.5)"}
    expected = simulate(Softmax(temperature=0.5), steps=200, runs=100, seed=0)
    assert drawn["value"].iloc[:100].tolist() == pytest.approx(expected.mean_reward[:100].tolist())


def test_unregistering_takes_it_away():
    assert "Softmax (test)" not in lab.STRATEGIES
    assert "τ" not in [column.symbol for column in lab.columns()]
