"""Trainings in the worker pool, the cache of finished runs, and each visitor's run history.

A training never runs in the web server: :func:`start` hands it to the process-wide
``core.workers`` pool, and the page follows it with a fragment that reruns twice a second
(:func:`training_status`), keeping the job alive and drawing its progress. A small fragment in
the sidebar (:func:`sidebar_status`) does the same from any page, so a learner may read on
while the network trains; when the learner's tab closes, both fall silent and the pool cancels
the job. Finished runs of a config are shared by every visitor (a config fixes the run, so a
repeat is the same run); the history of runs is per visitor, in ``st.session_state``.

Several pages train DQN (CartPole on the DQN page, Space Invaders on its own page). Each has a
:class:`RunBook`: its game, its page, its shipped run, the session keys of its own history,
and how its live progress is drawn. A finished run goes to the book of its config's game. A
learner has one training at a time across all of them (the pool's rule), so the job key is
shared: a training started on one page replaces one running on another, and each page says so.
The functions below take the book; without one they mean the DQN page's (CartPole).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from core.dqn import DQNConfig, TrainingProgress, TrainingResult, load_run
from core.dqn.shipped import INVADERS_RUN_PATH, SHIPPED_RUN_PATH
from core.dqn.training import RECENT_EPISODES
from core.workers import CANCELLED, DONE, FAILED, QUEUED, Job, shared_pool
from ui.charts import Figure
from ui.charts import dqn as charts
from ui.charts import invaders as invaders_charts
from ui.dqn.form import describe
from ui.drawing import draw

SHARED_RUNS = 16
"""Finished runs kept for every visitor (about 100 kB each)."""
SHARED_RUN_SECONDS = 6 * 3600
"""A shared run is forgotten after six hours unused."""
HISTORY_RUNS = 10
"""Runs kept in one visitor's history (the shipped run counts as one)."""
STATUS_SECONDS = 0.5
"""How often the page redraws a training's progress."""
SIDEBAR_SECONDS = 2.0
"""How often the sidebar checks on a training while the learner is on another page."""
LEARNER_KEY, JOB_KEY = "learner_id", "dqn_job"
"""This visitor's id in the pool, and their one training (whichever page started it)."""


@dataclass(frozen=True)
class RunRecord:
    """One entry of a visitor's run history."""

    number: int
    label: str
    result: TrainingResult


def _cartpole_live_chart(
    updates: Sequence[TrainingProgress], shipped: TrainingResult, config: DQNConfig
) -> Figure:
    frame = charts.training_frame(
        np.array([u.episode_return for u in updates]),
        np.array([u.epsilon for u in updates]),
        np.array([u.loss for u in updates]),
        np.array([u.episode_length for u in updates]),
    )
    return charts.learning_curve_chart(frame, threshold=config.solved_threshold)


def _invaders_live_chart(
    updates: Sequence[TrainingProgress], shipped: TrainingResult, config: DQNConfig
) -> Figure:
    return invaders_charts.race_chart(
        np.array([u.step for u in updates]),
        np.array([u.episode_return for u in updates]),
        shipped,
        config.max_env_steps,
    )


@dataclass(frozen=True)
class RunBook:
    """One page's trainings: its game, its page, its shipped run and its visitor's history.

    ``trained_url_key`` is kept in the page's URL: how many runs this visitor trained there, so
    a new session (after a server restart) can say why they are gone instead of silently
    showing fewer runs. ``live_chart`` draws a running training's progress reports.
    """

    environment: str
    page: str
    page_title: str
    game: str
    history_key: str
    inspect_key: str
    notice_key: str
    trained_url_key: str
    shipped_path: Path
    shipped_label: str
    live_chart: Callable[[Sequence[TrainingProgress], TrainingResult, DQNConfig], Figure]


CARTPOLE = RunBook(
    environment="cartpole",
    page="pages/dqn.py",
    page_title="the DQN page",
    game="CartPole",
    history_key="dqn_history",
    inspect_key="dqn_inspect",
    notice_key="dqn_notice",
    trained_url_key="trained",
    shipped_path=SHIPPED_RUN_PATH,
    shipped_label="Run 1: default settings (shipped)",
    live_chart=_cartpole_live_chart,
)
INVADERS = RunBook(
    environment="invaders",
    page="pages/invaders.py",
    page_title="the Space Invaders page",
    game="Space Invaders",
    history_key="invaders_history",
    inspect_key="invaders_inspect",
    notice_key="invaders_notice",
    trained_url_key="invaders_trained",
    shipped_path=INVADERS_RUN_PATH,
    shipped_label="Run 1: the shipped agent",
    live_chart=_invaders_live_chart,
)
BOOKS = {book.environment: book for book in (CARTPOLE, INVADERS)}
NOTICE_KEY = CARTPOLE.notice_key
"""Where the DQN page finds a stopped or failed training's message."""


def book_of(config: DQNConfig) -> RunBook:
    """The book a run of this config belongs to: the page of its game."""
    return BOOKS[config.environment]


def learner() -> str:
    """This visitor's id: the owner of their trainings in the shared pool."""
    return st.session_state.setdefault(LEARNER_KEY, uuid.uuid4().hex)


@st.cache_resource
def _shared_runs() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


def cached_run(config: DQNConfig) -> TrainingResult | None:
    """A finished run of exactly this config, from any visitor, if one is cached."""
    runs, lock = _shared_runs()
    now = time.monotonic()
    with lock:
        for key in [key for key, (seen, _) in runs.items() if now - seen > SHARED_RUN_SECONDS]:
            del runs[key]
        entry = runs.get(config)
        if entry is None:
            return None
        runs[config] = (now, entry[1])
        runs.move_to_end(config)
        return entry[1]


def remember_run(result: TrainingResult) -> None:
    """Share a finished run with every visitor; the oldest falls out past SHARED_RUNS."""
    runs, lock = _shared_runs()
    with lock:
        runs[result.config] = (time.monotonic(), result)
        runs.move_to_end(result.config)
        while len(runs) > SHARED_RUNS:
            runs.popitem(last=False)


@st.cache_resource
def _load_shipped(path: str) -> TrainingResult:
    return load_run(path)


def shipped_run(book: RunBook = CARTPOLE) -> TrainingResult:
    """The run that ships with the app for this page (``python -m core.dqn.shipped`` remakes
    CartPole's; ``--environment invaders`` Space Invaders')."""
    return _load_shipped(str(book.shipped_path))


def history(book: RunBook = CARTPOLE) -> list[RunRecord]:
    """This visitor's runs on this page, oldest first; it starts with the shipped run."""
    if book.history_key not in st.session_state:
        st.session_state[book.history_key] = [RunRecord(1, book.shipped_label, shipped_run(book))]
    return st.session_state[book.history_key]


def add_to_history(result: TrainingResult) -> RunRecord:
    """Add a finished run to the history of its game's page, and select it there."""
    book = book_of(result.config)
    runs = history(book)
    number = runs[-1].number + 1
    status = " (stopped)" if result.stopped else ""
    record = RunRecord(number, f"Run {number}: {describe(result.config)}{status}", result)
    runs.append(record)
    del runs[:-HISTORY_RUNS]
    st.session_state[book.inspect_key] = record.label
    return record


def trained_count(book: RunBook = CARTPOLE) -> int:
    return sum(1 for record in history(book) if record.number > 1)


def start(config: DQNConfig) -> str | None:
    """Train ``config``: at once from the shared cache, else in the pool. Returns a notice."""
    cached = cached_run(config)
    if cached is not None:
        add_to_history(cached)
        return (
            "These exact settings were trained before (by you or another visitor), so the "
            "finished run is shown at once."
        )
    job = shared_pool().submit(learner(), config, config.max_env_steps)
    st.session_state[JOB_KEY] = job.id
    return None


def active_job() -> Job | None:
    """This visitor's training, if one is queued, running or just finished uncollected."""
    job_id = st.session_state.get(JOB_KEY)
    if job_id is None:
        return None
    job = shared_pool().job(job_id)
    if job is None:
        st.session_state.pop(JOB_KEY, None)
    return job


def stop(job_id: int) -> None:
    """Button callback: stop the job this button was drawn for, and only that one."""
    shared_pool().cancel(job_id)


def collect(job: Job) -> bool:
    """Move a finished job into the history; True once the job needs no more watching."""
    if not job.settled:
        return False
    st.session_state.pop(JOB_KEY, None)
    notice_key = book_of(job.config).notice_key
    if job.state == DONE and job.result is not None:
        remember_run(job.result)
        add_to_history(job.result)
    elif job.state == CANCELLED and job.result is not None and job.result.episodes:
        add_to_history(job.result)
        st.session_state[notice_key] = (
            f"Training stopped after {job.result.episodes} episodes "
            f"({job.result.total_steps:,} steps). Its curve is kept in the run history."
        )
    elif job.state == FAILED:
        st.session_state[notice_key] = f"Training failed: {job.error}. Try again."
    return True


def _progress_line(job: Job) -> str:
    update = job.progress[-1]
    check = f" · greedy check {update.eval_mean:.0f}" if update.eval_mean is not None else ""
    return (
        f"Episode {update.episode} · step {update.step:,} of {job.budget_steps:,} · "
        f"return {update.episode_return:.0f} · mean of last {RECENT_EPISODES} "
        f"{update.recent_mean_return:.0f} · ε {update.epsilon:.2f}{check}"
    )


def _queue_line(job: Job) -> str:
    pool = shared_pool()
    position = pool.position(job)
    ahead = position - 1
    wait = pool.expected_wait(job)
    trainer = "trainer" if pool.size == 1 else f"one of {pool.size} trainers"
    return (
        f"Waiting for {trainer}: **{ahead} training{'s' if ahead != 1 else ''} ahead** of "
        f"yours, expected to start in about **{max(1, round(wait))} s**. Trainings run one "
        "after another so that every page stays fast for everyone."
    )


def _status_body(job_id: int) -> None:
    pool = shared_pool()
    job = pool.job(job_id)
    if job is None or collect(job):
        st.rerun(scope="app")
    pool.touch(job.owner)
    if job.state == QUEUED:
        st.info(_queue_line(job), icon=":material/hourglass_top:")
    elif job.progress:
        st.progress(min(1.0, job.steps_done / job.budget_steps), text=_progress_line(job))
        book = book_of(job.config)
        draw(book.live_chart(job.progress, shipped_run(book), job.config))
    else:
        st.progress(0.0, text="Starting the trainer…")
    st.button(
        "Stop training" if job.state != QUEUED else "Cancel",
        key=f"dqn_stop_{job.id}",
        on_click=stop,
        args=(job.id,),
        icon=":material/stop:",
    )


def training_status(book: RunBook = CARTPOLE) -> None:
    """The visitor's training as it goes: queue position, progress, live curve, Stop.

    A training of another page's game is only named here, with a link to watch it there.
    """
    job = active_job()
    if job is None:
        return
    other = book_of(job.config)
    if other is not book:
        st.info(
            f"Your {other.game} training is running on {other.page_title} (one training per "
            "learner at a time: training here replaces it).",
            icon=":material/info:",
        )
        st.page_link(other.page, label=f"Watch it on {other.page_title}", icon=":material/east:")
        return
    st.fragment(_status_body, run_every=STATUS_SECONDS)(job.id)


def _sidebar_body(job_id: int) -> None:
    pool = shared_pool()
    job = pool.job(job_id)
    if job is None or collect(job):
        st.rerun(scope="app")
    pool.touch(job.owner)
    book = book_of(job.config)
    if job.state == QUEUED:
        text = f"{book.game} training queued: position {pool.position(job)}"
    else:
        text = f"{book.game} training: {job.steps_done:,} of {job.budget_steps:,} steps"
    st.progress(min(1.0, job.steps_done / job.budget_steps), text=text)
    st.page_link(book.page, label=f"Watch it on {book.page_title}", icon=":material/neurology:")


def sidebar_status(current_path: str) -> None:
    """On every page but the training's own: its progress, which also keeps it alive while
    the learner reads elsewhere."""
    job = active_job()
    if job is None or current_path == book_of(job.config).page:
        return
    with st.sidebar:
        st.fragment(_sidebar_body, run_every=SIDEBAR_SECONDS)(job.id)


def restart_notice(book: RunBook = CARTPOLE) -> str | None:
    """Explain runs named in the URL that this session does not have (a server restart)."""
    claimed = st.query_params.get(book.trained_url_key)
    have = trained_count(book)
    if have:
        st.query_params[book.trained_url_key] = str(have)
        return None
    if claimed is None:
        return None
    del st.query_params[book.trained_url_key]
    return (
        "The runs trained before this link was opened are not on this server any more: the "
        "app was restarted (or the link comes from someone else's session). The shipped run "
        "is shown; train again to compare."
    )
