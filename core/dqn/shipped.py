"""The runs that ship with the app, so a first visit shows a trained agent at once.

Remake them with::

    python -m core.dqn.shipped

It trains ``DQNConfig()`` (seed 0) on one torch thread, checks that the greedy policy scores at
least the solved threshold (475) over the evaluation episodes, and writes
``core/dqn/shipped_run.pt`` (about 90 kB); it refuses to save a run below the bar. It then
trains each of :data:`REFERENCE_VARIANTS` (the DQN page's "Try this" experiments: the default
settings with one change) and writes their outcomes, without networks, to
``core/dqn/reference_runs.json``, so those answers quote measured runs.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from core.dqn.config import DQNConfig
from core.dqn.evaluation import EVAL_EPISODES, EVAL_SEED, evaluate
from core.dqn.storage import save_run
from core.dqn.training import TrainingResult, train

SHIPPED_RUN_PATH = Path(__file__).resolve().with_name("shipped_run.pt")
REFERENCE_RUNS_PATH = Path(__file__).resolve().with_name("reference_runs.json")
REFERENCE_VARIANTS: dict[str, dict[str, Any]] = {
    "replay off": {"use_replay": False},
    "target network off": {"use_target_network": False},
    "Sutton & Barto reward": {"reward_scheme": "sutton_barto"},
    "ε decay over 50,000 steps": {"epsilon_decay_steps": 50_000},
}


def outcome(result: TrainingResult) -> dict[str, Any]:
    """What a "Try this" answer quotes about a run: how far it got and how it plays."""
    greedy = evaluate(result.policy, episodes=EVAL_EPISODES, seed=EVAL_SEED)
    return {
        "changes": {
            name: value
            for name, value in result.config.to_dict().items()
            if value != getattr(DQNConfig(), name)
        },
        "solved": result.solved,
        "solved_at_step": result.solved_at_step,
        "total_steps": result.total_steps,
        "episodes": result.episodes,
        "ended_by": result.ended_by,
        "greedy_mean": float(greedy.mean()),
        "best_recent_length": float(
            max(
                result.episode_lengths[max(0, i - 19) : i + 1].mean()
                for i in range(result.episodes)
            )
        ),
        "cpu_seconds": round(result.cpu_time, 1),
    }


def load_reference_runs() -> dict[str, dict[str, Any]]:
    """The measured outcomes of :data:`REFERENCE_VARIANTS`, by name."""
    return json.loads(REFERENCE_RUNS_PATH.read_text())


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
        f"{result.cpu_time:.1f} CPU s"
    )
    references = {"default settings": outcome(result)}
    for name, changes in REFERENCE_VARIANTS.items():
        references[name] = outcome(train(replace(DQNConfig(), **changes)))
        print(f"{name}: {references[name]}")
    REFERENCE_RUNS_PATH.write_text(json.dumps(references, indent=2, ensure_ascii=False) + "\n")
    print(f"saved {REFERENCE_RUNS_PATH}")


if __name__ == "__main__":
    main()
