"""The UCB, gradient bandit and Thompson sampling pages, read through their chart data."""

import pytest

from tests.pages.helpers import chart_titled, charts_by_title, open_page
from tests.pages.test_bandit_pages import assert_clean


def late_by_strategy(frame):
    return frame[frame["step"] > 900].groupby("strategy")["value"].mean()


def test_ucb_page_reproduces_figure_2_4_and_follows_c():
    at = open_page("pages/ucb.py")
    assert_clean(at)
    reward = chart_titled(at, "Average reward").frame
    late = late_by_strategy(reward)
    assert late["UCB (c = 2)"] > late["ε-greedy (ε = 0.1)"] + 0.08
    assert any(t.startswith("Upper confidence bounds after step") for t in charts_by_title(at))

    at.slider(key="c").set_value(0.5).run()
    assert_clean(at)
    assert "UCB (c = 0.5)" in set(chart_titled(at, "Average reward").frame["strategy"])


def test_ucb_upper_bounds_follow_the_inspected_step():
    at = open_page("pages/ucb.py")
    at.slider(key="inspect_step_1000").set_value(50).run()
    bounds = chart_titled(at, "Upper confidence bounds after step 50").frame
    assert (bounds["upper_bound"] > bounds["q_estimate"]).all()
    assert bounds["pulls"].sum() == 50


def test_gradient_page_reproduces_figure_2_5_and_follows_the_shift():
    at = open_page("pages/gradient.py")
    assert_clean(at)
    late = late_by_strategy(chart_titled(at, "% optimal action").frame)
    with_baseline = late["Gradient (α = 0.1, with baseline)"]
    without = late["Gradient (α = 0.1, no baseline)"]
    assert with_baseline > without + 0.25
    probabilities = chart_titled(at, "Action probabilities after step 10").frame
    assert probabilities["probability"].sum() == pytest.approx(1.0)

    at.slider(key="gradient_q_mean").set_value(0.0).run()
    assert_clean(at)
    reward = chart_titled(at, "Average reward").frame
    assert reward["value"].mean() < 2.0
    late_zero = late_by_strategy(chart_titled(at, "% optimal action").frame)
    assert late_zero["Gradient (α = 0.1, no baseline)"] > without + 0.1


def test_thompson_page_shows_beliefs_narrowing():
    at = open_page("pages/thompson.py")
    assert_clean(at)
    titles = charts_by_title(at)
    assert "Beliefs narrowing, run 1" in titles
    widths = titles["Beliefs narrowing, run 1"].frame
    by_arm = widths.sort_values("step").groupby("arm")["sd"]
    assert (by_arm.last() <= by_arm.first()).all()
    assert (by_arm.last() < by_arm.first()).any()
    at.slider(key="inspect_step_1000").set_value(500).run()
    beliefs = chart_titled(at, "Beliefs after step 500").frame
    assert beliefs.groupby("arm")["sd"].first().min() < 0.1


def test_thompson_prior_changes_the_results():
    at = open_page("pages/thompson.py")
    before = chart_titled(at, "% optimal action").frame
    at.slider(key="prior_sd").set_value(0.1).run()
    assert_clean(at)
    after = chart_titled(at, "% optimal action").frame
    label = "Thompson sampling (prior N(0, 0.1²))"
    assert label in set(after["strategy"])
    assert late_by_strategy(after)[label] < late_by_strategy(before)["Thompson sampling"]
