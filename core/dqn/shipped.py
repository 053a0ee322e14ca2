"""The runs that ship with the app, so a first visit shows a trained agent at once.

CartPole: remake it with::

    python -m core.dqn.shipped

It trains ``DQNConfig()`` (seed 0) on one torch thread, checks that the greedy policy scores at
least the solved threshold (475) over the evaluation episodes, and writes
``core/dqn/shipped_run.pt`` (about 90 kB); it refuses to save a run below the bar. It then
trains each of :data:`REFERENCE_VARIANTS` (the DQN page's "Try this" experiments: the default
settings with one change) and writes their outcomes, without networks, to
``core/dqn/reference_runs.json``, so those answers quote measured runs.

Space Invaders: remake it with::

    python -m core.dqn.shipped --environment invaders

It measures random play (:data:`RANDOM_EPISODES` episodes), trains the Invaders page's default
settings for :data:`INVADERS_BUDGET` steps (seed 0, one torch thread; about 15 minutes of one
core), plays the greedy policy on :data:`~core.dqn.games.INVADERS_EVAL_EPISODES` games, and
writes ``core/dqn/shipped_invaders.pt`` (under 1 MB) only if their mean is at least
:data:`BAR_TIMES_RANDOM` times random play's. The run keeps its whole training curve, which the
page draws against a learner's own run (same settings, fewer steps). Beside it,
``core/dqn/shipped_invaders.json`` keeps that judgement (every evaluation game's score, random
play's mean and its scores in the same games), so the page need not replay 10,000 random games
and 100 greedy ones on a server's first visit.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from core.dqn.config import DQNConfig
from core.dqn.evaluation import EVAL_EPISODES, EVAL_SEED, evaluate
from core.dqn.games import INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED, evaluate_invaders
from core.dqn.storage import save_run
from core.dqn.training import TrainingProgress, TrainingResult, train
from core.invaders import random_policy_returns

SHIPPED_RUN_PATH = Path(__file__).resolve().with_name("shipped_run.pt")
REFERENCE_RUNS_PATH = Path(__file__).resolve().with_name("reference_runs.json")
INVADERS_RUN_PATH = Path(__file__).resolve().with_name("shipped_invaders.pt")
INVADERS_SUMMARY_PATH = INVADERS_RUN_PATH.with_suffix(".json")
INVADERS_BUDGET = 1_000_000
"""Environment steps of the shipped Space Invaders run: MinAtar's DQN levels off by about 1M."""
RANDOM_EPISODES = 10_000
"""Episodes of random play the bar is measured on (seed 0)."""
BAR_TIMES_RANDOM = 8
"""The shipped Space Invaders agent must score at least this many times random play's mean."""
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


def invaders_config() -> DQNConfig:
    """The shipped Space Invaders run: the page's default settings, a longer budget."""
    return DQNConfig.for_environment("invaders", max_env_steps=INVADERS_BUDGET)


def random_play_mean(episodes: int = RANDOM_EPISODES, seed: int = 0) -> float:
    """Mean score of uniformly random play in Space Invaders (MinAtar's rules)."""
    return float(random_policy_returns(episodes, seed)[0].mean())


def invaders_summary(result: TrainingResult) -> dict[str, Any]:
    """How a Space Invaders run is judged: its greedy scores in the evaluation games against
    random play (mean of RANDOM_EPISODES games, and its scores in the same evaluation games)."""
    random_mean = random_play_mean()
    scores = evaluate_invaders(result.policy, INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED)
    random_scores = random_policy_returns(INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED)[0]
    return {
        "total_steps": result.total_steps,
        "eval_episodes": INVADERS_EVAL_EPISODES,
        "eval_seed": INVADERS_EVAL_SEED,
        "greedy_scores": scores.tolist(),
        "greedy_mean": float(scores.mean()),
        "random_episodes": RANDOM_EPISODES,
        "random_mean": random_mean,
        "random_scores": random_scores.astype(float).tolist(),
        "bar": BAR_TIMES_RANDOM * random_mean,
    }


def load_invaders_summary() -> dict[str, Any]:
    """The shipped Space Invaders agent's judgement, as :func:`invaders_summary` wrote it."""
    return json.loads(INVADERS_SUMMARY_PATH.read_text())


def make_invaders() -> None:
    """Train, judge and (if it clears the bar) save the shipped Space Invaders agent."""
    bar = BAR_TIMES_RANDOM * random_play_mean()
    print(f"random play: {RANDOM_EPISODES:,} episodes; bar {bar:.2f}")
    start = time.perf_counter()

    def report(update: TrainingProgress) -> None:
        if update.episode % 200 == 0:
            print(
                f"{time.perf_counter() - start:6.0f} s  step {update.step:>9,}  episode "
                f"{update.episode:>6,}  mean of last 20 {update.recent_mean_return:5.1f}  "
                f"ε {update.epsilon:.2f}",
                flush=True,
            )

    result = train(invaders_config(), progress=report)
    judged = invaders_summary(result)
    line = (
        f"greedy mean {judged['greedy_mean']:.2f} over {judged['eval_episodes']} games (policy "
        f"from step {result.policy_step:,}), {judged['greedy_mean'] / judged['random_mean']:.1f} "
        f"× random; {result.episodes:,} episodes, {result.total_steps:,} steps, "
        f"{result.cpu_time:.0f} CPU s ({result.wall_time:.0f} s wall)"
    )
    if judged["greedy_mean"] < judged["bar"]:
        raise SystemExit(f"{line}: below the bar of {judged['bar']:.2f}, not saving it")
    save_run(result, INVADERS_RUN_PATH)
    INVADERS_SUMMARY_PATH.write_text(json.dumps(judged, indent=1) + "\n")
    size = INVADERS_RUN_PATH.stat().st_size / 1024
    print(f"saved {INVADERS_RUN_PATH} ({size:.0f} kB) and {INVADERS_SUMMARY_PATH.name}: {line}")


def make_cartpole() -> None:
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m core.dqn.shipped", description=__doc__)
    parser.add_argument("--environment", choices=("cartpole", "invaders"), default="cartpole")
    args = parser.parse_args(argv)
    # This command is a process of its own: one thread, as in the training workers.
    torch.set_num_threads(1)
    if args.environment == "invaders":
        make_invaders()
    else:
        make_cartpole()


if __name__ == "__main__":
    main()
