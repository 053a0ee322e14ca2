"""Figure 2.6's parameter study and the "be the agent" game."""

import numpy as np
import pytest

from core.bandit import EpsilonGreedy, Greedy, simulate
from core.game import RIVALS, BanditGame, hidden_bandit
from core.study import METHODS, parameter_study, settings_count


def test_study_covers_the_books_grids():
    assert settings_count() == 25
    grids = {method.parameter: method.values for method in METHODS}
    assert grids["ε"][0] == 2**-7 and grids["ε"][-1] == 2**-2
    assert grids["α"][0] == 2**-5 and grids["α"][-1] == 2
    assert grids["c"][0] == 2**-4 and grids["c"][-1] == 4
    assert grids["Q₁"][0] == 2**-2 and grids["Q₁"][-1] == 4


@pytest.fixture(scope="module")
def study():
    calls = []
    points = parameter_study(runs=500, progress=lambda done, total, label: calls.append(done))
    return points, calls


def test_study_reports_progress_for_every_setting(study):
    points, calls = study
    assert calls == list(range(1, 26))
    assert len(points) == 25


def test_every_method_traces_an_inverted_u(study):
    points, _ = study
    for method in METHODS:
        rewards = [p.average_reward for p in points if p.method == method.name]
        peak = int(np.argmax(rewards))
        assert 0 < peak < len(rewards) - 1, method.name
        assert rewards[peak] > rewards[0] + 0.03 and rewards[peak] > rewards[-1] + 0.03


def test_study_peaks_match_figure_2_6(study):
    points, _ = study
    best = {}
    for point in points:
        if point.average_reward > best.get(point.method, (-1, 0))[0]:
            best[point.method] = (point.average_reward, point.value)
    assert 1.25 < best["ε-greedy"][0] < 1.40
    assert 1.40 < best["UCB"][0] < 1.55
    assert best["UCB"][0] > best["ε-greedy"][0]
    assert best["ε-greedy"][1] in (2**-5, 2**-4, 2**-3)


def test_game_rewards_are_the_simulations_rewards():
    q_true, noise = hidden_bandit(10, 300, seed=5)
    for strategy in (Greedy(), EpsilonGreedy(epsilon=0.3)):
        trace = simulate(strategy, steps=300, runs=1, seed=5).trace
        np.testing.assert_allclose(trace.rewards, q_true[trace.actions] + noise)


def test_a_player_copying_an_agent_gets_exactly_its_rewards():
    game = BanditGame(seed=3, pulls=25)
    rival = simulate(RIVALS[1], steps=25, runs=1, seed=3).trace
    for arm in rival.actions:
        game.pull(int(arm))
    np.testing.assert_allclose(game.rewards, rival.rewards)
    assert game.total == pytest.approx(rival.rewards.sum())
    np.testing.assert_allclose(game.rival_rewards()[RIVALS[1].label], rival.rewards)


def test_game_flow_tally_reveal_and_end():
    game = BanditGame(seed=1, pulls=3)
    with pytest.raises(ValueError, match="pulls left"):
        game.reveal()
    game.pull(2)
    game.pull(2)
    game.pull(7)
    counts, averages = game.tally()
    assert counts[2] == 2 and counts[7] == 1 and counts.sum() == 3
    assert averages[2] == pytest.approx(np.mean(game.rewards[:2]))
    assert np.isnan(averages[0])
    assert game.finished and game.pulls_left == 0
    assert game.reveal().shape == (10,)
    assert game.best_expected_total == pytest.approx(3 * game.reveal().max())
    with pytest.raises(ValueError, match="pulls left"):
        game.pull(1)


def test_same_seed_same_hidden_bandit():
    first, second, other = BanditGame(seed=9), BanditGame(seed=9), BanditGame(seed=10)
    assert first.pull(4) == second.pull(4)
    assert first.rewards != [other.pull(4)]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: BanditGame(seed=-1), "seed"),
        (lambda: BanditGame(seed=0, pulls=0), "pulls"),
        (lambda: BanditGame(seed=0, pulls=10_000), "pulls"),
        (lambda: BanditGame(seed=0, arms=1), "arms"),
        (lambda: BanditGame(seed=0).pull(10), "arm"),
        (lambda: BanditGame(seed=0).pull(-1), "arm"),
    ],
)
def test_bad_game_input_raises_value_error_naming_it(make, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        make()
