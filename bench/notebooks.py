"""Notebook timings: building each page's "Download as notebook", the plain loops, a full run.

``PAGE_EXPERIMENTS`` is what every page that offers a notebook shows with its default
settings; the notebook tests execute the same list with small settings.
"""

from __future__ import annotations

import dataclasses
import resource
import statistics
import time

import nbformat

from core import reference
from core.bandit import (
    UCB,
    DecayingEpsilon,
    EpsilonGreedy,
    GradientBandit,
    Greedy,
    Naive,
    Strategy,
    ThompsonSampling,
)
from core.notebooks import MICROSECONDS_PER_STEP, experiment_notebook, notebook_runs


@dataclasses.dataclass(frozen=True)
class PageExperiment:
    """The strategies and testbed a page shows with its defaults."""

    title: str
    strategies: tuple[Strategy, ...]
    arms: int = 10
    steps: int = 1000
    runs: int = 2000
    seed: int = 0
    q_mean: float = 0.0
    walk_sd: float = 0.0

    def notebook(self) -> bytes:
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return experiment_notebook(**fields)


PAGE_EXPERIMENTS = {
    "naive": PageExperiment("Strategy 1: Naive random play", (Naive(),)),
    "greedy": PageExperiment("Strategy 2: Greedy", (Greedy(), Greedy(initial=5.0, step_size=0.1))),
    "epsilon_greedy": PageExperiment(
        "Strategy 3: ε-greedy", tuple(EpsilonGreedy(epsilon=e) for e in (0.0, 0.01, 0.1))
    ),
    "decaying_epsilon": PageExperiment(
        "Strategy 4: Decaying ε", (EpsilonGreedy(epsilon=0.1), DecayingEpsilon())
    ),
    "ucb": PageExperiment("Upper confidence bound", (EpsilonGreedy(epsilon=0.1), UCB(c=2.0))),
    "gradient": PageExperiment(
        "Gradient bandit",
        (GradientBandit(alpha=0.1, baseline=True), GradientBandit(alpha=0.1, baseline=False)),
        q_mean=4.0,
    ),
    "thompson": PageExperiment(
        "Thompson sampling", (EpsilonGreedy(epsilon=0.1), UCB(c=2.0), ThompsonSampling())
    ),
    "lab_all_methods": PageExperiment(
        "Comparison lab: all methods",
        (
            Naive(),
            Greedy(),
            EpsilonGreedy(epsilon=0.1),
            DecayingEpsilon(start=1.0),
            UCB(c=2.0),
            GradientBandit(alpha=0.1),
            ThompsonSampling(),
        ),
    ),
    "lab_drift": PageExperiment(
        "Comparison lab: a drifting world",
        (EpsilonGreedy(epsilon=0.1), EpsilonGreedy(epsilon=0.1, step_size=0.1)),
        steps=10_000,
        runs=500,
        walk_sd=0.01,
    ),
}


def run_generation_benchmark(repeats: int = 20) -> list[dict]:
    """Per page: the first build in this process, the median of later ones, and the size."""
    rows = []
    for name, experiment in PAGE_EXPERIMENTS.items():
        start = time.perf_counter()
        notebook = experiment.notebook()
        first = time.perf_counter() - start
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            experiment.notebook()
            times.append(time.perf_counter() - start)
        runs = notebook_runs(
            experiment.strategies, experiment.steps, experiment.runs, experiment.walk_sd
        )
        rows.append(
            {
                "page": name,
                "first_s": first,
                "median_s": statistics.median(times),
                "kb": len(notebook) / 1024,
                "runs": f"{runs} of {experiment.runs}",
            }
        )
    return rows


def run_step_cost_benchmark(runs: int = 30, steps: int = 1000) -> list[dict]:
    """Microseconds per step of each reference function next to the constant the builder uses."""
    strategies = (
        Naive(),
        Greedy(),
        EpsilonGreedy(epsilon=0.1),
        DecayingEpsilon(),
        UCB(c=2.0),
        GradientBandit(alpha=0.1),
        ThompsonSampling(),
    )
    rows = []
    for strategy in strategies:
        play = reference.reference_function(strategy)
        parameters = reference.reference_parameters(strategy)
        wall, cpu = time.perf_counter(), time.process_time()
        reference.run_experiment(play, runs, steps, **parameters)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows.append(
            {
                "function": play.__name__,
                "us_per_step": wall / (runs * steps) * 1e6,
                "cpu_us_per_step": cpu / (runs * steps) * 1e6,
                "builder_constant": MICROSECONDS_PER_STEP[play],
            }
        )
    return rows


def run_execution_benchmark(page: str = "epsilon_greedy") -> list[dict]:
    """Execute one page's downloaded notebook with nbclient: wall time and the kernel's CPU."""
    from nbclient import NotebookClient

    experiment = PAGE_EXPERIMENTS[page]
    notebook = nbformat.reads(experiment.notebook().decode(), as_version=4)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.process_time()
    NotebookClient(notebook, timeout=600, kernel_name="python3").execute()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    kernel_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    loop_lines = [
        output["text"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout" and " runs in " in output.get("text", "")
    ]
    return [
        {
            "page": page,
            "wall_s": wall,
            "kernel_cpu_s": kernel_cpu,
            "client_cpu_s": cpu,
            "strategies": " / ".join(line.strip() for line in "".join(loop_lines).splitlines()),
        }
    ]
