"""The course around the pages: progress, a prediction before the results, an understanding
check at the end, answered "Try this" experiments, and the way on (Previous / Next).

Everything a learner commits to lives in ``st.session_state`` under plain keys (not widget
keys), so it survives moving between pages: Streamlit forgets a widget's state when a page
without that widget runs. Widgets write there through their callbacks, which run before the
rerun, so the progress count drawn at the top of the sidebar is always current.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui import registry

DONE_KEY = "course_done"
"""Page keys whose understanding check is fully answered."""
ANSWERS_KEY = "course_answers"
"""(page key, question number) -> the option index the learner chose."""
PREDICTIONS_KEY = "course_predictions"
"""Page key -> the option index predicted, or SKIPPED."""
SKIPPED = -1


class PageHalted(Exception):
    """Raised by a page that cannot go on (after saying why); the router still draws the footer.

    ``st.stop()`` would end the whole script run, including the router's Previous / Next.
    """


def _done() -> set[str]:
    return st.session_state.setdefault(DONE_KEY, set())


def _answers() -> dict[tuple[str, int], int]:
    return st.session_state.setdefault(ANSWERS_KEY, {})


def _predictions() -> dict[str, int]:
    return st.session_state.setdefault(PREDICTIONS_KEY, {})


def sidebar_progress() -> None:
    """'N of M pages done' at the top of the sidebar, under the navigation."""
    keys = {spec.key for spec in registry.COURSE}
    done = len(_done() & keys)
    with st.sidebar:
        st.progress(done / len(keys), text=f"**{done} of {len(keys)} pages done**")
        st.caption("A page is done when you have answered its check at the bottom.")


def footer(current: registry.PageSpec) -> None:
    """Previous and Next links at the end of every page, in course order."""
    st.divider()
    left, right = st.columns(2)
    previous, following = registry.previous_page(current), registry.next_page(current)
    if previous is not None:
        left.page_link(previous.path, label=f"Previous: {previous.title}", icon=":material/west:")
    if following is not None:
        with right.container(horizontal_alignment="right"):
            st.page_link(
                following.path,
                label=f"Next: {following.title}",
                icon=":material/east:",
                icon_position="right",
            )
    else:
        right.markdown("**You have reached the end of the course.**")


@dataclass(frozen=True)
class Prediction:
    """A question asked before the results are shown, with its possible answers."""

    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Guess:
    """What the learner committed to: an option index, or None when they skipped."""

    prediction: Prediction
    option: int | None
    revealed: bool

    @property
    def label(self) -> str | None:
        return None if self.option is None else self.prediction.options[self.option]


def _commit_prediction(page_key: str, widget_key: str, options: tuple[str, ...]) -> None:
    choice = st.session_state.get(widget_key)
    if choice is not None:
        _predictions()[page_key] = options.index(choice)


def _skip_prediction(page_key: str) -> None:
    _predictions()[page_key] = SKIPPED


def predict(page_key: str, prediction: Prediction) -> Guess:
    """Ask for a prediction before the results; the results stay hidden until it is made.

    A learner is asked once per page and session; skipping reveals the results at once.
    """
    stored = _predictions().get(page_key)
    st.header("Predict")
    if stored is None:
        st.markdown(
            "Before you see the results, commit to a guess: you learn more from a prediction "
            "that turns out wrong than from reading the answer."
        )
        widget_key = f"predict_{page_key}"
        st.radio(
            prediction.question,
            prediction.options,
            index=None,
            key=widget_key,
            on_change=_commit_prediction,
            args=(page_key, widget_key, prediction.options),
        )
        st.button(
            "Skip, just show me",
            key=f"skip_{page_key}",
            on_click=_skip_prediction,
            args=(page_key,),
            icon=":material/visibility:",
        )
        return Guess(prediction, None, revealed=False)
    option = None if stored == SKIPPED else stored
    if option is None:
        st.caption(f"You skipped the prediction: *{prediction.question}*")
    else:
        st.markdown(f"*{prediction.question}* You predicted: **{prediction.options[option]}**.")
    return Guess(prediction, option, revealed=True)


def prediction_feedback(guess: Guess, actual: int, explanation: str) -> None:
    """How the guess compares with the run on screen (``actual`` is the right option's index)."""
    right = guess.prediction.options[actual]
    if guess.option is None:
        st.info(
            f"**The answer at these settings: {right}.** {explanation}", icon=":material/lightbulb:"
        )
    elif guess.option == actual:
        st.success(
            f"**Your prediction was right: {right}.** {explanation}", icon=":material/check_circle:"
        )
    else:
        st.warning(
            f"**You predicted {guess.label}; at these settings it is {right}.** {explanation}",
            icon=":material/lightbulb:",
        )


@dataclass(frozen=True)
class Question:
    """A multiple-choice question with a reason for every option, right or wrong."""

    prompt: str
    options: tuple[str, ...]
    correct: int
    why: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.why) != len(self.options) or not 0 <= self.correct < len(self.options):
            raise ValueError(f"question {self.prompt!r}: one reason per option, a valid answer")


def _record_answer(page_key: str, number: int, widget_key: str, question: Question, total: int):
    choice = st.session_state.get(widget_key)
    if choice is None:
        return
    answers = _answers()
    answers[(page_key, number)] = question.options.index(choice)
    if all((page_key, i) in answers for i in range(total)):
        _done().add(page_key)


def check_understanding(page_key: str, questions: Sequence[Question]) -> None:
    """Two or three questions; answering all of them marks the page done."""
    st.header("Check your understanding")
    answers = _answers()
    right = 0
    for number, question in enumerate(questions):
        widget_key = f"check_{page_key}_{number}"
        chosen = answers.get((page_key, number))
        choice = st.radio(
            f"**{number + 1}.** {question.prompt}",
            question.options,
            index=chosen,
            key=widget_key,
            on_change=_record_answer,
            args=(page_key, number, widget_key, question, len(questions)),
        )
        if choice is None:
            continue
        index = question.options.index(choice)
        if index == question.correct:
            right += 1
            st.success(f"**Right.** {question.why[index]}", icon=":material/check_circle:")
        else:
            st.error(f"**Not quite.** {question.why[index]}", icon=":material/cancel:")
    if page_key in _done():
        st.caption(
            f"You got {right} of {len(questions)} right. This page counts as done; change an "
            "answer any time."
        )


@dataclass(frozen=True)
class TryThis:
    """An experiment to run with the controls, and its answer computed by running it."""

    prompt: str
    answer: Callable[[], str]


def try_this(page_key: str, experiments: Sequence[TryThis]) -> None:
    """Each experiment in a closed box; opening it runs the change and shows what happens.

    The answer is computed only when its box is open (Streamlit's lazy expanders), so the
    experiments cost nothing until a learner asks.
    """
    st.subheader("Try this")
    st.caption("Try each one with the controls first, then open it to see the answer.")
    for number, experiment in enumerate(experiments):
        box = st.expander(experiment.prompt, key=f"try_{page_key}_{number}", on_change="rerun")
        with box:
            if box.open:
                with st.spinner("Running it…"):
                    st.markdown(experiment.answer())
