"""The DQN page: the shipped run on arrival, a tiny live training run, the run history."""

import numpy as np
import pytest

from core.dqn import DQNConfig, evaluate, load_run
from core.dqn.shipped import SHIPPED_RUN_PATH
from tests.pages.helpers import chart_titled, charts_by_title, open_page
from tests.pages.test_bandit_pages import assert_clean
from ui import dqn as dqn_ui

TINY = {"budget": "1000"}


def train_button(at):
    return next(button for button in at.get("button") if button.label == "Train")


def test_first_visit_shows_the_shipped_trained_agent_without_training():
    at = open_page("pages/dqn.py")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Greedy return (20 episodes)"]) >= 475
    assert at.selectbox(key="dqn_inspect").value == "Run 1: default settings (shipped)"
    curve = chart_titled(at, "Learning curve").frame
    assert len(curve) == load_run(SHIPPED_RUN_PATH).episodes
    assert len(at.get("image")) >= 2, "random-policy and trained-agent animations"


def test_a_tiny_training_run_completes_and_joins_the_history():
    at = open_page("pages/dqn.py", query=TINY)
    assert at.select_slider(key="budget").value == 1000
    train_button(at).click().run(timeout=180)
    assert_clean(at)
    labels = at.selectbox(key="dqn_inspect").options
    assert len(labels) == 2
    assert labels[-1].startswith("Run 2: budget 1000")
    assert at.selectbox(key="dqn_inspect").value == labels[-1]
    history = chart_titled(at, "Run history").frame
    assert set(history["run"]) == {labels[0], labels[-1]}
    assert "Greedy evaluation (no exploration)" in charts_by_title(at)


def test_ablations_are_labelled_and_a_repeat_comes_from_the_shared_cache():
    at = open_page("pages/dqn.py", query=TINY | {"replay": "false"})
    train_button(at).click().run(timeout=180)
    assert_clean(at)
    assert at.selectbox(key="dqn_inspect").value == "Run 2: replay off, budget 1000"
    repeat = open_page("pages/dqn.py", query=TINY | {"replay": "false"})
    train_button(repeat).click().run(timeout=60)
    assert_clean(repeat)
    assert any("trained before" in s.value for s in repeat.success)


def test_shared_cache_is_keyed_by_the_whole_config():
    shipped = load_run(SHIPPED_RUN_PATH)
    dqn_ui.remember_run(shipped)
    assert dqn_ui.cached_run(shipped.config) is shipped
    assert dqn_ui.cached_run(DQNConfig(seed=1)) is None
    assert dqn_ui.cached_run(DQNConfig(use_replay=False)) is None


def test_run_labels_name_what_differs_from_the_default():
    assert dqn_ui.describe(DQNConfig()) == "default settings"
    label = dqn_ui.describe(DQNConfig(use_target_network=False, seed=3, learning_rate=1e-3))
    assert label == "target net off, seed 3, lr 0.001"


@pytest.mark.slow
def test_the_shipped_run_still_solves_cartpole():
    result = load_run(SHIPPED_RUN_PATH)
    assert result.config == DQNConfig()
    returns = evaluate(result.policy, episodes=20, seed=10_000)
    assert np.mean(returns) >= 475
