"""Trainings in the worker pool, the cache of finished runs, and each visitor's run history.

A training never runs in the web server: :func:`start` hands it to the process-wide
``core.workers`` pool, and the page follows it with a fragment that reruns twice a second
(:func:`training_status`), keeping the job alive and drawing its progress. A small fragment in
the sidebar (:func:`sidebar_status`) does the same from any page, so a learner may read on
while the network trains; when the learner's tab closes, both fall silent and the pool cancels
the job. Finished runs of a config are shared by every visitor (a config fixes the run, so a
repeat is the same run); the history of runs is per visitor, in ``st.session_state``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.dqn import DQNConfig, TrainingResult, load_run
from core.dqn.shipped import SHIPPED_RUN_PATH
from core.dqn.training import RECENT_EPISODES
from core.workers import CANCELLED, DONE, FAILED, QUEUED, Job, shared_pool
from ui.charts import dqn as charts
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
LEARNER_KEY, HISTORY_KEY, JOB_KEY, NOTICE_KEY = (
    "learner_id",
    "dqn_history",
    "dqn_job",
    "dqn_notice",
)
TRAINED_URL_KEY = "trained"
"""Kept in the DQN page's URL: how many runs this visitor trained, so a new session (after a
server restart) can say why they are gone instead of silently showing fewer runs."""
DQN_PAGE = "pages/dqn.py"


@dataclass(frozen=True)
class RunRecord:
    """One entry of a visitor's run history."""

    number: int
    label: str
    result: TrainingResult


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
def shipped_run() -> TrainingResult:
    """The default run that ships with the app (``python -m core.dqn.shipped`` remakes it)."""
    return load_run(SHIPPED_RUN_PATH)


def history() -> list[RunRecord]:
    """This visitor's runs, oldest first; it starts with the shipped default run."""
    if HISTORY_KEY not in st.session_state:
        st.session_state[HISTORY_KEY] = [
            RunRecord(1, "Run 1: default settings (shipped)", shipped_run())
        ]
    return st.session_state[HISTORY_KEY]


def add_to_history(result: TrainingResult) -> RunRecord:
    runs = history()
    number = runs[-1].number + 1
    status = " (stopped)" if result.stopped else ""
    record = RunRecord(number, f"Run {number}: {describe(result.config)}{status}", result)
    runs.append(record)
    del runs[:-HISTORY_RUNS]
    st.session_state["dqn_inspect"] = record.label
    return record


def trained_count() -> int:
    return sum(1 for record in history() if record.number > 1)


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
    if job.active or (job.state == CANCELLED and job.result is None and job.started_at):
        return False  # still training, or a stopped training whose partial run is on its way
    st.session_state.pop(JOB_KEY, None)
    if job.state == DONE and job.result is not None:
        remember_run(job.result)
        add_to_history(job.result)
    elif job.state == CANCELLED and job.result is not None and job.result.episodes:
        add_to_history(job.result)
        st.session_state[NOTICE_KEY] = (
            f"Training stopped after {job.result.episodes} episodes "
            f"({job.result.total_steps:,} steps). Its curve is kept in the run history."
        )
    elif job.state == FAILED:
        st.session_state[NOTICE_KEY] = f"Training failed: {job.error}. Try again."
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
        updates = job.progress
        frame = charts.training_frame(
            np.array([u.episode_return for u in updates]),
            np.array([u.epsilon for u in updates]),
            np.array([u.loss for u in updates]),
            np.array([u.episode_length for u in updates]),
        )
        draw(charts.learning_curve_chart(frame, threshold=job.config.solved_threshold))
    else:
        st.progress(0.0, text="Starting the trainer…")
    st.button(
        "Stop training" if job.state != QUEUED else "Cancel",
        key=f"dqn_stop_{job.id}",
        on_click=stop,
        args=(job.id,),
        icon=":material/stop:",
    )


def training_status() -> None:
    """The visitor's training as it goes: queue position, progress, live curve, Stop."""
    job = active_job()
    if job is None:
        return
    st.fragment(_status_body, run_every=STATUS_SECONDS)(job.id)


def _sidebar_body(job_id: int) -> None:
    pool = shared_pool()
    job = pool.job(job_id)
    if job is None or collect(job):
        st.rerun(scope="app")
    pool.touch(job.owner)
    if job.state == QUEUED:
        text = f"DQN training queued: position {pool.position(job)}"
    else:
        text = f"DQN training: {job.steps_done:,} of {job.budget_steps:,} steps"
    st.progress(min(1.0, job.steps_done / job.budget_steps), text=text)
    st.page_link(DQN_PAGE, label="Watch it on the DQN page", icon=":material/neurology:")


def sidebar_status(current_path: str) -> None:
    """On every page but the DQN page: a running training's progress, which also keeps it
    alive while the learner reads elsewhere."""
    job = active_job()
    if job is None or current_path == DQN_PAGE:
        return
    with st.sidebar:
        st.fragment(_sidebar_body, run_every=SIDEBAR_SECONDS)(job.id)


def restart_notice() -> str | None:
    """Explain runs named in the URL that this session does not have (a server restart)."""
    claimed = st.query_params.get(TRAINED_URL_KEY)
    have = trained_count()
    if have:
        st.query_params[TRAINED_URL_KEY] = str(have)
        return None
    if claimed is None:
        return None
    del st.query_params[TRAINED_URL_KEY]
    return (
        "The runs trained before this link was opened are not on this server any more: the "
        "app was restarted (or the link comes from someone else's session). The shipped run "
        "is shown; train again to compare."
    )
