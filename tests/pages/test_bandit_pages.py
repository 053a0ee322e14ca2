"""Every bandit page run through the entrypoint, the way a learner uses it.

Charts are checked by their data (the Vega-Lite datasets Streamlit sends to the browser), so a
control that stops changing what is drawn fails here.
"""

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.helpers import ENTRYPOINT, chart_titled, charts_by_title, open_page

STRATEGY_PAGES = [
    "pages/naive.py",
    "pages/greedy.py",
    "pages/epsilon_greedy.py",
    "pages/decaying_epsilon.py",
]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_home_explains_the_loop_and_links_every_page():
    at = open_page("pages/home.py")
    assert_clean(at)
    assert at.title[0].value == "Exploration vs exploitation"
    text = " ".join(m.value for m in at.markdown)
    for idea in ("agent", "environment", "state", "action", "reward", "total reward"):
        assert idea in text
    linked = {link.proto.label.strip("*") for link in at.get("page_link")}
    router = Path(ENTRYPOINT).read_text()
    titles = set(re.findall(r'st.Page\([^)]*title="([^"]+)"', router)) - {"Welcome"}
    assert len(titles) >= 11
    assert linked == titles, "the home page links every page in the navigation"


@pytest.mark.parametrize("page", STRATEGY_PAGES)
def test_strategy_page_follows_the_anatomy(page):
    at = open_page(page)
    assert_clean(at)
    assert at.get("latex"), "the rule as a formula"
    headers = [h.value for h in at.header]
    assert headers[:3] == ["Results over many runs", "Inside one run", "Takeaways"]
    titles = set(charts_by_title(at))
    assert {"Average reward", "% optimal action", "Pulls per arm, best arm first"} <= titles
    assert any(title.startswith("Estimates after step") for title in titles)
    assert any(title.startswith("Pulls per arm after step") for title in titles)
    reward = chart_titled(at, "Average reward")
    assert set(reward.frame.columns) >= {"strategy", "step", "value"}
    assert reward.frame["step"].max() == 1000
    assert "tooltip" in json.dumps(reward.spec)


def test_reward_chart_draws_best_possible_and_random_references():
    at = open_page("pages/naive.py")
    references = chart_titled(at, "Average reward").frames_with("reference")
    assert len(references) == 1
    values = dict(zip(references[0]["reference"], references[0]["value"], strict=True))
    assert 1.50 < values["best possible (mean of max q*)"] < 1.58
    assert abs(values["random play (mean of q*)"]) < 0.05
    naive = chart_titled(at, "Average reward").frame
    assert abs(naive["value"].mean()) < 0.05


def test_naive_page_finds_best_arm_one_time_in_k_and_follows_arms():
    at = open_page("pages/naive.py")
    optimal = chart_titled(at, "% optimal action").frame
    assert optimal["value"].mean() == pytest.approx(0.1, abs=0.01)
    at.slider(key="arms").set_value(5).run()
    assert_clean(at)
    optimal = chart_titled(at, "% optimal action").frame
    assert optimal["value"].mean() == pytest.approx(0.2, abs=0.015)
    shares = chart_titled(at, "Pulls per arm, best arm first").frame
    assert sorted(shares["rank"]) == [1, 2, 3, 4, 5]


def test_steps_and_runs_controls_change_the_curves():
    at = open_page("pages/naive.py")
    at.slider(key="steps").set_value(300).run()
    at.select_slider(key="runs").set_value(200).run()
    assert_clean(at)
    reward = chart_titled(at, "Average reward").frame
    assert reward["step"].max() == 300
    assert "200 runs" in " ".join(m.value for m in at.markdown)


def test_seed_changes_the_problems():
    at = open_page("pages/greedy.py")
    before = chart_titled(at, "Average reward").frame["value"].to_numpy()
    at.number_input(key="seed").set_value(7).run()
    after = chart_titled(at, "Average reward").frame["value"].to_numpy()
    assert not (before == after).all()


def test_greedy_page_reports_stuck_runs_and_offers_optimistic_starts():
    at = open_page("pages/greedy.py")
    metrics = {m.label: m.value for m in at.metric}
    stuck = int(metrics["Runs stuck on a worse arm"].rstrip("%"))
    assert 55 <= stuck <= 70
    assert len(chart_titled(at, "Average reward").frame["strategy"].unique()) == 1

    at.slider(key="initial").set_value(5.0).run()
    at.toggle(key="constant_alpha").set_value(True).run()
    assert_clean(at)
    strategies = set(chart_titled(at, "% optimal action").frame["strategy"])
    assert strategies == {"Greedy", "Greedy (Q₁ = 5, α = 0.1)"}
    optimistic = {m.label: m.value for m in at.metric}
    assert int(optimistic["Runs stuck on a worse arm"].rstrip("%")) < stuck - 20


def test_epsilon_page_overlays_figure_2_2_and_follows_the_selection():
    at = open_page("pages/epsilon_greedy.py")
    optimal = chart_titled(at, "% optimal action").frame
    assert set(optimal["strategy"]) == {
        "ε-greedy (ε = 0)",
        "ε-greedy (ε = 0.01)",
        "ε-greedy (ε = 0.1)",
    }
    last = optimal[optimal["step"] > 900].groupby("strategy")["value"].mean()
    assert 0.76 < last["ε-greedy (ε = 0.1)"] < 0.85
    assert 0.30 < last["ε-greedy (ε = 0)"] < 0.42

    at.multiselect(key="epsilons").set_value([0.5]).run()
    assert_clean(at)
    optimal = chart_titled(at, "% optimal action").frame
    assert set(optimal["strategy"]) == {"ε-greedy (ε = 0.5)"}

    at.multiselect(key="epsilons").set_value([]).run()
    assert not at.exception
    assert at.warning and "at least one value" in at.warning[0].value


def test_decaying_page_plots_the_schedule_and_compares_with_fixed_epsilon():
    at = open_page("pages/decaying_epsilon.py")
    schedule = chart_titled(at, "Exploration schedule").frame
    decaying = schedule[schedule["strategy"].str.startswith("Decaying")]
    fixed = schedule[schedule["strategy"].str.startswith("ε-greedy")]
    assert decaying["value"].iloc[0] == pytest.approx(1.0)
    assert decaying.set_index("step")["value"][101] == pytest.approx(0.01 + 0.99 / 2)
    assert (fixed["value"] == 0.1).all()

    at.selectbox(key="schedule").set_value("linear").run()
    assert_clean(at)
    at.slider(key="decay_steps").set_value(200).run()
    schedule = chart_titled(at, "Exploration schedule").frame
    decaying = schedule[schedule["strategy"].str.startswith("Decaying")].set_index("step")
    assert decaying["value"][101] == pytest.approx(0.01 + 0.99 * 0.5)
    assert decaying["value"][201] == pytest.approx(0.01)


def test_inside_one_run_follows_the_step_slider():
    at = open_page("pages/greedy.py")
    assert chart_titled(at, "Estimates after step 10").frame["pulls"].sum() == 10
    at.slider(key="inspect_step_1000").set_value(250).run()
    assert_clean(at)
    state = chart_titled(at, "Estimates after step 250").frame
    assert state["pulls"].sum() == 250
    assert state["pulled_now"].sum() == 1
    assert "At step 250 the agent pulled" in " ".join(m.value for m in at.markdown)
    first_steps = at.dataframe[-1].value
    assert list(first_steps["Step"]) == list(range(1, 16))


def test_inside_one_run_can_inspect_each_strategy():
    at = open_page("pages/epsilon_greedy.py")
    at.selectbox(key="inspect_which").set_value("ε-greedy (ε = 0)").run()
    assert_clean(at)
    first_steps = at.dataframe[-1].value
    assert set(first_steps["Why"]) == {"exploit"}


def test_settings_come_from_the_url():
    at = open_page("pages/epsilon_greedy.py", query={"arms": "5", "epsilons": ["0.2", "0.5"]})
    assert_clean(at)
    assert not at.info
    optimal = chart_titled(at, "% optimal action").frame
    assert set(optimal["strategy"]) == {"ε-greedy (ε = 0.2)", "ε-greedy (ε = 0.5)"}
    assert sorted(chart_titled(at, "Pulls per arm, best arm first").frame["rank"].unique()) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_nonsense_in_the_url_falls_back_to_defaults_with_a_note():
    hostile = "<script>alert(1)</script>"
    at = open_page(
        "pages/naive.py",
        query={"arms": "lots", "steps": "nan", "runs": "1e99", "seed": hostile, "bogus": hostile},
    )
    assert_clean(at)
    assert at.slider(key="arms").value == 10
    assert at.slider(key="steps").value == 1000
    note = at.info[0].value
    for key in ("`arms`", "`steps`", "`runs`", "`seed`", "1 unknown setting"):
        assert key in note
    assert "script" not in note
    assert chart_titled(at, "Average reward").frame["step"].max() == 1000


def test_a_rejected_parameter_becomes_a_readable_message():
    def page():
        from core.bandit import EpsilonGreedy
        from ui import sections

        sections.run_all(lambda: [EpsilonGreedy(epsilon=2.0)])
        import streamlit as st

        st.write("not reached")

    at = AppTest.from_function(page, default_timeout=30).run()
    assert not at.exception
    assert "epsilon must be a number in [0, 1]" in at.error[0].value
    assert not any(m.value == "not reached" for m in at.markdown)
