"""Cached calls into ``core``: returning to earlier settings is instant for every visitor."""

from __future__ import annotations

import streamlit as st

from core import bandit
from ui.controls import Testbed

CACHE_SECONDS = 3600
"""Cached runs expire after an hour unused, so a long workshop does not hold every run."""


@st.cache_data(max_entries=128, ttl=CACHE_SECONDS, show_spinner=False)
def _simulate(kind: str, strategy: bandit.Strategy, testbed: Testbed) -> bandit.BanditResult:
    # Streamlit hashes a dataclass by its fields only, so ``kind`` (the class name) keeps two
    # strategies with equal fields, such as two parameterless ones, from sharing an entry.
    return bandit.simulate(
        strategy,
        arms=testbed.arms,
        steps=testbed.steps,
        runs=testbed.runs,
        seed=testbed.seed,
        q_mean=testbed.q_mean,
        walk_sd=testbed.walk_sd,
        start_equal=testbed.start_equal,
    )


def simulate(strategy: bandit.Strategy, testbed: Testbed) -> bandit.BanditResult:
    """``core.bandit.simulate`` on the page's testbed, cached on every parameter."""
    return _simulate(type(strategy).__name__, strategy, testbed)


def simulate_testbed_call(
    strategy: bandit.Strategy, *, steps: int, runs: int, seed: int, arms: int = 10
) -> bandit.BanditResult:
    """``simulate``'s signature, answered from the cache (for core loops such as the study)."""
    return simulate(strategy, Testbed(arms=arms, steps=steps, runs=runs, seed=seed))
