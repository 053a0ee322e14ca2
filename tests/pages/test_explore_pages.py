"""The comparison lab, the parameter study and the "be the agent" game, as a learner uses them."""

import pandas as pd
import pytest

from core.bandit import EpsilonGreedy, simulate
from core.game import BanditGame
from tests.pages.helpers import assert_clean, chart_titled, open_page
from ui import lab


def strategies_drawn(at) -> set[str]:
    return set(chart_titled(at, "% optimal action").frames["curves"]["strategy"])


def test_lab_starts_with_figure_2_2():
    at = open_page("pages/lab.py")
    assert_clean(at)
    assert strategies_drawn(at) == {"ε-greedy (ε = 0)", "ε-greedy (ε = 0.01)", "ε-greedy (ε = 0.1)"}
    assert any("Figure 2.2" in info.value for info in at.info)
    assert at.get("download_button")


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        (
            "Figure 2.3: optimistic initial values",
            {"Greedy (Q₁ = 5, α = 0.1)", "ε-greedy (ε = 0.1, α = 0.1)"},
        ),
        ("Figure 2.4: UCB", {"UCB (c = 2)", "ε-greedy (ε = 0.1)"}),
    ],
)
def test_lab_presets_reproduce_the_figures(preset, expected):
    at = open_page("pages/lab.py", {"runs": "100"})
    at.selectbox(key="preset").set_value(preset).run()
    assert_clean(at)
    assert strategies_drawn(at) == expected


def test_figure_2_5_preset_shifts_the_true_values():
    at = open_page("pages/lab.py", {"runs": "100"})
    at.selectbox(key="preset").set_value("Figure 2.5: gradient bandit").run()
    assert_clean(at)
    assert at.slider(key="q_mean").value == 4.0
    assert len(strategies_drawn(at)) == 4
    reward = chart_titled(at, "Average reward").frames["curves"]
    assert reward["value"].iloc[-50:].mean() > 4.5


def test_exercise_2_5_preset_starts_equal_and_draws_the_best_possible_as_a_curve():
    at = open_page("pages/lab.py", {"runs": "100"})
    at.selectbox(key="preset").set_value("Exercise 2.5: a drifting world").run()
    assert_clean(at)
    assert at.toggle(key="drift").value and at.toggle(key="start_equal").value
    drawn = chart_titled(at, "Average reward")
    best = drawn.frames["best"]
    assert best["value"].iloc[0] == 0.0 < best["value"].iloc[-1], "all q* start equal at 0"
    assert "best possible (mean of max q*)" not in set(drawn.frames["references"]["reference"])


def test_nonstationary_switch_draws_the_best_possible_as_a_curve():
    at = open_page("pages/lab.py", query={"runs": "200"})
    assert "best" not in chart_titled(at, "Average reward").frames
    at.toggle(key="drift").set_value(True).run()
    assert_clean(at)
    assert len(chart_titled(at, "Average reward").frames["best"]) > 100
    assert "drift" in " ".join(m.value for m in at.markdown)


def test_lab_table_rows_become_strategies_and_bad_rows_are_reported():
    table = lab.preset_table("All methods")
    strategies, problems = lab.strategies_from_table(table)
    assert len(strategies) == 7 and not problems
    broken = pd.concat(
        [table, pd.DataFrame([{"Method": "ε-greedy", "ε": 3.0}, {"Method": None}])],
        ignore_index=True,
    )
    strategies, problems = lab.strategies_from_table(broken)
    assert len(strategies) == 7
    assert problems == ["Row 8 (ε-greedy): epsilon must be a number in [0, 1], got 3.0"]


def test_lab_rows_show_blanks_or_the_value_they_will_run_with():
    table = lab.preset_table("All methods").set_index("Method")
    assert pd.isna(table.loc["ε-greedy", "c"]) and pd.isna(table.loc["Naive", "ε"])
    assert table.loc["UCB", "c"] == 2.0 and table.loc["Thompson", "σ₀"] == 1.0
    assert pd.isna(table.loc["Greedy", "α"]), "an empty α means sample averages"
    added = lab.apply_edits(
        lab.preset_table("Figure 2.4: UCB"), {"added_rows": [{"Method": "UCB"}]}
    )
    assert added["c"].tolist()[-1] == 2.0, "a new UCB row shows the c it will run"
    assert pd.isna(added["Baseline"].tolist()[-1])


def test_lab_csv_holds_every_curve():
    results = [simulate(EpsilonGreedy(epsilon=e), steps=50, runs=20) for e in (0.0, 0.1)]
    frame = pd.read_csv(pd.io.common.StringIO(lab.curves_csv(results)))
    assert len(frame) == 100
    assert set(frame.columns) >= {"strategy", "step", "average_reward", "optimal_action_rate"}


def test_study_page_draws_figure_2_6_for_every_setting():
    at = open_page("pages/study.py", query={"runs": "100", "steps": "200"})
    assert_clean(at)
    points = chart_titled(at, "Parameter study (Figure 2.6)").frame
    assert len(points) == 25
    assert set(points["parameter"]) == {"ε", "α", "c", "Q₁"}
    study_bars = [p for p in at.get("progress") if "settings done" in p.proto.text]
    assert not study_bars, "the study's progress bar is removed when the study is done"


def test_study_page_follows_its_controls():
    at = open_page("pages/study.py", query={"runs": "100", "steps": "100"})
    short = chart_titled(at, "Parameter study (Figure 2.6)").frame
    at.select_slider(key="steps").set_value(500).run()
    longer = chart_titled(at, "Parameter study (Figure 2.6)").frame
    assert short["average_reward"].mean() < longer["average_reward"].mean()


def arm_buttons(at):
    return [at.button(key=f"arm_{arm}") for arm in range(10)]


def test_playing_a_game_to_the_reveal():
    at = open_page("pages/play.py", query={"game": "42", "pulls": "10"})
    assert at.subheader[0].value == "Pull an arm", "on a phone, the arms come before the scores"
    assert_clean(at)
    assert at.metric[0].value == "10"
    for pull in range(10):
        arm_buttons(at)[pull % 3].click().run()
        assert_clean(at)
    assert at.metric[0].value == "0"
    assert all(button.disabled for button in arm_buttons(at))
    assert at.header[0].value == "The reveal"
    expected = BanditGame(seed=42, pulls=10)
    for pull in range(10):
        expected.pull(pull % 3)
    assert f"{expected.total:.2f}" in at.success[0].value
    race = chart_titled(at, "The race").frames["race"]
    assert set(race["who"]) == {"You", "Greedy", "ε-greedy (ε = 0.1)", "UCB (c = 2)"}
    assert race[race["who"] == "You"]["total"].iloc[-1] == pytest.approx(expected.total)


def test_game_state_survives_reruns_and_restarts_on_request():
    at = open_page("pages/play.py", query={"game": "7", "pulls": "10"})
    arm_buttons(at)[4].click().run()
    at.run()
    assert at.metric[0].value == "9"
    at.button(key="replay").click().run()
    assert at.metric[0].value == "10"
    at.button(key="new_game").click().run()
    assert_clean(at)
    assert at.number_input(key="game").value != 7
    assert at.metric[0].value == "10"


def test_the_same_game_number_replays_the_same_bandit():
    rewards = []
    for _ in range(2):
        at = open_page("pages/play.py", query={"game": "123"})
        arm_buttons(at)[0].click().run()
        rewards.append(at.metric[2].value)
    assert rewards[0] == rewards[1]


def test_changing_the_length_mid_game_asks_first():
    at = open_page("pages/play.py", query={"game": "5", "pulls": "10"})
    arm_buttons(at)[2].click().run()
    at.select_slider(key="pulls").set_value(20).run()
    assert_clean(at)
    assert at.metric[0].value == "9", "the game in progress is kept until the learner decides"
    keep = next(b for b in at.button if b.label.startswith("Keep my 10-pull game"))
    keep.click().run()
    assert at.select_slider(key="pulls").value == 10 and at.metric[0].value == "9"
    at.select_slider(key="pulls").set_value(20).run()
    start = next(b for b in at.button if b.label.startswith("Start a 20-pull game"))
    start.click().run()
    assert at.metric[0].value == "20"
