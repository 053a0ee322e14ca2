"""The games DQN trains on, behind one interface, and greedy play of Space Invaders.

One interface
    The training loop plays a *batch* of games: ``reset()`` returns the first observations
    (games, ...), ``step(actions)`` plays one step in every game and returns the observations
    to act on next, the rewards, ``terminated`` and ``truncated``, and ``final_observations``
    (the next state of this step; for a game that just ended, its last frame, while
    ``observations`` already shows its new episode's first). ``core.invaders.InvadersBatch``
    is such a batch already. :class:`CartPoleGames` makes one Gymnasium CartPole-v1
    environment one, restarting it after every episode exactly as a plain loop would.

Space Invaders, greedy
    :func:`evaluate_invaders` plays ``episodes`` games side by side with the greedy policy,
    sticky actions on (MinAtar's default, so a deterministic policy still meets varied
    situations), game i seeded ``seed + i``, and returns each game's score.
    :func:`invaders_greedy_episode` records one game with the network's Q-values in every
    frame, for drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from core.invaders import InvadersBatch
from core.validation import MAX_SEED, check_int

INVADERS_EVAL_EPISODES = 100
"""Greedy episodes a Space Invaders agent is judged by (the shipped agent, the page, the bench)."""
INVADERS_EVAL_SEED = 10_000
"""First game seed of those episodes: far from training's, the same for every agent."""
MAX_INVADERS_EVAL_STEPS = 20_000
"""A greedy game is cut off here (MinAtar has no time limit; this only guards against a policy
that survives forever). The shipped agent's longest evaluation game is far shorter."""


class GamesStep(NamedTuple):
    """One step of every game of a batch; the first axis is the game."""

    observations: np.ndarray  # what to act on next (a finished game has restarted)
    rewards: np.ndarray  # float32
    terminated: np.ndarray  # bool: a true end, no future
    truncated: np.ndarray  # bool: a time limit only
    final_observations: np.ndarray  # the next state of this step's transition


class CartPoleGames:
    """One Gymnasium environment as a batch of one game that restarts itself.

    Args:
        env: a CartPole-v1 environment (``core.dqn.evaluation.make_env``).
        seed: seeds the first reset and the action space; later resets continue the stream.
    """

    games = 1

    def __init__(self, env: gym.Env, seed: int) -> None:
        self.env = env
        self.seed = seed
        env.action_space.seed(seed)

    def reset(self) -> np.ndarray:
        obs, _ = self.env.reset(seed=self.seed)
        return obs[None]

    def step(self, actions: np.ndarray) -> GamesStep:
        obs, reward, terminated, truncated, _ = self.env.step(int(actions[0]))
        final = obs[None]
        if terminated or truncated:
            obs, _ = self.env.reset()
        return GamesStep(
            obs[None],
            np.array([reward], dtype=np.float32),
            np.array([terminated]),
            np.array([truncated]),
            final,
        )

    def close(self) -> None:
        self.env.close()


def _check(episodes: object, seed: object, max_steps: object) -> None:
    check_int("episodes", episodes, 1, 10_000)
    check_int("seed", seed, 0, MAX_SEED)
    check_int("max_steps", max_steps, 1, MAX_INVADERS_EVAL_STEPS)


@torch.no_grad()
def evaluate_invaders(
    policy: nn.Module,
    episodes: int = INVADERS_EVAL_EPISODES,
    seed: int = INVADERS_EVAL_SEED,
    max_steps: int = MAX_INVADERS_EVAL_STEPS,
) -> np.ndarray:
    """Greedy scores of ``policy`` in ``episodes`` games of Space Invaders seeded seed + i.

    Args:
        policy: a Q-network mapping (batch, 5, 10, 10) pictures to (batch, 4) action values.
        episodes: number of games, played side by side.
        seed: game i draws its sticky actions from ``default_rng(seed + i)``.
        max_steps: stop a game after this many steps.

    Returns:
        float64 array (episodes,): aliens destroyed in each game.
    """
    _check(episodes, seed, max_steps)
    was_training = policy.training
    policy.eval()
    batch = InvadersBatch(episodes, seed)
    observations = batch.observe()
    scores = np.zeros(episodes)
    alive = np.ones(episodes, dtype=bool)
    try:
        for _ in range(max_steps):
            actions = np.zeros(episodes, dtype=np.int64)
            actions[alive] = policy(torch.from_numpy(observations[alive])).argmax(dim=1).numpy()
            result = batch.step(actions, autoreset=False)
            scores[alive] += result.rewards[alive]
            alive &= ~(result.terminated | result.truncated)
            if not alive.any():
                break
            observations = result.observations
    finally:
        policy.train(was_training)
    return scores


@dataclass(frozen=True)
class InvadersTrace:
    """One greedy game: the pictures the agent saw, its Q-values, what it did and scored.

    ``observations`` (steps + 1, 5, 10, 10) uint8: the first frame, then the frame after every
    step; ``q_values`` (steps + 1, 4) in every frame (the last is the end: its values are never
    acted on); ``actions`` and ``rewards`` (steps,): the action chosen in frame t (sticky
    actions may have repeated the previous one instead) and the aliens it destroyed.
    """

    observations: np.ndarray
    q_values: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray

    @property
    def score(self) -> float:
        return float(self.rewards.sum())


@torch.no_grad()
def invaders_greedy_episode(
    policy: nn.Module, seed: int = INVADERS_EVAL_SEED, max_steps: int = MAX_INVADERS_EVAL_STEPS
) -> InvadersTrace:
    """One greedy game of ``policy`` (game 0 of :func:`evaluate_invaders` with this seed)."""
    _check(1, seed, max_steps)
    was_training = policy.training
    policy.eval()
    batch = InvadersBatch(1, seed)
    frames, q_values, actions, rewards = [batch.observe()[0]], [], [], []
    try:
        for _ in range(max_steps):
            q = policy(torch.from_numpy(frames[-1][None]))[0].numpy()
            q_values.append(q)
            actions.append(int(q.argmax()))
            result = batch.step(np.array(actions[-1:]), autoreset=False)
            frames.append(result.observations[0])
            rewards.append(float(result.rewards[0]))
            if result.terminated[0] or result.truncated[0]:
                break
        q_values.append(policy(torch.from_numpy(frames[-1][None]))[0].numpy())
    finally:
        policy.train(was_training)
    return InvadersTrace(
        observations=np.stack(frames),
        q_values=np.stack(q_values).astype(np.float64),
        actions=np.array(actions, dtype=np.int64),
        rewards=np.array(rewards, dtype=np.float64),
    )


class Blindfolded(nn.Module):
    """A policy that sees less: ``hidden`` channels blanked, or the two alien channels merged.

    For experiments on what the agent uses: blanking the enemy bullets shows what dodging is
    worth; merging ``alien_left`` and ``alien_right`` into both channels hides which way the
    block is heading (what a single frame of the real game shows).
    """

    def __init__(
        self, policy: nn.Module, hidden: tuple[int, ...] = (), merge_aliens: bool = False
    ) -> None:
        super().__init__()
        self.policy = policy
        self.hidden = tuple(check_int("hidden", channel, 0, 4) for channel in hidden)
        self.merge_aliens = merge_aliens

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        seen = obs.clone()
        if self.merge_aliens:
            aliens = seen[:, 1] | seen[:, 2] if seen.dtype == torch.uint8 else seen[:, 1:3].amax(1)
            seen[:, 1] = aliens
            seen[:, 2] = aliens
        if self.hidden:
            seen[:, list(self.hidden)] = 0
        return self.policy(seen)
