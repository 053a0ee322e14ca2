"""Training outside the web server: a bounded pool of worker processes with a visible queue.

Why
    A DQN training keeps a CPU core busy for seconds to minutes. Run inside the web server it
    slows every other visitor's page and competes for the interpreter; ten learners pressing
    Train at once would share one core. Here trainings run in separate processes, at most one
    per worker, and the rest wait in a queue whose order and expected wait a page can show.

How
    ``TrainingPool(workers)`` starts its worker processes lazily (``spawn``: a fresh
    interpreter, safe next to a threaded web server). Each worker pins torch to one thread
    once, at start, then trains the jobs it is handed with ``core.dqn.train`` and streams
    every episode's progress back. A dispatcher thread in the server moves messages into
    :class:`Job` records, hands queued jobs to idle workers, and restarts a worker that died.

Rules
    - At most one active job per owner (a learner's session): a new submission cancels the
      owner's previous queued or running job.
    - :meth:`TrainingPool.cancel` stops exactly the job it names, queued or running; a stale
      Stop cannot cancel a newer job.
    - An owner's jobs are kept alive by :meth:`TrainingPool.touch`; a job whose owner has not
      been seen for ``heartbeat_timeout`` seconds (the tab was closed) is cancelled.
    - Identical configs give identical results whatever runs alongside, because training
      touches no process-wide random state (see ``core.dqn.training``).

Simulations
    :func:`simulation_pool` runs the bandit pages' simulations in worker processes, so that
    many visitors' changes use the cores beside the web server's, and shuts them down
    when a class has been idle for a while (:class:`SimulationPool`).

Cores
    Both pools take the cores the web server leaves (:func:`spare_cores`), counted by
    :func:`usable_cores`, which respects a container's CPU quota where ``os.cpu_count()``
    would report the host's cores.

Pure Python and torch: no Streamlit here, so the pool is tested directly.
"""

from __future__ import annotations

import atexit
import itertools
import math
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_SECONDS_PER_STEP = {"cartpole": 2e-4, "invaders": 1.2e-3}
"""Training speed assumed per game before one of its jobs has finished (the pages' default
DQNs on one core; Space Invaders' conv net from the shipped run's 862 steps per CPU-second).
Each game's estimate then follows its finished jobs: an Invaders step costs several CartPole
steps, so one shared rate would misjudge the queue's waits."""
POLL_SECONDS = 0.1
HEARTBEAT_TIMEOUT = 30.0
WORKERS_ENVIRONMENT_VARIABLE = "RL_EXPLAINER_TRAINING_WORKERS"
SIMULATION_IDLE_SECONDS = 300.0
"""Unused this long, the simulation workers are shut down to give their memory back."""

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
ACTIVE = (QUEUED, RUNNING)


def default_workers() -> int:
    """Training workers: :func:`spare_cores`, unless ``RL_EXPLAINER_TRAINING_WORKERS`` says."""
    configured = os.environ.get(WORKERS_ENVIRONMENT_VARIABLE)
    if configured:
        return max(1, int(configured))
    return spare_cores()


def spare_cores() -> int:
    """One worker per core beyond the first, which the web server keeps: 1 on 2 cores.

    The server's own work (rendering each rerun, sending it) needs a core too. On 2 cores,
    40 classroom learners waited no longer with one simulation worker than with two (p95
    1.20 s against 1.22 s), for 0.138 CPU-seconds per change instead of 0.167 and a peak of
    544 MiB instead of 730 (``python -m bench.classroom``, 28 November 2026): a second worker
    only fights the server for the cores.
    """
    return max(1, usable_cores() - 1)


def usable_cores(cgroup_root: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process can use: the ones it may run on, capped by a container's quota.

    In a container (Community Cloud, ``docker run --cpus``) ``os.cpu_count()`` is the host's
    count; pools sized from it would start a worker, with its own memory, per host core on a
    quota of one or two.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    quota = cgroup_cpu_quota(cgroup_root)
    if quota is not None:
        cores = min(cores or 1, math.ceil(quota))
    return max(1, cores or 1)


def cgroup_cpu_quota(root: Path) -> float | None:
    """CPUs a cgroup v2 (``cpu.max``) or v1 (``cpu.cfs_quota_us``) quota allows; None if none."""
    try:
        quota, period = (root / "cpu.max").read_text().split()
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota_us = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period_us = int((root / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota_us / period_us if quota_us > 0 and period_us > 0 else None


@dataclass
class Job:
    """One training request and everything known about it so far."""

    id: int
    owner: str
    config: Any
    budget_steps: int
    state: str = QUEUED
    progress: list[Any] = field(default_factory=list)
    result: Any = None
    error: str | None = None
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None
    last_seen: float = field(default_factory=time.monotonic)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def settled(self) -> bool:
        """Nothing more will arrive: finished or failed, or stopped with its partial run in
        (a training stopped while running still hands back what it learned)."""
        if self.active:
            return False
        return not (self.state == CANCELLED and self.result is None and self.started_at)

    @property
    def steps_done(self) -> int:
        return self.progress[-1].step if self.progress else 0


def _game(job: Job) -> str:
    """The game a job trains (its config's ``environment``), for its speed estimate."""
    return getattr(job.config, "environment", "cartpole")


def _worker_main(inbox: Any, outbox: Any, threads: int) -> None:
    """A worker process: train one job at a time, report progress, obey cancellations."""
    import torch

    from core.dqn.training import train

    torch.set_num_threads(threads)
    shutting_down = False
    while not shutting_down:
        message = inbox.get()
        if message is None:
            return
        kind, job_id, config = message
        if kind != "train":
            continue  # a cancel for a job that is not running here any more

        def should_stop(job_id: int = job_id) -> bool:
            nonlocal shutting_down
            while True:
                try:
                    pending = inbox.get_nowait()
                except queue.Empty:
                    return False
                if pending is None:
                    shutting_down = True
                    return True
                if pending[0] == "cancel" and pending[1] == job_id:
                    return True

        def report(update: Any, job_id: int = job_id) -> None:
            outbox.put(("progress", job_id, update))

        outbox.put(("started", job_id, None))
        try:
            result = train(config, progress=report, should_stop=should_stop)
        except Exception as error:  # reported to the page; the worker lives on
            outbox.put(("failed", job_id, f"{type(error).__name__}: {error}"))
        else:
            outbox.put(("done", job_id, result))


@dataclass
class _Worker:
    process: Any
    inbox: Any
    job_id: int | None = None


class TrainingPool:
    """At most ``workers`` trainings at once; the rest wait in submission order."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        heartbeat_timeout: float = HEARTBEAT_TIMEOUT,
        threads_per_worker: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = workers if workers is not None else default_workers()
        if self.size < 1:
            raise ValueError(f"workers must be at least 1, got {self.size}")
        self.heartbeat_timeout = heartbeat_timeout
        self.threads_per_worker = threads_per_worker
        self._clock = clock
        self._context = multiprocessing.get_context("spawn")
        self._outbox = self._context.Queue()
        self._workers: list[_Worker] = []
        self._jobs: dict[int, Job] = {}
        self._queue: deque[int] = deque()
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._seconds_per_step = dict(DEFAULT_SECONDS_PER_STEP)
        self._closed = threading.Event()
        self._dispatcher: threading.Thread | None = None

    # --- what a page calls ---

    def submit(self, owner: str, config: Any, budget_steps: int) -> Job:
        """Queue a training for ``owner``, cancelling that owner's previous active job."""
        with self._lock:
            for job in self._jobs.values():
                if job.owner == owner and job.active:
                    self._cancel(job)
            job = Job(next(self._ids), owner, config, budget_steps, last_seen=self._clock())
            job.submitted_at = self._clock()
            self._jobs[job.id] = job
            self._queue.append(job.id)
            self._forget_old_jobs()
            self._start()
            self._dispatch()
            return job

    def cancel(self, job_id: int) -> None:
        """Stop this job (queued or running); nothing else is touched."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.active:
                self._cancel(job)

    def job(self, job_id: int) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def touch(self, owner: str) -> None:
        """The owner is still here: keep their active jobs alive."""
        now = self._clock()
        with self._lock:
            for job in self._jobs.values():
                if job.owner == owner and job.active:
                    job.last_seen = now

    def position(self, job: Job) -> int:
        """0 while running (or finished); n when n - 1 jobs are queued before it."""
        with self._lock:
            if job.state != QUEUED:
                return 0
            return list(self._queue).index(job.id) + 1

    def expected_wait(self, job: Job) -> float:
        """Seconds until ``job`` starts, from the budgets ahead of it and the measured speed."""
        with self._lock:
            if job.state != QUEUED:
                return 0.0
            now = self._clock()
            free_at = sorted(self._remaining(worker, now) for worker in self._workers)
            free_at += [0.0] * (self.size - len(free_at))
            for job_id in self._queue:
                if job_id == job.id:
                    return free_at[0]
                free_at[0] += self._estimate(self._jobs[job_id])
                free_at.sort()
            return free_at[0]

    def wait_for(
        self, condition: Callable[[], bool], timeout: float, watching: Iterable[str] = ()
    ) -> bool:
        """Block until ``condition()`` holds, checked again whenever the dispatcher has looked
        at the workers; False if ``timeout`` seconds pass first. The owners in ``watching``
        count as present meanwhile: whoever waits is watching their trainings."""
        deadline = time.monotonic() + timeout
        owners = tuple(watching)
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                for owner in owners:
                    self.touch(owner)
                self._changed.wait(min(remaining, self.heartbeat_timeout / 2))
            return True

    def queue_length(self) -> int:
        with self._lock:
            return len(self._queue)

    def running_count(self) -> int:
        with self._lock:
            return sum(1 for w in self._workers if w.job_id is not None)

    def shutdown(self) -> None:
        """Stop the dispatcher and every worker (their trainings are abandoned)."""
        self._closed.set()
        with self._lock:
            for job in self._jobs.values():
                if job.active:
                    job.state = CANCELLED
            for worker in self._workers:
                worker.inbox.put(None)
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout=5)

    # --- inside ---

    def _estimate(self, job: Job) -> float:
        return job.budget_steps * self._seconds_per_step[_game(job)]

    def _remaining(self, worker: _Worker, now: float) -> float:
        """Expected seconds until ``worker`` is free."""
        if worker.job_id is None:
            return 0.0
        job = self._jobs[worker.job_id]
        started = job.started_at if job.started_at is not None else now
        return max(0.0, self._estimate(job) - (now - started))

    def _start(self) -> None:
        if self._dispatcher is None:
            self._dispatcher = threading.Thread(target=self._run, name="training-pool", daemon=True)
            self._dispatcher.start()
        while len(self._workers) < self.size:
            self._workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        inbox = self._context.Queue()
        process = self._context.Process(
            target=_worker_main,
            args=(inbox, self._outbox, self.threads_per_worker),
            name="training-worker",
            daemon=True,
        )
        process.start()
        return _Worker(process, inbox)

    def _cancel(self, job: Job) -> None:
        if job.state == QUEUED:
            self._queue.remove(job.id)
        else:
            for worker in self._workers:
                if worker.job_id == job.id:
                    worker.inbox.put(("cancel", job.id, None))
        job.state = CANCELLED
        job.finished_at = self._clock()

    def _dispatch(self) -> None:
        for worker in self._workers:
            if not self._queue:
                return
            if worker.job_id is None:
                job = self._jobs[self._queue.popleft()]
                job.state = RUNNING
                job.started_at = self._clock()
                worker.job_id = job.id
                worker.inbox.put(("train", job.id, job.config))

    def _forget_old_jobs(self, keep: int = 50) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if not job.active]
        for job_id in finished[: max(0, len(finished) - keep)]:
            del self._jobs[job_id]

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                kind, job_id, payload = self._outbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                kind = None
            with self._changed:
                if kind is not None:
                    self._receive(kind, job_id, payload)
                self._expire_unwatched()
                self._replace_dead_workers()
                self._dispatch()
                self._changed.notify_all()

    def _receive(self, kind: str, job_id: int, payload: Any) -> None:
        job = self._jobs.get(job_id)
        if kind in ("done", "failed"):
            for worker in self._workers:
                if worker.job_id == job_id:
                    worker.job_id = None
        if job is None:
            return
        if kind == "progress" and job.state == RUNNING:
            job.progress.append(payload)
        elif kind == "done":
            if job.state == RUNNING:
                job.state = DONE
            job.result = payload
            job.finished_at = self._clock()
            if payload is not None and payload.total_steps and not payload.stopped:
                measured = payload.wall_time / payload.total_steps
                game = _game(job)
                self._seconds_per_step[game] = 0.7 * self._seconds_per_step[game] + 0.3 * measured
        elif kind == "failed":
            job.state = FAILED if job.state == RUNNING else job.state
            job.error = payload
            job.finished_at = self._clock()

    def _expire_unwatched(self) -> None:
        now = self._clock()
        for job in list(self._jobs.values()):
            if job.active and now - job.last_seen > self.heartbeat_timeout:
                self._cancel(job)

    def _replace_dead_workers(self) -> None:
        for index, worker in enumerate(self._workers):
            if worker.process.is_alive():
                continue
            if worker.job_id is not None:
                job = self._jobs.get(worker.job_id)
                if job is not None and job.active:
                    job.state = FAILED
                    job.error = "the training process ended unexpectedly"
                    job.finished_at = self._clock()
            self._workers[index] = self._spawn()


class SimulationPool:
    """Worker processes for bandit simulations that give their memory back when unused.

    Workers start on demand, one per core beyond the web server's (:func:`spare_cores`): many
    visitors changing settings at once keep every core busy, where the web server's own
    threads would share one. After ``idle_seconds`` with nothing submitted and nothing
    running, the workers are shut down (each holds numpy, numba and its last arrays, about
    180 MiB); the next submission starts them again, which costs that one change about a
    second.
    """

    def __init__(self, workers: int | None = None, idle_seconds: float = SIMULATION_IDLE_SECONDS):
        self.workers = workers if workers is not None else spare_cores()
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._unfinished = 0
        self._last_used = time.monotonic()
        self._closed = threading.Event()
        self._reaper: threading.Thread | None = None

    @property
    def started(self) -> bool:
        """True while worker processes are up (or starting)."""
        return self._executor is not None

    def submit(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """``function(*args, **kwargs)`` in a worker; raises ``BrokenProcessPool`` after a
        worker died (call :meth:`reset`) and ``RuntimeError`` once shut down."""
        with self._lock:
            if self._closed.is_set():
                raise RuntimeError("the simulation pool is shut down")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
                )
            if self._reaper is None:
                self._reaper = threading.Thread(
                    target=self._retire_when_idle, name="simulation-pool-reaper", daemon=True
                )
                self._reaper.start()
            future = self._executor.submit(function, *args, **kwargs)
            self._unfinished += 1
            self._last_used = time.monotonic()
        future.add_done_callback(self._finished)
        return future

    def retire_if_idle(self) -> bool:
        """Shut the workers down if nothing ran for ``idle_seconds``; True if it did."""
        with self._lock:
            idle_for = time.monotonic() - self._last_used
            if self._executor is None or self._unfinished or idle_for < self.idle_seconds:
                return False
            executor, self._executor = self._executor, None
        executor.shutdown(wait=False)
        return True

    def reset(self) -> None:
        """Drop workers that broke (a broken pool refuses all work); the next submission
        starts fresh ones."""
        with self._lock:
            broken, self._executor = self._executor, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        self._closed.set()
        self.reset()

    def _finished(self, _: Future) -> None:
        with self._lock:
            self._unfinished -= 1
            self._last_used = time.monotonic()

    def _retire_when_idle(self) -> None:
        while not self._closed.wait(max(0.05, self.idle_seconds / 4)):
            self.retire_if_idle()


_POOL: TrainingPool | None = None
_POOL_LOCK = threading.Lock()
_SIMULATIONS: SimulationPool | None = None


def shared_pool() -> TrainingPool:
    """The process's one training pool (created on first use, shut down at exit)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = TrainingPool()
            atexit.register(_POOL.shutdown)
        return _POOL


def simulation_pool() -> SimulationPool:
    """The process's one pool for bandit simulations (shut down at exit)."""
    global _SIMULATIONS
    with _POOL_LOCK:
        if _SIMULATIONS is None:
            _SIMULATIONS = SimulationPool()
            atexit.register(_SIMULATIONS.shutdown)
        return _SIMULATIONS


def reset_simulation_pool() -> None:
    """Replace the simulation pool's workers after one died (see :meth:`SimulationPool.reset`)."""
    simulation_pool().reset()
