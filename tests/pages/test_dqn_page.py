"""The DQN page: the shipped run on arrival, trainings through the pool, the history, no crash."""

from __future__ import annotations

import numpy as np
import pytest

from core.dqn import DQNConfig, evaluate, load_run
from core.dqn.shipped import SHIPPED_RUN_PATH, load_reference_runs
from core.workers import shared_pool
from tests.pages.helpers import (
    TRAINING_DEADLINE,
    assert_clean,
    chart_titled,
    charts_by_title,
    open_page,
    text_of,
    wait_for_training,
)
from ui.dqn import runs
from ui.dqn.form import describe

TINY = {"budget": "1000", "warmup": "500"}


def train_button(at):
    return next(button for button in at.get("button") if button.label == "Train")


def test_first_visit_shows_the_shipped_trained_agent_without_training():
    at = open_page("pages/dqn.py")
    assert_clean(at)
    shipped = load_run(SHIPPED_RUN_PATH)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Greedy return (20 episodes)"]) >= 475
    assert metrics["Steps to solve"] == f"{shipped.solved_at_step:,}"
    assert at.selectbox(key="dqn_inspect").value == "Run 1: default settings (shipped)"
    curve = chart_titled(at, "Learning curve").frames["episodes"]
    assert len(curve) == shipped.episodes
    assert "What the network learned: a value map" in charts_by_title(at)
    assert f"**{shipped.solved_at_step:,} steps**" in text_of(at)
    assert len(at.get("imgs")) + len(at.get("image")) >= 2


def test_the_formula_follows_the_switches():
    double = open_page("pages/dqn.py")
    assert any("argmax" in latex.value and r"\theta^-" in latex.value for latex in double.latex)
    plain = open_page("pages/dqn.py", {"double": "false", "target_net": "false"})
    target = next(
        latex.value for latex in plain.latex if latex.value.strip("$\n").startswith("y =")
    )
    assert "argmax" not in target and r"\theta^-" not in target and r"\max_{a'}" in target


def test_a_training_runs_in_the_pool_and_joins_the_history():
    at = open_page("pages/dqn.py", TINY)
    train_button(at).click().run()
    assert_clean(at)
    assert_clean(wait_for_training(at))
    labels = at.selectbox(key="dqn_inspect").options
    assert len(labels) == 2 and labels[-1] == "Run 2: budget 1000, warmup 500"
    assert at.selectbox(key="dqn_inspect").value == labels[-1]
    history = chart_titled(at, "Run history").frames["history"]
    assert set(history["run"]) == set(labels)
    assert not any(b.label in ("Stop training", "Cancel") for b in at.button), (
        "the Stop button goes away when training ends"
    )
    repeat = open_page("pages/dqn.py", TINY)
    train_button(repeat).click().run()
    assert any("trained before" in s.value for s in repeat.success)


def test_a_warm_up_longer_than_the_budget_is_flagged():
    at = open_page("pages/dqn.py", {"budget": "1000", "warmup": "2000"})
    assert any("no gradient step will be taken" in w.value for w in at.warning)


def test_stopping_keeps_a_partial_run_and_many_stops_never_crash():
    at = open_page("pages/dqn.py", {"budget": "100000"})
    for _ in range(3):
        train_button(at).click().run()
        pool = shared_pool()
        job = pool.job(at.session_state[runs.JOB_KEY])
        assert pool.wait_for(lambda job=job: bool(job.progress), TRAINING_DEADLINE, [job.owner])
        at.run()
        assert "Episode" in at.get("progress")[0].proto.text
        next(b for b in at.button if b.label == "Stop training").click().run()
        assert_clean(wait_for_training(at))
    labels = at.selectbox(key="dqn_inspect").options
    assert all(label.endswith("(stopped)") for label in labels[1:]) and len(labels) == 4
    assert "Training stopped after" in text_of(at)


def test_a_restarted_server_explains_the_missing_runs():
    at = open_page("pages/dqn.py", {"trained": "3"})
    assert_clean(at)
    assert any("not on this server any more" in i.value for i in at.info)
    assert at.selectbox(key="dqn_inspect").options == ["Run 1: default settings (shipped)"]


def test_experiments_quote_the_measured_reference_runs():
    references = load_reference_runs()
    at = open_page("pages/dqn.py")
    box = next(e for e in at.expander if e.label.startswith("Turn the **Target network** off"))
    at.session_state[box.key] = True
    at.run()
    box = next(e for e in at.expander if e.label.startswith("Turn the **Target network** off"))
    answer = " ".join(m.value for m in box.markdown)
    assert f"greedy return {references['target network off']['greedy_mean']:.0f}" in answer


def test_run_labels_name_what_differs_from_the_default():
    assert describe(DQNConfig()) == "default settings"
    label = describe(DQNConfig(use_target_network=False, seed=3, learning_rate=1e-3))
    assert label == "seed 3, target network off, lr 0.001"
    assert describe(DQNConfig(reward_scheme="sutton_barto")) == "Sutton & Barto reward"


def test_shared_runs_are_keyed_by_the_whole_config():
    shipped = load_run(SHIPPED_RUN_PATH)
    runs.remember_run(shipped)
    assert runs.cached_run(shipped.config) is shipped
    assert runs.cached_run(DQNConfig(seed=1)) is None


@pytest.mark.slow
def test_the_shipped_run_still_solves_cartpole():
    result = load_run(SHIPPED_RUN_PATH)
    assert result.config == DQNConfig()
    assert np.mean(evaluate(result.policy)) >= 475
