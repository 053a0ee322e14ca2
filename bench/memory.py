"""Resident memory of the app: after every page and a DQN training, and over a long session.

Runs the app in this process through AppTest, so the figures are the app's own (Streamlit,
numpy, torch, caches), without a browser; the simulation and training workers are processes of
their own and not counted. A long session changes settings many times; the caches are bounded,
so memory should level off instead of growing with every change.

``python -m bench.memory`` prints the rows as JSON: ``python -m bench`` runs it in a fresh
interpreter, so its earlier sections' memory does not count as the app's.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.pages import ENTRYPOINT, navigation_pages, show_results

SETTING_CHANGES = 240
SAMPLE_EVERY = 40
TRAINING_DEADLINE_S = 600.0


def resident_mib() -> float:
    """This process's current resident set size, from /proc."""
    return _status_mib("VmRSS")


def peak_mib() -> float:
    return _status_mib("VmHWM")


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc (Linux), in MiB."""
    found = re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text())
    if found is None:
        raise RuntimeError(f"/proc/self/status has no {field} line")
    return int(found.group(1)) / 1024


def run_memory_benchmark() -> list[dict]:
    logging.disable(logging.WARNING)
    rows = [{"moment": "before the app", "resident_mib": resident_mib()}]
    at = AppTest.from_file(ENTRYPOINT, default_timeout=300)
    at.run()
    show_results(at)
    for page in navigation_pages():
        at.switch_page(page).run()
    rows.append({"moment": "after every page", "resident_mib": resident_mib()})

    at.switch_page("pages/dqn.py").run()
    at.select_slider(key="budget").set_value(5_000)
    next(button for button in at.button if button.label == "Train").click().run()
    _wait_for_training(at)
    rows.append({"moment": "after a DQN training (5,000 steps)", "resident_mib": resident_mib()})

    at.switch_page("pages/epsilon_greedy.py").run()
    for change in range(1, SETTING_CHANGES + 1):
        at.number_input(key="seed").set_value(change).run()
        if change % SAMPLE_EVERY == 0:
            rows.append(
                {
                    "moment": f"after {change} setting changes",
                    "resident_mib": resident_mib(),
                }
            )
    rows.append({"moment": "peak", "resident_mib": peak_mib()})
    return rows


def _wait_for_training(at: AppTest) -> None:
    """Wait in the pool until the training has settled, then rerun the page once to collect it."""
    from core.workers import shared_pool  # here, so that "before the app" is measured without torch
    from ui.dqn import runs

    pool = shared_pool()
    job = pool.job(at.session_state[runs.JOB_KEY])
    if job is None or not pool.wait_for(lambda: job.settled, TRAINING_DEADLINE_S, [job.owner]):
        raise RuntimeError(f"the DQN training did not finish in {TRAINING_DEADLINE_S:.0f} s")
    at.run()


if __name__ == "__main__":
    print(json.dumps(run_memory_benchmark()))
