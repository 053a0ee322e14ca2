"""Every strategy page draws what ``core`` returns for the settings on screen.

Pages run on a small testbed (the book's figures are checked at full size in tests/core); each
test compares what the page sends to the browser with a direct ``core.bandit.simulate`` call.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.bandit import (
    UCB,
    DecayingEpsilon,
    EpsilonGreedy,
    GradientBandit,
    Greedy,
    Naive,
    ThompsonSampling,
    simulate,
)
from tests.pages.helpers import (
    SMALL,
    assert_clean,
    chart_titled,
    charts_by_title,
    open_page,
    text_of,
)
from ui.charts.curves import curve_frame

STEPS, RUNS = int(SMALL["steps"]), int(SMALL["runs"])
PAGES = {
    "pages/naive.py": [Naive()],
    "pages/greedy.py": [Greedy()],
    "pages/epsilon_greedy.py": [EpsilonGreedy(epsilon=e) for e in (0.0, 0.01, 0.1)],
    "pages/decaying_epsilon.py": [EpsilonGreedy(epsilon=0.1), DecayingEpsilon()],
    "pages/ucb.py": [EpsilonGreedy(epsilon=0.1), UCB(c=2.0)],
    "pages/gradient.py": [GradientBandit(baseline=True), GradientBandit(baseline=False)],
    "pages/thompson.py": [EpsilonGreedy(epsilon=0.1), UCB(c=2.0), ThompsonSampling()],
}
Q_MEANS = {"pages/gradient.py": 4.0}


def expected(page: str, seed: int = 3):
    return [
        simulate(s, steps=STEPS, runs=RUNS, seed=seed, q_mean=Q_MEANS.get(page, 0.0))
        for s in PAGES[page]
    ]


@pytest.mark.parametrize("page", list(PAGES))
def test_page_follows_the_anatomy_and_draws_what_core_returns(page):
    at = open_page(page, SMALL | {"seed": "3"})
    assert_clean(at)
    assert at.get("latex"), "the rule as a formula"
    headers = [h.value for h in at.header]
    assert headers == [
        "Predict",
        "Results over many runs",
        "Inside one run",
        "Takeaways",
        "Check your understanding",
    ]
    results = expected(page)
    for metric, title in (("mean_reward", "Average reward"), ("optimal_rate", "% optimal action")):
        drawn = chart_titled(at, title)
        want = curve_frame(results, metric)
        got = drawn.frames["curves"]
        assert list(got["strategy"].astype(str)) == list(want["strategy"].astype(str))
        np.testing.assert_allclose(got["value"], want["value"])
        np.testing.assert_array_equal(got["step"], want["step"])
        assert drawn.alt.startswith("Line chart of") and f"{STEPS:,} steps" in drawn.alt
    summary = at.table[0].value
    assert summary.index.name == "Strategy"
    assert summary.columns[0] == "Total reward per run", "the stated goal comes first"
    totals = {r.strategy.label: r.mean_reward.sum() for r in results}
    for label, total in zip(summary.index, summary["Total reward per run"], strict=True):
        assert total == f"{totals[label]:,.0f}"
    assert f"**{RUNS:,} runs**" in text_of(at)


def test_reference_lines_come_from_the_run():
    at = open_page("pages/naive.py", SMALL | {"seed": "3"})
    result = expected("pages/naive.py")[0]
    references = chart_titled(at, "Average reward").frames["references"]
    values = dict(zip(references["reference"], references["value"], strict=True))
    assert values["best possible (mean of max q*)"] == pytest.approx(result.best_possible)
    assert values["random play (mean of q*)"] == pytest.approx(result.q_true.mean())
    assert f"**{result.best_possible:.2f}**" in text_of(at)


def test_curves_are_light_enough_to_send():
    at = open_page("pages/epsilon_greedy.py", {"steps": "5000", "runs": "100"})
    curves = chart_titled(at, "Average reward").frames["curves"]
    assert curves.groupby("strategy", observed=True).size().max() <= 300
    assert curves["step"].max() == 5000
    early = curves[curves["strategy"] == curves["strategy"].iloc[0]]["step"].to_numpy()[:100]
    assert list(early) == list(range(1, 101)), "the first 100 steps are drawn one by one"


def test_controls_change_what_is_drawn():
    at = open_page("pages/naive.py", SMALL)
    before = chart_titled(at, "Average reward").frames["curves"]["value"].to_numpy()
    at.number_input(key="seed").set_value(7).run()
    after = chart_titled(at, "Average reward").frames["curves"]["value"].to_numpy()
    assert not np.array_equal(before, after)
    at.slider(key="arms").set_value(5).run()
    assert_clean(at)
    ranks = chart_titled(at, "Pulls per arm, best arm first").frames["shares"]["rank"]
    assert sorted(ranks.unique()) == [1, 2, 3, 4, 5]


def test_epsilon_page_follows_the_selection_and_keeps_colours():
    at = open_page("pages/epsilon_greedy.py", SMALL)
    at.multiselect(key="epsilons").set_value([0.1, 0.5]).run()
    assert_clean(at)
    drawn = chart_titled(at, "% optimal action")
    assert set(drawn.frames["curves"]["strategy"]) == {"ε-greedy (ε = 0.1)", "ε-greedy (ε = 0.5)"}
    colours = drawn.spec["layer"][0]["layer"][0]["encoding"]["color"]["scale"]
    first = dict(zip(colours["domain"], colours["range"], strict=True))["ε-greedy (ε = 0.1)"]
    at.multiselect(key="epsilons").set_value([0.01, 0.1, 0.5]).run()
    colours = chart_titled(at, "% optimal action").spec["layer"][0]["layer"][0]["encoding"]
    scale = colours["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["ε-greedy (ε = 0.1)"] == first
    at.multiselect(key="epsilons").set_value([]).run()
    assert not at.exception
    assert "at least one value" in at.warning[0].value


def test_decaying_page_plots_the_schedule():
    at = open_page("pages/decaying_epsilon.py", SMALL)
    schedule = chart_titled(at, "Exploration schedule").frames["curves"]
    decaying = schedule[schedule["strategy"].astype(str).str.startswith("Decaying")]
    fixed = schedule[schedule["strategy"].astype(str).str.startswith("ε-greedy")]
    assert decaying["value"].iloc[0] == pytest.approx(1.0)
    assert decaying.set_index("step")["value"][101] == pytest.approx(0.01 + 0.99 / 2)
    assert (fixed["value"] == 0.1).all()
    at.selectbox(key="schedule").set_value("linear").run()
    at.slider(key="decay_steps").set_value(200).run()
    assert_clean(at)
    schedule = chart_titled(at, "Exploration schedule").frames["curves"]
    decaying = schedule[schedule["strategy"].astype(str).str.startswith("Decaying")]
    assert decaying.set_index("step")["value"][201] == pytest.approx(0.01)


def test_greedy_page_metrics_come_from_the_run():
    at = open_page("pages/greedy.py", SMALL | {"seed": "3"})
    result = expected("pages/greedy.py")[0]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Runs stuck on a worse arm"] == f"{1 - result.best_arm_found_rate:.0%}"
    assert metrics["Runs that never tried the best arm"] == f"{result.never_tried_best_rate:.0%}"
    at.slider(key="initial").set_value(5.0).run()
    at.toggle(key="constant_alpha").set_value(True).run()
    assert_clean(at)
    drawn = set(chart_titled(at, "% optimal action").frames["curves"]["strategy"])
    assert drawn == {"Greedy", "Greedy (Q₁ = 5, α = 0.1)"}


def test_regret_chart_can_use_a_log_step_axis():
    at = open_page("pages/ucb.py", SMALL)
    linear = chart_titled(at, "Cumulative regret")
    assert "scale" not in linear.spec["layer"][0]["encoding"]["x"]
    at.toggle(key="results_regret_log").set_value(True).run()
    logarithmic = chart_titled(at, "Cumulative regret")
    assert logarithmic.spec["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
    assert "Regret added per step over the last 10%" in text_of(at)


def test_ucb_bonus_comes_from_core_and_follows_the_step():
    at = open_page("pages/ucb.py", SMALL | {"seed": "3"})
    slider = next(s for s in at.slider if s.key == f"inspect_step_{STEPS}")
    slider.set_value(50).run()
    bounds = chart_titled(at, "Upper confidence bounds after step 50").frames["arms"]
    trace = expected("pages/ucb.py")[1].trace
    np.testing.assert_allclose(bounds["bonus"], trace.details["bonus"][49][bounds["arm"] - 1])
    assert (bounds["upper_bound"] > bounds["q_estimate"]).all()
    assert bounds["pulls"].sum() == 50


def test_gradient_page_follows_the_shift():
    at = open_page("pages/gradient.py", SMALL)
    probabilities = chart_titled(at, "Action probabilities π(a) after step 10").frames["arms"]
    assert probabilities["probability"].sum() == pytest.approx(1.0)
    estimates = chart_titled(at, "Preference H(a) after step 10")
    assert "true value" not in " ".join(estimates.spec["title"]["subtitle"]), (
        "preferences are not on the scale of q*, so no true-value ticks"
    )
    at.slider(key="gradient_q_mean").set_value(0.0).run()
    assert_clean(at)
    reward = chart_titled(at, "Average reward").frames["curves"]
    assert reward["value"].mean() < 2.0


def test_thompson_page_shows_beliefs_and_samples():
    at = open_page("pages/thompson.py", SMALL)
    titles = charts_by_title(at)
    assert {"Beliefs narrowing, run 1", "Beliefs after step 10", "Samples drawn at step 10"} <= set(
        titles
    )
    widths = titles["Beliefs narrowing, run 1"].frames["widths"]
    by_arm = widths.sort_values("step").groupby("arm")["sd"]
    assert (by_arm.last() <= by_arm.first()).all()


def test_settings_come_from_the_url():
    at = open_page("pages/epsilon_greedy.py", SMALL | {"arms": "5", "epsilons": ["0.2", "0.5"]})
    assert_clean(at)
    drawn = set(chart_titled(at, "% optimal action").frames["curves"]["strategy"])
    assert drawn == {"ε-greedy (ε = 0.2)", "ε-greedy (ε = 0.5)"}


def test_nonsense_in_the_url_falls_back_to_defaults_with_a_note():
    hostile = "<script>alert(1)</script>"
    at = open_page(
        "pages/naive.py",
        {"arms": "lots", "steps": "nan", "runs": "1e99", "seed": hostile, "bogus": hostile},
        reveal=False,
    )
    assert_clean(at)
    assert at.slider(key="arms").value == 10
    note = next(info.value for info in at.info if "were ignored" in info.value)
    for key in ("`arms`", "`steps`", "`runs`", "`seed`", "1 unknown setting"):
        assert key in note
    assert "script" not in note


def test_a_rejected_parameter_becomes_a_readable_message():
    def page():
        from core.bandit import EpsilonGreedy
        from ui import course, sections

        try:
            sections.run_all(lambda: [EpsilonGreedy(epsilon=2.0)])
        except course.PageHalted:
            import streamlit as st

            st.caption("halted")

    at = AppTest.from_function(page, default_timeout=30).run()
    assert not at.exception
    assert "epsilon must be a number in [0, 1]" in at.error[0].value
    assert at.caption[0].value == "halted"


@pytest.mark.parametrize("page", [*PAGES, "pages/lab.py"])
def test_every_strategy_page_shows_its_code_and_offers_a_notebook(page):
    at = open_page(page, SMALL)
    assert [d.proto.label for d in at.get("download_button")][-1:] == ["Download as notebook"] or (
        "Download as notebook" in [d.proto.label for d in at.get("download_button")]
    )
    box = next(e for e in at.expander if e.label == "Show me the code")
    assert not box.code, "the code is built only when the box is opened"
    at.session_state[box.key] = True
    at.run()
    box = next(e for e in at.expander if e.label == "Show me the code")
    listings = [code.value for code in box.code]
    from core.reference import reference_function

    for strategy in PAGES.get(page, []):
        assert any(f"def {reference_function(strategy).__name__}(" in text for text in listings)
    assert any("run_experiment(" in text and "runs=100" in text for text in listings)
