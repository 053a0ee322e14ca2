"""Generated checks over every page in the navigation: controls at their extremes, hostile URLs.

Exhaustive, so in the slow tier (``.ci/run`` runs it; the fast tier has a hand-picked hostile
link and control changes in tests/pages/test_strategy_pages.py). Nothing here is hand-picked:
the pages come from the page registry, the controls from what each page draws, so a new page or
control is covered as soon as it exists.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.helpers import open_page, wait_for_training
from ui import registry
from ui.controls import _matches

SMALL = {"runs": "100", "steps": "100"}
"""A testbed every page accepts (the study's choices included), so one control at its extreme
is the only large thing in a run."""

PAGES = [spec.path for spec in registry.COURSE]
DRIVEN_TYPES = ("slider", "select_slider", "number_input", "selectbox", "multiselect", "toggle")
HOSTILE_VALUES = [
    "<script>alert('x')</script>",
    "nan",
    "-inf",
    "1e308",
    "99999999999999999999999",
    "-1",
    "[1,2]",
    "x" * 5000,
    "",
]


def test_the_registry_lists_pages():
    assert "pages/home.py" in PAGES and len(PAGES) >= 5


def assert_clean(at: AppTest, context: str) -> None:
    assert not at.exception, f"{context}: {[e.message for e in at.exception]}"
    assert not at.error, f"{context}: {[e.value for e in at.error]}"


def keyed_widgets(at: AppTest, *, in_form: bool) -> dict[str, object]:
    """Every keyed control inside (or outside) a form, by key: forms apply only on submit."""
    widgets = {}
    for kind in DRIVEN_TYPES:
        for widget in at.get(kind):
            if widget.key and bool(getattr(widget, "form_id", "")) == in_form:
                widgets[widget.key] = widget
    return widgets


def driven_widgets(at: AppTest) -> dict[str, object]:
    return keyed_widgets(at, in_form=False)


def form_widgets(at: AppTest) -> dict[str, object]:
    return keyed_widgets(at, in_form=True)


def extremes(widget) -> list:
    """The values a learner can reach at the edges of a control, and every option."""
    kind = widget.type
    if kind == "slider":
        cast = int if widget.proto.data_type == widget.proto.INT else float
        return [cast(widget.proto.min), cast(widget.proto.max)]
    if kind == "number_input":
        cast = int if isinstance(widget.value, int) else float
        return [cast(widget.min), cast(widget.max)]
    if kind == "select_slider":
        options = [_parse(option) for option in widget.options]
        return [options[0], options[-1]]
    if kind == "selectbox":
        return list(range(len(widget.options)))  # indices: options may be formatted labels
    if kind == "multiselect":
        options = [_parse(option) for option in widget.options]
        limit = widget.proto.max_selections or len(options)
        return [[], options[:limit], options[-limit:]]
    if kind == "toggle":
        return [not widget.value, widget.value]
    raise AssertionError(f"unexpected control type {kind}")


def drive(widget, value) -> None:
    """Set a control to one of its :func:`extremes` (select boxes by option index)."""
    if widget.type == "selectbox":
        widget.select_index(value)
    else:
        widget.set_value(value)


def _parse(option: str):
    for cast in (int, float):
        try:
            return cast(option)
        except ValueError:
            continue
    return option


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_control_at_its_extremes(page):
    """Each control to each of its extremes in turn (then back), from a small testbed."""
    at = open_page(page, SMALL)
    assert_clean(at, f"{page} with defaults")
    done: set[str] = set()
    while True:
        pending = [key for key in driven_widgets(at) if key not in done]
        if not pending:
            break
        for key in pending:
            done.add(key)
            widget = driven_widgets(at).get(key)
            if widget is None:
                continue
            original = widget.value
            for value in extremes(widget):
                drive(driven_widgets(at)[key], value)
                at.run()
                assert_clean(at, f"{page}: {key} = {value!r}")
            if widget.type not in ("toggle", "selectbox") and key in driven_widgets(at):
                driven_widgets(at)[key].set_value(original)
                at.run()


def url_keys(at: AppTest) -> dict[str, object]:
    """Every control bound to the URL (form controls too), by key."""
    widgets = keyed_widgets(at, in_form=False) | keyed_widgets(at, in_form=True)
    return {key: widget for key, widget in widgets.items() if widget.proto.query_param_key}


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_hostile_urls_fall_back_to_defaults_and_are_reported(page):
    keys = [
        key for key in url_keys(open_page(page, reveal=False)) if not key.startswith("inspect_")
    ]
    for hostile in HOSTILE_VALUES:
        query = {key: hostile for key in keys} | {"not_a_setting": hostile}
        at = open_page(page, query=query, reveal=False)
        assert_clean(at, f"{page} with every setting = {hostile[:30]!r}")
        notes = " ".join(info.value for info in at.info if "were ignored" in info.value)
        assert "script" not in notes and "xxxxx" not in notes
        if not hostile:
            continue
        assert "unknown setting" in notes, f"{page}: no note for {hostile[:30]!r}"
        widgets = url_keys(at)
        rejected = [key for key in keys if not _matches([hostile], widgets[key].value)]
        for key in rejected:
            assert f"`{key}`" in notes, f"{page}: {key} = {hostile[:30]!r} was dropped silently"


def submit(at: AppTest, label: str) -> None:
    """Press the form's button, then rerun until the training it started has been collected."""
    next(button for button in at.get("button") if button.label == label).click().run()
    wait_for_training(at)


def pages_with_forms():
    """(page, its opened AppTest, its form controls) for every page that has a form."""
    for page in PAGES:
        at = open_page(page)
        widgets = form_widgets(at)
        if widgets:
            yield page, at, widgets


def budget_key(widgets: dict[str, object]) -> str:
    """The form's training budget (each page prefixes its own keys)."""
    return next(key for key in widgets if key.endswith("budget"))


def smallest_budget(widgets: dict[str, object]) -> int:
    return min(extremes(widgets[budget_key(widgets)]))


def inspected_run(at: AppTest) -> str:
    return next(box for box in at.selectbox if box.label == "Run to inspect").value


@pytest.mark.slow
@pytest.mark.parametrize("edge", [0, -1], ids=["minimums", "maximums"])
def test_every_form_control_at_its_extremes_trains(edge):
    """Each form page trains with every control at one edge (the budget kept smallest)."""
    for page, at, widgets in pages_with_forms():
        budget = smallest_budget(widgets)
        for key, widget in widgets.items():
            drive(widget, extremes(widget)[edge] if key != budget_key(widgets) else budget)
        submit(at, "Train")
        assert_clean(at, f"{page}: every form control at index {edge}")
        assert inspected_run(at).startswith("Run 2"), "the new run is shown"


@pytest.mark.slow
def test_every_form_option_trains():
    """Every option of every choice in a form, one at a time, with the smallest budget."""
    for page, _, widgets in pages_with_forms():
        for key, widget in widgets.items():
            if widget.type not in ("selectbox", "toggle"):
                continue
            for value in extremes(widget):
                at = open_page(page)
                form_widgets(at)[budget_key(widgets)].set_value(smallest_budget(widgets))
                drive(form_widgets(at)[key], value)
                submit(at, "Train")
                assert_clean(at, f"{page}: {key} = {value!r}")


@pytest.mark.slow
def test_the_largest_budget_trains():
    for page, at, widgets in pages_with_forms():
        drive(widgets[budget_key(widgets)], max(extremes(widgets[budget_key(widgets)])))
        submit(at, "Train")
        assert_clean(at, f"{page}: largest budget")


@pytest.mark.slow
def test_a_setting_shared_by_pages_has_one_default():
    """A URL-bound key keeps its value across page switches, so every page must agree on it.

    Otherwise a default of one page (say +4 for the mean of the true values) would follow the
    learner to a page whose default is 0, and mislabel everything drawn there.
    """
    defaults: dict[str, tuple[str, object]] = {}
    for page in PAGES:
        for key, widget in url_keys(open_page(page, SMALL)).items():
            default = defaults.setdefault(key, (page, widget.value))
            assert default[1] == widget.value, (
                f"{key!r} starts at {widget.value!r} on {page} but {default[1]!r} on {default[0]}"
            )
