"""The cliff walk's charts: frames and words computed from what they draw, templates per shape."""

from __future__ import annotations

import numpy as np
import pytest

from core.gridworld import GridWorld, q_learning, sarsa
from ui.charts import gridworld as charts

CLIFF = GridWorld.cliff()


@pytest.fixture(scope="module")
def results():
    settings = {"episodes": 60, "runs": 5, "seed": 1}
    return [q_learning(CLIFF, **settings), sarsa(CLIFF, **settings)]


def test_numbers_fit_a_phone_cell_and_ties_show_every_best_arrow():
    shown = [charts.value_text(v) for v in (-7.72, -9.96, -12.5, -100, 0.0, 4901, -23456)]
    assert shown == ["-7.7", "-10", "-12", "-100", "0.0", "4.9k", "-2e+04"]
    assert all(len(text) <= 6 for text in shown)
    assert charts.arrow_text(np.array([False, True, False, False])) == "→"
    assert charts.arrow_text(np.array([True, True, False, False])) == "↑→"
    assert charts.arrow_text(np.array([True, True, True, False])) == charts.TIE_MARK


def test_cells_carry_kind_symbol_and_value_so_colour_is_never_alone():
    world = CLIFF.with_cell((1, 4), "wall")
    q = np.zeros((48, 4))
    q[world.start_state] = [-2.0, -100.0, -3.0, -3.0]
    frame = charts.cell_frame(world, q=q).set_index(["row", "col"])
    assert frame.loc[(3, 0), ["kind", "symbol", "caption"]].tolist() == ["start", "S↑", "-2.0"]
    assert frame.loc[(3, 11), ["kind", "symbol", "caption"]].tolist() == ["goal", "G", "goal"]
    assert frame.loc[(3, 4), ["symbol", "caption", "ink"]].tolist() == ["✕", "cliff", "light"]
    assert frame.loc[(1, 4), ["symbol", "caption"]].tolist() == ["■", "wall"]
    assert frame.loc[(0, 0), "symbol"] == charts.TIE_MARK, "four zeros tie"
    assert np.isnan(frame.loc[(1, 4), "value"]) and frame.loc[(3, 0), "value"] == -2.0
    assert frame.loc[(3, 0), "q_right"] == -100.0
    policy = charts.cell_frame(world, policy=np.full(48, 1)).set_index(["row", "col"])
    assert policy.loc[(0, 0), "symbol"] == "→" and policy.loc[(0, 0), "caption"] == ""


def test_value_grid_says_what_it_draws(results):
    q = next(q for q in results[0].q if CLIFF.greedy_path(q).terminated)
    path = CLIFF.greedy_path(q)
    figure = charts.value_grid(CLIFF, q, "A run", path=path, selectable=True)
    acting = figure.data["cells"].query("kind in ('floor', 'start')")["value"]
    assert f"from {acting.min():.2f} to {acting.max():.2f}" in figure.alt
    assert f"reaches G in {len(path.actions)} steps" in figure.alt
    assert len(figure.data["path"]) == len(path.states)
    assert any(param.get("name") == "cell" for param in figure.spec.get("params", []))
    looping = np.zeros((48, 4))
    looping[:, 0] = 1.0  # always up: never reaches the goal
    stuck = charts.value_grid(CLIFF, looping, "Up forever", path=CLIFF.greedy_path(looping, 20))
    assert "does not reach G within 20 steps" in stuck.alt
    assert "params" not in stuck.spec, "only the designer's grid can be clicked"


def test_stepping_swaps_data_not_the_template(results):
    q = results[0].q[0]
    first = charts.value_grid(CLIFF, q, "after step 1", trail=[36, 24], agent=24, updated=36)
    second = charts.value_grid(CLIFF, q, "after step 2", trail=[36, 24, 25], agent=25, updated=24)
    assert first.spec is second.spec
    assert (first.title, second.title) == ("after step 1", "after step 2")
    assert list(second.data["highlights"]["role"]) == list(charts.HIGHLIGHTS)
    assert "The agent stands at row 2, column 1." in second.alt


def test_figure_6_4_draws_the_smoothed_mean_and_lowers_its_axis_when_needed(results):
    figure = charts.returns_chart(results, -13.0)
    curves = figure.data["curves"]
    q_curve = curves[curves["algorithm"] == "Q-learning"]
    np.testing.assert_allclose(q_curve["mean"], results[0].mean_returns)
    np.testing.assert_allclose(q_curve["value"].iloc[9], results[0].mean_returns[:10].mean())
    floor = charts.axis_floor(curves)
    assert floor <= -100 and (curves["shown"] >= floor).all()
    late = results[1].episode_returns[:, -60:].mean()
    assert f"Sarsa averages {late:.1f}" in figure.alt and "worth -13" in figure.alt
    assert list(figure.data["references"]["value"]) == [-13.0]
    frame = curves.assign(value=curves["value"] - 500)
    assert charts.axis_floor(frame) < -500


def test_discount_weights_and_their_words():
    figure = charts.discount_chart((0.9, 0.99), steps=50)
    weights = figure.data["weights"]
    assert len(weights) == 2 * 51
    assert weights.query("gamma == 'γ = 0.9' and k == 12")["weight"].item() == pytest.approx(
        0.9**12
    )
    assert "γ = 0.9 halves the weight every 6.6 steps and drops below 0.01 after 44" in figure.alt
    assert "γ = 1 weighs every reward fully" in charts.discount_chart((1.0,)).alt
