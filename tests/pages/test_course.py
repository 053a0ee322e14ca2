"""The course as a learner walks it: Next from Welcome to the end, predictions that hide the
results until answered, checks that count as progress, experiments answered by running them,
and stepping through one run."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.bandit import EpsilonGreedy, Greedy, simulate
from tests.pages.helpers import (
    ENTRYPOINT,
    SKIP_PREDICTION,
    SMALL,
    TIMEOUT,
    assert_clean,
    chart_titled,
    charts_by_title,
    open_page,
    text_of,
)
from ui import course, registry

STRATEGY_PAGES = [
    "pages/naive.py",
    "pages/greedy.py",
    "pages/epsilon_greedy.py",
    "pages/decaying_epsilon.py",
    "pages/ucb.py",
    "pages/gradient.py",
    "pages/thompson.py",
]


def links(at: AppTest) -> dict[str, str]:
    """Page links at the bottom of the page, by label: 'Next: …' / 'Previous: …' -> page path."""
    return {link.proto.label: link.proto.page for link in at.get("page_link")}


def progress_text(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def test_the_registry_orders_every_page_file_once():
    paths = [spec.path for spec in registry.COURSE]
    assert len(paths) == len(set(paths))
    assert paths[0] == "pages/home.py" and paths[1] == "pages/play.py"
    assert paths.index("pages/naive.py") < paths.index("pages/greedy.py")
    assert [spec.number for spec in registry.COURSE] == list(range(1, len(paths) + 1))


def test_walking_the_whole_course_with_next_from_welcome():
    at = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT).run()
    assert_clean(at)
    visited = []
    for spec in registry.COURSE:
        assert at.title[0].value, f"{spec.path} has a title"
        visited.append(spec.path)
        found = links(at)
        previous = registry.previous_page(spec)
        if previous is not None:
            assert any(label == f"Previous: {previous.title}" for label in found)
        following = registry.next_page(spec)
        if following is None:
            assert not any(label.startswith("Next:") for label in found)
            break
        next_label = f"Next: {following.title}"
        assert next_label in found, f"{spec.path} has no {next_label!r} link: {list(found)}"
        at.switch_page(following.path).run()
        assert_clean(at)
    assert visited == [spec.path for spec in registry.COURSE]


def test_navigation_numbers_the_pages_in_course_order():
    titles = [spec.nav_title for spec in registry.COURSE]
    assert titles[0] == "1. Welcome"
    assert all(title.startswith(f"{n}. ") for n, title in enumerate(titles, start=1))


@pytest.mark.parametrize("page", STRATEGY_PAGES)
def test_results_stay_hidden_until_the_learner_predicts(page):
    at = open_page(page, SMALL, reveal=False)
    assert_clean(at)
    headers = [h.value for h in at.header]
    assert headers[0] == "Predict"
    assert "Results over many runs" not in headers
    assert not at.get("vega_lite_chart")
    prediction = at.radio[0]
    assert prediction.value is None and len(prediction.options) >= 2
    prediction.set_value(prediction.options[0]).run()
    assert_clean(at)
    assert "Results over many runs" in [h.value for h in at.header]
    feedback = [m.value for m in [*at.success, *at.warning]]
    assert len(feedback) == 1, "one verdict on the prediction"
    assert feedback[0].startswith(("**Your prediction was right", "**You predicted"))
    at.run()
    assert at.get("vega_lite_chart"), "a committed prediction is not asked again"
    assert not any(b.label == SKIP_PREDICTION for b in at.button)


def test_skipping_shows_the_answer_at_the_settings_on_screen():
    at = open_page("pages/greedy.py", SMALL | {"seed": "5"})
    verdict = at.info[0].value
    assert verdict.startswith("**The answer at these settings:")
    plain = simulate(Greedy(), steps=300, runs=100, seed=5)
    late = plain.optimal_rate[-30:].mean()
    assert f"**{late:.0%}**" in verdict


def test_the_verdict_follows_the_settings_not_a_typed_answer():
    at = open_page("pages/epsilon_greedy.py", SMALL | {"seed": "2"}, reveal=False)
    at.radio[0].set_value("ε = 0").run()
    figures = {
        e: simulate(EpsilonGreedy(epsilon=e), steps=300, runs=100, seed=2).optimal_rate[-30:].mean()
        for e in (0.0, 0.01, 0.1)
    }
    best = max(figures, key=figures.get)
    verdict = (at.success or at.warning)[0].value
    assert f"it is ε = {best:g}" in verdict or f"right: ε = {best:g}" in verdict
    for value in figures.values():
        assert f"**{value:.0%}**" in verdict


def test_checks_feed_the_progress_count():
    at = open_page("pages/naive.py", SMALL)
    total = len(registry.COURSE)
    assert progress_text(at) == f"**0 of {total} pages done**"
    questions = [radio for radio in at.radio if radio.key.startswith("check_naive_")]
    assert len(questions) == 3
    questions[0].set_value(questions[0].options[1]).run()
    assert "Not quite" in at.error[0].value
    assert progress_text(at) == f"**0 of {total} pages done**", "one answer is not the check"
    for radio in [r for r in at.radio if r.key.startswith("check_naive_")][1:]:
        radio.set_value(radio.options[0]).run()
    assert progress_text(at) == f"**1 of {total} pages done**"
    assert "You got 2 of 3 right" in text_of(at)
    at.switch_page("pages/greedy.py").run()
    assert progress_text(at) == f"**1 of {total} pages done**", "progress survives the page"
    at.switch_page("pages/naive.py").run()
    answered = [r for r in at.radio if r.key.startswith("check_naive_")]
    assert answered[0].value == answered[0].options[1], "answers survive leaving the page"


def test_every_page_has_a_check_with_a_reason_for_every_option():
    for spec in registry.COURSE:
        at = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
        for key, value in SMALL.items():
            at.query_params[key] = value
        at.switch_page(spec.path).run()
        headers = [h.value for h in at.header]
        assert "Check your understanding" in headers, f"{spec.path} has no check"
        checks = [r for r in at.radio if r.key and r.key.startswith(f"check_{spec.key}_")]
        assert 2 <= len(checks) <= 3, f"{spec.path}: {len(checks)} questions"


def test_a_question_needs_a_reason_per_option():
    with pytest.raises(ValueError, match="one reason per option"):
        course.Question("?", ("a", "b"), 0, ("only one",))


def open_experiment(at: AppTest, prompt_start: str) -> str:
    """Open the 'Try this' box whose prompt starts with ``prompt_start``; return its answer."""
    box = next(e for e in at.expander if e.label.startswith(prompt_start))
    at.session_state[box.key] = True
    at.run()
    box = next(e for e in at.expander if e.label.startswith(prompt_start))
    return " ".join(m.value for m in box.markdown)


def test_try_this_answers_are_computed_by_running_the_change():
    at = open_page("pages/epsilon_greedy.py", SMALL | {"seed": "4"})
    answer = open_experiment(at, "Set ε to 0 alone")
    zero = simulate(EpsilonGreedy(epsilon=0.0), steps=300, runs=100, seed=4)
    assert f"**{zero.optimal_rate[-30:].mean():.0%}**" in answer
    closed = next(e for e in at.expander if e.label.startswith("Add ε = 0.5"))
    assert not closed.markdown, "an unopened experiment computes nothing"


def test_an_answer_names_the_metric_it_depends_on():
    at = open_page("pages/epsilon_greedy.py", SMALL)
    answer = open_experiment(at, "Increase **Steps per run** to 5000")
    assert "average reward" in answer and "% optimal action" in answer
    assert "depends on the metric" in answer


def step_view(at: AppTest) -> tuple[int, str]:
    slider = next(s for s in at.slider if s.key and s.key.startswith("inspect_step_"))
    return slider.value, next(m.value for m in at.markdown if m.value.startswith("At step"))


def test_stepping_through_one_run_with_the_buttons():
    at = open_page("pages/greedy.py", SMALL)
    step, text = step_view(at)
    assert step == 10 and text.startswith("At step 10 ")
    at.button(key="inspect_forward").click().run()
    assert step_view(at)[0] == 11
    assert chart_titled(at, "Estimate Q(a) after step 11").frame["pulls"].sum() == 11
    for _ in range(3):
        at.button(key="inspect_back").click().run()
    assert step_view(at)[0] == 8
    at.button(key="inspect_play").click().run()
    assert at.button(key="inspect_play").label == "Pause"
    at.button(key="inspect_play").click().run()
    assert at.button(key="inspect_play").label == "Play"
    assert_clean(at)


def test_each_strategy_speaks_its_own_language_inside_one_run():
    naive = open_page("pages/naive.py", SMALL)
    assert set(naive.dataframe[-1].value["Why"]) == {"random pick"}
    gradient = open_page("pages/gradient.py", SMALL)
    first_steps = gradient.dataframe[-1].value
    assert "New Preference H(a)" in first_steps.columns
    assert set(first_steps["Why"]) <= {
        "sampled from π (the most likely arm)",
        "sampled from π (a less likely arm)",
    }
    assert "Action probabilities π(a) after step 10" in charts_by_title(gradient)
    thompson = open_page("pages/thompson.py", SMALL)
    samples = chart_titled(thompson, "Samples drawn at step 10").frame
    assert samples["won"].sum() == 1
    assert samples.loc[samples["won"], "sample"].item() == samples["sample"].max()
