"""Simulations for the pages: computed beside the web server, shared by every visitor, bounded.

Why not ``st.cache_data``
    A web server runs each visitor's page in a thread of one Python process, so simulations
    in it share one core whatever the machine has. Here a miss goes to a process pool
    (``core.workers.simulation_pool``) on the cores the server leaves free, and two visitors
    asking for the same run while it computes share one computation (the cache holds the
    future, not just the result). A page's greedy and ε-greedy runs go
    as one job to ``core.bandit.simulate_many``, which runs them side by side in a compiled
    loop for much less than a job each.

Bounded
    At most ``CACHE_ENTRIES`` runs (least recently used out first), each forgotten after
    ``CACHE_SECONDS`` unused. A result is shared, not copied: pages read results, they never
    change them.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TypedDict

from core import bandit
from core.workers import reset_simulation_pool, simulation_pool
from ui.controls import Testbed

CACHE_ENTRIES = 128
"""About 1 MB each at the book's settings."""
CACHE_SECONDS = 3600
"""Cached runs expire after an hour unused, so a long workshop does not hold every run."""

Key = tuple[bandit.Strategy, Testbed]


class SimulateArguments(TypedDict):
    """``core.bandit.simulate``'s keywords after the strategy."""

    arms: int
    steps: int
    runs: int
    seed: int
    q_mean: float
    walk_sd: float
    start_equal: bool


def _arguments(testbed: Testbed) -> SimulateArguments:
    """``core.bandit.simulate``'s keywords for the testbed (workers import only ``core``)."""
    return {
        "arms": testbed.arms,
        "steps": testbed.steps,
        "runs": testbed.runs,
        "seed": testbed.seed,
        "q_mean": testbed.q_mean,
        "walk_sd": testbed.walk_sd,
        "start_equal": testbed.start_equal,
    }


def _run(strategy: bandit.Strategy, testbed: Testbed) -> bandit.BanditResult:
    return bandit.simulate(strategy, **_arguments(testbed))


class SimulationCache:
    """Futures of simulations by (strategy, testbed): least recently used out, and timed out."""

    def __init__(self, entries: int = CACHE_ENTRIES, seconds: float = CACHE_SECONDS) -> None:
        self.entries, self.seconds = entries, seconds
        self._futures: OrderedDict[Key, tuple[float, Future]] = OrderedDict()
        self._lock = threading.Lock()

    def futures(self, keys: Sequence[Key]) -> list[Future]:
        """A future per key: cached, already computing, or submitted now (all at once).

        Missing greedy and ε-greedy runs on one testbed are submitted as one job
        (``core.bandit.simulate_many``), which costs far less than a job each.
        """
        now = time.monotonic()
        with self._lock:
            for key in [k for k, (seen, _) in self._futures.items() if now - seen > self.seconds]:
                del self._futures[key]
            missing = [
                k
                for k in dict.fromkeys(keys)
                if k not in self._futures or _failed(self._futures[k][1])
            ]
            for key, future in self._submit(missing).items():
                self._futures[key] = (now, future)
            found = []
            for key in keys:
                future = self._futures[key][1]
                self._futures[key] = (now, future)
                self._futures.move_to_end(key)
                found.append(future)
            while len(self._futures) > self.entries:
                self._futures.popitem(last=False)
            return found

    def forget(self, key: Key) -> None:
        with self._lock:
            self._futures.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._futures.clear()

    @staticmethod
    def _submit(keys: Sequence[Key]) -> dict[Key, Future]:
        """Start the runs of ``keys``: stackable runs of one testbed together, the rest alone."""
        jobs: dict[tuple[Testbed, bool], list[bandit.Strategy]] = {}
        for strategy, testbed in keys:
            stack = bandit.can_stack(strategy, testbed.steps)
            jobs.setdefault((testbed, stack), []).append(strategy)
        futures: dict[Key, Future] = {}
        for (testbed, stack), strategies in jobs.items():
            groups = [strategies] if stack else [[s] for s in strategies]
            for group in groups:
                job = _start(group, testbed)
                for index, strategy in enumerate(group):
                    futures[(strategy, testbed)] = _part(job, index)
        return futures


def _failed(future: Future) -> bool:
    """A run that ended without a result: it is run again when asked for, never served."""
    return future.done() and (future.cancelled() or future.exception() is not None)


def _start(strategies: list[bandit.Strategy], testbed: Testbed) -> Future:
    """A future of ``simulate_many(strategies, ...)`` in the pool (here if the pool is gone)."""
    try:
        return simulation_pool().submit(bandit.simulate_many, strategies, **_arguments(testbed))
    except (BrokenProcessPool, RuntimeError):
        reset_simulation_pool()  # a worker died: the next submission gets a fresh pool
        future: Future = Future()
        future.set_result([_run(strategy, testbed) for strategy in strategies])
        return future


def _part(job: Future, index: int) -> Future:
    """A future of one result of a ``simulate_many`` job, failing as the job fails."""
    part: Future = Future()

    def settle(done: Future) -> None:
        if done.cancelled():
            part.cancel()
            return
        error = done.exception()
        if error is not None:
            part.set_exception(error)
        else:
            part.set_result(done.result()[index])

    job.add_done_callback(settle)
    return part


CACHE = SimulationCache()


def _result(key: Key, future: Future) -> bandit.BanditResult:
    """A future's result; a run that cannot travel to a worker process is computed here."""
    try:
        return future.result()
    except ValueError:
        CACHE.forget(key)  # a rejected parameter: the page says so, and nothing is kept
        raise
    except BrokenProcessPool:
        CACHE.forget(key)
        reset_simulation_pool()
        return _run(*key)
    except (pickle.PicklingError, AttributeError):
        CACHE.forget(key)
        return _run(*key)


def simulate_all(
    strategies: Sequence[bandit.Strategy],
    testbed: Testbed,
    progress: Callable[[int, int], None] | None = None,
) -> list[bandit.BanditResult]:
    """``core.bandit.simulate`` for each strategy on the page's testbed, in parallel.

    ``progress(done, total)`` is called as runs finish.
    """
    keys = [(strategy, testbed) for strategy in strategies]
    futures = CACHE.futures(keys)
    if progress is not None:
        for done, _ in enumerate(as_completed(futures), start=1):
            progress(done, len(futures))
    return [_result(key, future) for key, future in zip(keys, futures, strict=True)]


def simulate(strategy: bandit.Strategy, testbed: Testbed) -> bandit.BanditResult:
    """``core.bandit.simulate`` on the page's testbed, cached on every parameter."""
    return simulate_all([strategy], testbed)[0]


def simulate_testbed_call(
    strategy: bandit.Strategy, *, steps: int, runs: int, seed: int, arms: int = 10
) -> bandit.BanditResult:
    """``simulate``'s signature, answered from the cache (for core loops such as the study)."""
    return simulate(strategy, Testbed(arms=arms, steps=steps, runs=runs, seed=seed))
