"""The default run that ships with the app, so a first visit shows a trained agent at once.

Remake it with::

    python -m core.dqn.shipped

It trains ``DQNConfig()`` (seed 0), checks that the greedy policy scores at least 475 over 20
evaluation episodes, and writes ``core/dqn/shipped_run.pt`` (about 80 kB).
"""

from __future__ import annotations

from pathlib import Path

from core.dqn.config import DQNConfig
from core.dqn.evaluation import evaluate
from core.dqn.storage import save_run
from core.dqn.training import train

SHIPPED_RUN_PATH = Path(__file__).resolve().with_name("shipped_run.pt")


def main() -> None:
    result = train(DQNConfig())
    score = float(evaluate(result.policy, episodes=20, seed=10_000).mean())
    if score < result.config.solved_threshold:
        raise SystemExit(f"the default run scored {score:.1f} < 475; not saving it")
    save_run(result, SHIPPED_RUN_PATH)
    print(
        f"saved {SHIPPED_RUN_PATH} ({SHIPPED_RUN_PATH.stat().st_size / 1024:.0f} kB): "
        f"greedy mean {score:.1f}, {result.episodes} episodes, {result.total_steps:,} steps, "
        f"{result.wall_time:.1f} s"
    )


if __name__ == "__main__":
    main()
