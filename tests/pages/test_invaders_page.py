"""The Space Invaders page: it draws what core computes for the shipped agent, hides the score
until the prediction, trains through the pool into its own history, and runs its experiments."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.dqn import DQNConfig, evaluate_invaders, invaders_greedy_episode, load_run
from core.dqn.games import Blindfolded
from core.dqn.shipped import INVADERS_RUN_PATH, load_invaders_summary
from core.invaders import CHANNELS
from tests.pages.helpers import assert_clean, chart_titled, open_page, text_of, wait_for_training
from ui.dqn import runs
from ui.dqn.form import describe

PAGE = "pages/invaders.py"
TINY = {"invaders_budget": "1000"}


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Evaluate on one thread, as the training workers do: on a busy two-core machine two
    threads make these small networks several times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def shipped():
    return load_run(INVADERS_RUN_PATH)


@pytest.fixture(scope="module")
def page():
    """The page as a learner first sees it, with the prediction skipped."""
    at = open_page(PAGE)
    assert_clean(at)
    return at


def metric(at, label_start: str):
    return next(m for m in at.metric if m.label.startswith(label_start))


def test_the_shipped_agent_is_shown_as_it_was_judged(page, shipped):
    """The page quotes the shipped command's evaluation (tests/core checks it against a fresh
    one) and draws the run's own greedy checks."""
    summary = load_invaders_summary()
    scores, random_mean = np.array(summary["greedy_scores"]), summary["random_mean"]
    shown = metric(page, "Greedy score (100 games)")
    assert shown.value == f"{scores.mean():.1f}"
    assert f"{scores.mean() / random_mean:.1f} × random play" in shown.delta
    histogram = chart_titled(page, "Scores of single games").frames["scores"]
    shipped_counts = histogram[histogram["player"] == "shipped agent"]["games"]
    assert shipped_counts.sum() == len(scores) == 100
    checks = chart_titled(page, "Greedy score against training steps").frames["checks"]
    np.testing.assert_array_equal(checks["env_step"], shipped.eval_steps)
    np.testing.assert_allclose(checks["greedy"], shipped.eval_means)
    assert f"{shipped.total_steps:,} steps" in text_of(page)


def test_the_channels_shown_are_the_networks_input(page, shipped):
    trace = invaders_greedy_episode(shipped.policy)
    frame = page.slider(key="invaders_frame").value
    observation = trace.observations[frame]
    alts = [image.proto.imgs[0].alt for image in page.get("image")]
    for channel, name in enumerate(CHANNELS):
        cells = int(observation[channel].sum())
        described = [alt for alt in alts if alt.startswith(f"Channel {channel},")]
        assert len(described) == 1 and f"{cells} cells on" in described[0], name
    q_table = page.dataframe[0].value
    np.testing.assert_allclose(q_table["Q(s, a)"], trace.q_values[frame], rtol=1e-6)


def test_the_prediction_hides_the_shipped_score():
    at = open_page(PAGE, reveal=False)
    assert_clean(at)
    assert "The shipped agent playing" not in [h.value for h in at.header]
    assert not any(m.label == "Random play" for m in at.metric)
    assert any(radio.label.startswith("A random player scores") for radio in at.radio)


def test_the_budget_is_explained_from_the_shipped_runs_speed(page, shipped):
    default = DQNConfig.for_environment("invaders")
    rate = shipped.total_steps / shipped.cpu_time
    assert f"**{default.max_env_steps / rate:.0f} s of one core**" in text_of(page)
    keys = [w.key for w in page.get("select_slider") + page.get("toggle") if w.form_id]
    assert keys and all(key.startswith("invaders_") for key in keys), "page-specific URL keys"


def test_run_labels_name_what_differs_from_the_invaders_defaults():
    assert describe(DQNConfig.for_environment("invaders")) == "default settings"
    changed = DQNConfig.for_environment("invaders", seed=3, conv_channels=8, use_replay=False)
    assert describe(changed) == "seed 3, experience replay off, filters 8"


@pytest.mark.slow
def test_an_experiment_quotes_the_blindfolded_agent(shipped):
    at = open_page(PAGE)
    title = "Blank out the aliens' bullets"
    box = next(e for e in at.expander if e.label.startswith(title))
    at.session_state[box.key] = True
    at.run()
    box = next(e for e in at.expander if e.label.startswith(title))
    answer = " ".join(m.value for m in box.markdown)
    blind = evaluate_invaders(Blindfolded(shipped.policy, (4,)))
    assert f"**{blind.mean():.1f}** without seeing the aliens' bullets" in answer


@pytest.mark.slow
def test_a_training_joins_this_pages_history_only():
    at = open_page(PAGE, TINY)
    next(b for b in at.button if b.label == "Train").click().run()
    assert_clean(at)
    assert_clean(wait_for_training(at))
    labels = at.selectbox(key=runs.INVADERS.inspect_key).options
    assert labels == ["Run 1: the shipped agent", "Run 2: budget 1000"]
    history = chart_titled(at, "Run history").frames["curves"]
    trained = at.session_state[runs.INVADERS.history_key][-1].result.total_steps
    shipped_part = f"Run 1: the shipped agent (first {trained:,} steps)"
    assert set(history["run"]) == {shipped_part, labels[1]}
    assert history[history["run"] == shipped_part]["env_step"].max() <= trained
    assert runs.CARTPOLE.history_key not in at.session_state, "the DQN page's history is apart"


@pytest.mark.slow
def test_a_training_on_the_other_page_is_named_not_drawn():
    at = open_page("pages/dqn.py", {"budget": "100000"})
    next(b for b in at.button if b.label == "Train").click().run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert any("Your CartPole training is running" in i.value for i in at.info)
    job = runs.shared_pool().job(at.session_state[runs.JOB_KEY])
    runs.shared_pool().cancel(job.id)
