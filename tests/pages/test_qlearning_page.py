"""The Q-learning page draws what ``core.gridworld`` returns at the settings on screen.

Figure 6.4 runs at a small size chosen in the URL (100 episodes); the book's numbers
are checked at full size in tests/core/test_gridworld.py. The reward designer always learns
with its own small budget, which the page states and these tests reuse.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.gridworld import GridWorld, learning_episode, optimal_q, q_learning, sarsa
from tests.pages.helpers import assert_clean, chart_titled, charts_by_title, open_page, text_of
from ui import gridworld as grid
from ui.charts import gridworld as charts

PAGE = "pages/qlearning.py"
SMALL = {"ql_episodes": "100", "seed": "3"}
SETTINGS = {"episodes": 100, "runs": 50, "alpha": 0.5, "epsilon": 0.1, "gamma": 1.0, "seed": 3}
CLIFF = GridWorld.cliff()
DESIGN = {
    "episodes": grid.DESIGN_EPISODES,
    "runs": grid.DESIGN_RUNS,
    "max_episode_steps": grid.DESIGN_CAP,
    "alpha": 0.5,
    "epsilon": 0.1,
    "seed": 3,
}


@pytest.fixture(scope="module")
def book():
    return {"q_learning": q_learning(CLIFF, **SETTINGS), "sarsa": sarsa(CLIFF, **SETTINGS)}


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, SMALL)


def designer_chart(at):
    return next(chart for title, chart in charts_by_title(at).items() if "200 episodes" in title)


def test_page_follows_the_anatomy_and_draws_figure_6_4_from_core(page, book):
    assert_clean(page)
    assert [h.value for h in page.header] == [
        "States, policies, episodes and returns",
        "Predict",
        "Q-learning against Sarsa",
        "Inside one episode",
        "Reward designer",
        "Takeaways",
        "Check your understanding",
    ]
    assert page.get("latex"), "the rules as formulas"
    drawn = chart_titled(page, "Sum of rewards per episode while learning")
    want = charts.returns_frame([book["q_learning"], book["sarsa"]])
    np.testing.assert_allclose(drawn.frames["curves"]["value"], want["value"])
    np.testing.assert_allclose(drawn.frames["curves"]["mean"], want["mean"])
    assert list(drawn.frames["references"]["value"]) == [-13.0]
    late = {name: float(result.episode_returns[:, -100:].mean()) for name, result in book.items()}
    assert f"Q-learning averages {late['q_learning']:.1f}" in drawn.alt
    verdict = page.info[0].value
    assert verdict.startswith("**The answer at these settings:")
    assert f"**{late['q_learning']:.1f}**" in verdict and f"**{late['sarsa']:.1f}**" in verdict
    for name, label in (("q_learning", "Q-learning"), ("sarsa", "Sarsa")):
        grid_drawn = chart_titled(page, f"{label}, run 1 after 100 episodes")
        q = book[name].q[0]
        cells = grid_drawn.frames["cells"]
        acting = cells["kind"].isin(["floor", "start"]).to_numpy()
        np.testing.assert_allclose(cells["value"].to_numpy()[acting], q.max(axis=1)[acting])
        path = CLIFF.greedy_path(q, grid.STEP_THROUGH_CAP)
        assert list(grid_drawn.frames["path"]["row"] * 12 + grid_drawn.frames["path"]["col"]) == (
            list(path.states)
        )
    summary = next(frame.value for frame in page.dataframe if "Measure" in frame.value.columns)
    reaching = [CLIFF.greedy_path(q, 1000).terminated for q in book["sarsa"].q]
    row = summary.set_index("Measure").loc["Runs whose greedy path reaches G"]
    assert row["Sarsa"] == f"{sum(reaching)} of 50"


def test_results_wait_for_the_prediction_and_the_verdict_follows_the_run(book):
    at = open_page(PAGE, SMALL, reveal=False)
    assert_clean(at)
    headers = [h.value for h in at.header]
    assert "Q-learning against Sarsa" not in headers and "Reward designer" in headers
    assert "Sum of rewards per episode while learning" not in charts_by_title(at)
    prediction = next(radio for radio in at.radio if radio.key == "predict_qlearning")
    prediction.set_value(prediction.options[0]).run()
    assert_clean(at)
    difference = book["q_learning"].episode_returns[:, -100:].mean() - (
        book["sarsa"].episode_returns[:, -100:].mean()
    )
    verdict = (at.success or at.warning)[0].value
    if difference < -2:
        assert verdict.startswith("**You predicted Q-learning") and "it is Sarsa" in verdict
    else:
        assert verdict.startswith("**Your prediction was right")


def test_the_vocabulary_pictures_come_from_the_policies_they_name(page):
    edge = chart_titled(page, "Policy “along the edge” and its episode")
    assert len(edge.frames["path"]) == 14 and "reaches G in 13 steps" in edge.alt
    symbols = edge.frames["cells"].set_index(["row", "col"])["symbol"]
    assert symbols[(3, 0)] == "S↑" and symbols[(3, 5)] == "✕" and symbols[(3, 11)] == "G"
    returns = next(frame.value for frame in page.dataframe if "Policy" in frame.value.columns)
    assert list(returns["Steps"]) == [13, 15, 17]
    assert list(returns["G, γ = 1"]) == [-13.0, -15.0, -17.0]
    assert returns["G, γ = 0.9"].iloc[0] == pytest.approx(-(1 - 0.9**13) / 0.1)
    weights = chart_titled(page, "How much a later reward counts")
    assert "γ = 0.9 halves the weight every 6.6 steps" in weights.alt


def test_stepping_through_one_more_episode_and_switching_the_pictures(page):
    q20 = q_learning(CLIFF, **(SETTINGS | {"episodes": 20})).q[0]
    episode = learning_episode(CLIFF, q20, "q_learning", seed=3, max_steps=1000)
    first = chart_titled(page, "Q-learning: the table after step 1")
    np.testing.assert_allclose(
        first.frames["cells"]["q_right"].fillna(0).to_numpy(),
        episode.table_after(1)[:, 1],
    )
    at = open_page(PAGE, SMALL)
    step_key = "ql_step_q_learning_20"
    at.button(key=f"{step_key}_forward").click().run()
    at.button(key=f"{step_key}_forward").click().run()
    assert at.slider(key=step_key).value == 3
    drawn = chart_titled(at, "Q-learning: the table after step 3")
    cells = drawn.frames["cells"]
    for name, action in (("q_up", 0), ("q_right", 1), ("q_down", 2), ("q_left", 3)):
        np.testing.assert_allclose(
            cells[name].fillna(0).to_numpy(), episode.table_after(3)[:, action]
        )
    assert list(drawn.frames["highlights"]["role"]) == list(charts.HIGHLIGHTS)
    words = text_of(at)
    assert f"**Step 3 of {episode.steps}.**" in words
    assert f"**{episode.new_values[2]:.2f}**" in words, "the new Q(s, a) of step 3"
    at.radio(key="ql_inspect_algorithm").set_value("sarsa").run()
    assert_clean(at)
    assert "Sarsa: the table after step 1" in charts_by_title(at)
    assert any(r"y = r + \gamma\, Q(s', a')" in latex.value for latex in at.latex)
    at.radio(key="ql_route").set_value("along the top").run()
    top = chart_titled(at, "Policy “along the top” and its episode")
    assert len(top.frames["path"]) == 18 and set(top.frames["path"]["row"]) == {0, 1, 2, 3}


def test_painting_and_presets_change_what_the_designer_learns(page):
    assert "reaches G in 13 steps" in designer_chart(page).alt
    at = open_page(PAGE, SMALL)
    at.segmented_control(key="ql_paint_tool").set_value("Wall")
    at.number_input(key="ql_paint_row").set_value(2)
    at.number_input(key="ql_paint_col").set_value(5)
    next(b for b in at.button if b.label == "Paint this cell").click().run()
    assert_clean(at)
    drawn = designer_chart(at)
    assert drawn.frames["cells"].set_index(["row", "col"])["kind"][(2, 5)] == "wall"
    assert "reaches G in 15 steps" in drawn.alt
    assert "Painted row 2, column 5 as wall." in text_of(at)
    assert "Your own design, started from *The book's cliff walk*" in text_of(at)
    at.number_input(key="ql_paint_row").set_value(3)
    at.number_input(key="ql_paint_col").set_value(0)
    next(b for b in at.button if b.label == "Paint this cell").click().run()
    assert "is the start: it cannot be painted" in text_of(at)
    next(b for b in at.button if b.label == "Undo all painting").click().run()
    assert "reaches G in 13 steps" in designer_chart(at).alt
    at.selectbox(key="ql_preset").set_value("A wall in the way at (2, 5)").run()
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]
    walled = CLIFF.with_cell((2, 5), "wall")
    want = q_learning(walled, gamma=1.0, **DESIGN)
    drawn = designer_chart(at)
    kinds = drawn.frames["cells"].set_index(["row", "col"])["kind"]
    assert kinds[(2, 5)] == "wall"
    path = walled.greedy_path(want.q[0], grid.DESIGN_CAP)
    assert len(path.actions) == 15 and "reaches G in 15 steps" in drawn.alt
    acting = drawn.frames["cells"]["kind"].isin(["floor", "start"]).to_numpy()
    np.testing.assert_allclose(
        drawn.frames["cells"]["value"].to_numpy()[acting], want.q[0].max(axis=1)[acting]
    )
    at.selectbox(key="ql_preset").set_value("Goal +10, no step cost (γ = 0.9)").run()
    assert at.select_slider(key="ql_gamma").value == 0.9 and at.slider(key="ql_step").value == 0
    assert "wall" not in set(designer_chart(at).frames["cells"]["kind"]), "the preset's cells"
    start = optimal_q(GridWorld.cliff(0.0, -100.0, 10.0), 0.9).q[CLIFF.start_state].max()
    assert f"**{start:.2f}** with γ = 0.9" in text_of(at)


@pytest.mark.slow
def test_the_instructive_failures_are_what_the_page_says():
    at = open_page(PAGE, SMALL)
    at.selectbox(key="ql_preset").set_value("Paid to wander (step +1)").run()
    assert_clean(at)
    assert at.slider(key="ql_step").value == 1.0
    words = text_of(at)
    assert "does not reach G" in words and "no optimal values" in words
    wander = GridWorld.cliff(step_reward=1.0)
    result = q_learning(wander, gamma=1.0, **DESIGN)
    assert f"**{result.truncated.mean():.0%}** of all episodes" in words
    at.selectbox(key="ql_preset").set_value("No step cost, no goal reward (γ = 1)").run()
    at.selectbox(key="ql_design_algorithm").set_value("Sarsa").run()
    assert_clean(at)
    idle = GridWorld.cliff(step_reward=0.0)
    result = sarsa(idle, gamma=1.0, **DESIGN)
    reaching = sum(idle.greedy_path(q, grid.DESIGN_CAP).terminated for q in result.q)
    assert f"**{reaching}** greedy paths reach the goal" in text_of(at)
    assert "4 actions at S tie for best" in text_of(at) or "3 of the 4 actions" in text_of(at)


def test_a_click_on_the_grid_names_a_cell():
    assert grid.selected_cell({"selection": {"cell": [{"row": 2, "col": 5}]}}) == (2, 5)
    for nothing in (None, {}, {"selection": {}}, {"selection": {"cell": []}}):
        assert grid.selected_cell(nothing) is None


def test_every_preset_is_a_valid_world_and_the_designer_budget_is_bounded():
    assert len(set(grid.PRESET_NAMES)) == len(grid.PRESETS)
    for preset in grid.PRESETS:
        world = preset.world()
        assert (world.rows, world.cols, world.start, world.goal) == (4, 12, (3, 0), (3, 11))
    assert grid.DESIGN_EPISODES * grid.DESIGN_CAP <= 50_000
