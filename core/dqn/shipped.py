"""The default run that ships with the app, so a first visit shows a trained agent at once.

Remake it with::

    python -m core.dqn.shipped

It trains ``DQNConfig()`` (seed 0) on one torch thread, checks that the greedy policy scores at
least the solved threshold (475) over the evaluation episodes, and writes
``core/dqn/shipped_run.pt`` (about 80 kB).
"""

from __future__ import annotations

from pathlib import Path

import torch

from core.dqn.config import DQNConfig
from core.dqn.evaluation import EVAL_EPISODES, EVAL_SEED, evaluate
from core.dqn.storage import save_run
from core.dqn.training import train

SHIPPED_RUN_PATH = Path(__file__).resolve().with_name("shipped_run.pt")


def main() -> None:
    torch.set_num_threads(1)
    result = train(DQNConfig())
    score = float(evaluate(result.policy, episodes=EVAL_EPISODES, seed=EVAL_SEED).mean())
    if score < result.config.solved_threshold:
        raise SystemExit(
            f"the default run scored {score:.1f} < {result.config.solved_threshold:g}; "
            "not saving it"
        )
    save_run(result, SHIPPED_RUN_PATH)
    print(
        f"saved {SHIPPED_RUN_PATH} ({SHIPPED_RUN_PATH.stat().st_size / 1024:.0f} kB): "
        f"greedy mean {score:.1f}, {result.episodes} episodes, {result.total_steps:,} steps, "
        f"{result.wall_time:.1f} s"
    )


if __name__ == "__main__":
    main()
