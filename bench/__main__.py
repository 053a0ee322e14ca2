"""Print the project's speed figures as Markdown tables.

python -m bench                 # everything
python -m bench --only bandit   # one or more of the SECTIONS below
python -m bench --only classroom --learners 10 20 40 --changes 5 --idle 600
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.classroom import add_arguments as add_classroom_arguments
from bench.tables import table

SECTIONS = (
    "bandit",
    "study",
    "gridworld",
    "pages",
    "dqn",
    "memory",
    "invaders",
    "notebooks",
    "classroom",
    "step",
)
CLASSROOM_LEARNERS = (10, 20)
"""Class sizes of the classroom section by default: a few minutes in all on the first release."""


def bandit() -> None:
    from bench.bandit import (
        BOOK_SIZE,
        LOOP_RUNS,
        run_bandit_benchmark,
        run_side_by_side_benchmark,
    )

    print(f"## simulate, {BOOK_SIZE['runs']} runs x {BOOK_SIZE['steps']} steps x 10 arms")
    print(f"(median of 7; the per-run Python loop is timed on {LOOP_RUNS} runs and scaled)\n")
    rows = run_bandit_benchmark()
    print(table(rows, {"simulate_s": ".3f", "python_loop_s": ".1f", "speedup": ".0f"}))
    print("\n## Figure 2.2's three ε, one by one (simulate) or side by side (simulate_many)")
    print("(median CPU-seconds of 7 alternated pairs, new seed each time)\n")
    row = run_side_by_side_benchmark()
    print(table([row], {"one_by_one_cpu_s": ".3f", "side_by_side_cpu_s": ".3f", "ratio": ".2f"}))


def study() -> None:
    from core.study import parameter_study, settings_count

    print(
        f"## Parameter study (Figure 2.6): {settings_count()} settings x 2000 runs x 1000 steps\n"
    )
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        parameter_study()
        seconds.append(time.perf_counter() - start)
    print(
        table(
            [{"runs": len(seconds), "median_s": sorted(seconds)[1], "min_s": min(seconds)}],
            {"median_s": ".2f", "min_s": ".2f"},
        )
    )


def gridworld() -> None:
    from bench.gridworld import (
        CAPPED_EPISODES,
        FIGURE_6_4,
        LOOP_RUNS,
        run_capped_benchmark,
        run_gridworld_benchmark,
    )

    print(
        f"## Cliff walk (Figure 6.4): {FIGURE_6_4['runs']} runs x {FIGURE_6_4['episodes']} episodes"
    )
    print(f"(median of 5; the plain loop is timed on {LOOP_RUNS} runs and scaled)\n")
    rows = run_gridworld_benchmark()
    formats = {
        "wall_s": ".3f",
        "cpu_s": ".3f",
        "plain_loop_wall_s": ".2f",
        "plain_loop_cpu_s": ".2f",
        "cpu_ratio": ".1f",
    }
    print(table(rows, formats))
    print(
        f"\n### Worst case: step_reward +1, every episode capped at 1,000 steps "
        f"(50 runs x {CAPPED_EPISODES} episodes, one repetition)\n"
    )
    rows = run_capped_benchmark()
    print(table(rows, {"wall_s": ".2f", "cpu_s": ".2f", "cpu_us_per_step": ".1f"}))


def memory() -> None:
    from bench.memory import SETTING_CHANGES

    print(f"## App memory (AppTest in a fresh process; {SETTING_CHANGES} setting changes)\n")
    # A fresh interpreter, so earlier sections' memory does not count as the app's; a plain
    # one, whose exit shuts the app's worker pools down (a multiprocessing child's does not).
    finished = subprocess.run(
        [sys.executable, "-m", "bench.memory"],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    rows = json.loads(finished.stdout.strip().splitlines()[-1])
    print(table(rows, {"resident_mib": ".0f"}))


def pages() -> None:
    from bench.pages import run_pages_benchmark

    print("## Page render time with default settings (server side, AppTest)\n")
    rows = run_pages_benchmark()
    print(table(rows, {"cold_s": ".3f", "cached_s": ".3f"}))


def dqn() -> None:
    from bench.dqn import run_dqn_benchmark
    from core.dqn import EVAL_EPISODES, EVAL_SEED

    print(
        f"## DQN on CartPole-v1, default config (greedy evaluation: {EVAL_EPISODES} episodes "
        f"from seed {EVAL_SEED})\n"
    )
    rows = run_dqn_benchmark()
    print(table(rows, {}))


def invaders() -> None:
    from bench.invaders import (
        MINATAR_DQN_LEVEL,
        MINATAR_STEPS_PER_S,
        RANDOM_EPISODES,
        TRAINING_STEPS,
        run_random_play_benchmark,
        run_score_curve,
        run_speed_benchmark,
        run_training_benchmark,
    )

    print("## Space Invaders (MinAtar rules): env steps per second under random actions")
    print(f"(median of 3; vs_minatar: per CPU-second, against MinAtar's {MINATAR_STEPS_PER_S:,})\n")
    formats = {"wall_s": ".2f", "cpu_s": ".2f", "steps_per_s": ",.0f", "steps_per_cpu_s": ",.0f"}
    print(table(run_speed_benchmark(), formats | {"us_per_call": ".1f", "vs_minatar": ".2f"}))
    print(f"\n## Space Invaders: random play, {RANDOM_EPISODES:,} episodes\n")
    score_formats = {"mean_score": ".2f", "standard_error": ".3f", "mean_length": ".1f"}
    print(table([run_random_play_benchmark()], formats | score_formats))
    print(
        f"\n## Space Invaders DQN: training speed, page defaults, {TRAINING_STEPS:,} env steps "
        "(one torch thread; warm-up, learning and greedy checks included)\n"
    )
    rate_formats = {"env_steps_per_cpu_s": ",.0f", "gradient_steps_per_cpu_s": ",.0f"}
    print(table(run_training_benchmark(), formats | rate_formats))
    rows, line, summary = run_score_curve()
    low, high = MINATAR_DQN_LEVEL
    print(
        f"\n## Space Invaders DQN: the shipped run's greedy checks against training steps "
        f"({summary['checks']} checks of {summary['games_per_check']} games; MinAtar's DQN: "
        f"{low:g}-{high:g} by about 1M frames, from the paper)\n"
    )
    print(table(rows, {"greedy_check": ".1f", "mean_of_5_checks": ".1f"}))
    print(f"\nall checks, 0 to {high:g} (a full block is the paper's level or more):\n")
    print(f"    {line}")
    print(
        f"\nkept policy (from step {summary['policy_step']:,}): greedy mean "
        f"{summary['greedy_mean']:.2f} over {summary['games']} games = "
        f"{summary['times_random']:.1f} × random play ({summary['random_mean']:.2f}); "
        f"training took {summary['training_cpu_s'] / 60:.1f} CPU-minutes"
    )


def notebooks() -> None:
    from bench.notebooks import (
        run_execution_benchmark,
        run_generation_benchmark,
        run_step_cost_benchmark,
    )

    print("## Download as notebook: building each page's notebook (target 0.2 s)\n")
    rows = run_generation_benchmark()
    print(table(rows, {"first_s": ".3f", "median_s": ".4f", "kb": ".0f"}))
    print("\n## Reference code: plain-loop cost per step (30 runs x 1000 steps)\n")
    rows = run_step_cost_benchmark()
    print(table(rows, {"us_per_step": ".1f", "cpu_us_per_step": ".1f", "builder_constant": ".1f"}))
    print(
        "\n## The ε-greedy page's notebook at its defaults, executed with nbclient (target 60 s)\n"
    )
    rows = run_execution_benchmark()
    print(table(rows, {"wall_s": ".1f", "kernel_cpu_s": ".1f", "client_cpu_s": ".1f"}))


def classroom(args: argparse.Namespace) -> None:
    from bench.classroom import (
        print_bytes_by_element,
        print_reports,
        run_classroom_benchmark,
        settings_from,
    )

    print(
        f"## Classroom load on a real server: /{args.page}, {args.changes} new seeds per "
        f"learner, pace {args.pace} (websocket learners, no browser)\n"
    )
    print_reports(run_classroom_benchmark(args.learners, args.processes, **settings_from(args)))
    if args.by_element:
        print_bytes_by_element(args.page)


def step() -> None:
    from bench.classroom import STEP_PAGE, STEP_PRESSES, run_step_benchmark

    print(
        f"## Inside one run: {STEP_PRESSES} presses of +1 on /{STEP_PAGE} at default settings "
        "(a fragment rerun on a real server; target 0.1 s of server time per step)\n"
    )
    row = run_step_benchmark()
    print(
        table(
            [row], {"p50_s": ".3f", "max_s": ".3f", "cpu_s_per_step": ".3f", "kb_per_step": ".1f"}
        )
    )


RUNNERS: dict[str, Callable[[argparse.Namespace], None]] = {
    "bandit": lambda _: bandit(),
    "study": lambda _: study(),
    "gridworld": lambda _: gridworld(),
    "pages": lambda _: pages(),
    "dqn": lambda _: dqn(),
    "memory": lambda _: memory(),
    "invaders": lambda _: invaders(),
    "notebooks": lambda _: notebooks(),
    "classroom": classroom,
    "step": lambda _: step(),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    add_classroom_arguments(parser, learners=CLASSROOM_LEARNERS)
    args = parser.parse_args(argv)
    # AppTest runs pages outside a server; Streamlit's warnings about that are noise here.
    logging.disable(logging.WARNING)
    # A plain `kill` ends the run through its cleanup, which stops the classroom's server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    print(
        f"# Benchmarks: Python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}, {time.strftime('%Y-%m-%d %H:%M')}\n"
    )
    for name in SECTIONS:
        if name in args.only:
            RUNNERS[name](args)
            print()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak resident memory of this process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
