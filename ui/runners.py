"""Simulations for the pages: computed on every core, shared by every visitor, bounded in memory.

Why not ``st.cache_data``
    A web server runs each visitor's page in a thread of one Python process, so simulations
    in it share one core whatever the machine has. Here a miss goes to a process pool
    (``core.workers.simulation_pool``) that uses every core, several strategies of a page run
    at once, and two visitors asking for the same run while it computes share one computation
    (the cache holds the future, not just the result).

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
        """A future per key: cached, already computing, or submitted now (all at once)."""
        now = time.monotonic()
        with self._lock:
            for key in [k for k, (seen, _) in self._futures.items() if now - seen > self.seconds]:
                del self._futures[key]
            found = []
            for key in keys:
                entry = self._futures.get(key)
                future = entry[1] if entry is not None else self._submit(*key)
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
    def _submit(strategy: bandit.Strategy, testbed: Testbed) -> Future:
        try:
            return simulation_pool().submit(bandit.simulate, strategy, **_arguments(testbed))
        except (BrokenProcessPool, RuntimeError):
            reset_simulation_pool()  # a worker died: the next submission gets a fresh pool
            future: Future = Future()
            future.set_result(_run(strategy, testbed))
            return future


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
