"""Greedy evaluation and single-episode state traces for drawing CartPole.

Greedy evaluation
    The trained policy is judged without exploration: always the argmax action, on fresh
    episodes seeded ``seed, seed + 1, ...``, on standard CartPole-v1 (+1 per step, truncated at
    500 steps). The return is therefore the number of steps the pole stayed up, whatever reward
    scheme the network was trained with, and 500 is the best possible. Episodes run in lockstep
    so one batched forward pass serves all of them.

Traces
    :func:`greedy_episode` returns the states of one greedy episode with the network's Q-values
    in every state; :func:`greedy_episode_states` and :func:`random_episode_states` return the
    state vectors (cart position, cart velocity, pole angle, pole angular velocity) alone,
    enough to draw an animation without pygame.

What the network learned
    :func:`value_map` asks the network about a grid of pole angles and angular velocities
    (cart at rest in the middle), the two inputs that matter most for balancing.
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from core.dqn.config import REWARD_SCHEMES
from core.validation import MAX_SEED, check_int

ENV_ID = "CartPole-v1"
MAX_EPISODE_STEPS = 500
"""CartPole-v1's time limit: an episode is truncated (not terminated) after 500 steps."""
EVAL_EPISODES = 20
"""Greedy episodes of the evaluation a finished run is judged by (the page and the bench)."""
EVAL_SEED = 10_000
"""First seed of those episodes: far from training's seeds, the same for every run."""
FAIL_ANGLE = 12 * 2 * np.pi / 360
"""The pole falls (the episode terminates) beyond 12 degrees."""


def make_env(reward_scheme: str = "gymnasium") -> gym.Env:
    """CartPole-v1 with Gymnasium's default wrappers and the chosen reward scheme.

    ``"gymnasium"``: +1 every step. ``"sutton_barto"``: 0 every step, -1 when the pole falls
    or the cart leaves the track (``gym.make(..., sutton_barto_reward=True)``).
    """
    if reward_scheme not in REWARD_SCHEMES:
        raise ValueError(
            f"reward_scheme must be one of {', '.join(REWARD_SCHEMES)}, got {reward_scheme!r}"
        )
    return gym.make(ENV_ID, sutton_barto_reward=reward_scheme == "sutton_barto")


def _check_episodes(episodes: object, seed: object, max_steps: object) -> None:
    check_int("episodes", episodes, 1, 10_000)
    check_int("seed", seed, 0, MAX_SEED)
    check_int("max_steps", max_steps, 1, MAX_EPISODE_STEPS)


@torch.no_grad()
def evaluate(
    policy: nn.Module,
    episodes: int = EVAL_EPISODES,
    seed: int = EVAL_SEED,
    max_steps: int = MAX_EPISODE_STEPS,
) -> np.ndarray:
    """Greedy returns of ``policy`` on ``episodes`` CartPole-v1 episodes seeded seed + i.

    Args:
        policy: a Q-network mapping (batch, 4) observations to (batch, 2) action values.
        episodes: number of episodes.
        seed: episode i starts from ``env.reset(seed=seed + i)``.
        max_steps: stop each episode after this many steps (500 = CartPole-v1's limit).

    Returns:
        float64 array (episodes,): steps balanced per episode (+1 per step), at most 500.
    """
    _check_episodes(episodes, seed, max_steps)
    was_training = policy.training
    policy.eval()
    envs = [gym.make(ENV_ID) for _ in range(episodes)]
    obs = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(envs)])
    returns = np.zeros(episodes)
    alive = np.arange(episodes)  # indices of episodes still running
    try:
        for _ in range(max_steps):
            actions = policy(torch.from_numpy(obs[alive])).argmax(dim=1).numpy()
            still_alive = []
            for i, action in zip(alive, actions, strict=True):
                obs[i], _, terminated, truncated, _ = envs[i].step(int(action))
                returns[i] += 1.0
                if not (terminated or truncated):
                    still_alive.append(i)
            alive = np.array(still_alive, dtype=np.int64)
            if alive.size == 0:
                break
    finally:
        for env in envs:
            env.close()
        policy.train(was_training)
    return returns


@torch.no_grad()
def greedy_episode_states(
    policy: nn.Module, seed: int = 0, max_steps: int = MAX_EPISODE_STEPS
) -> np.ndarray:
    """States of one greedy episode of ``policy`` from ``env.reset(seed=seed)``.

    Returns:
        float32 array (steps + 1, 4): the start state, then the state after every step
        (cart position, cart velocity, pole angle in radians, pole angular velocity).
    """
    _check_episodes(1, seed, max_steps)
    was_training = policy.training
    policy.eval()
    try:
        return _episode_states(
            seed, max_steps, lambda obs: int(policy(torch.from_numpy(obs)[None]).argmax())
        )
    finally:
        policy.train(was_training)


@dataclass(frozen=True)
class EpisodeTrace:
    """One greedy episode: ``states`` (steps + 1, 4) and the Q-values in each (steps + 1, 2)."""

    states: np.ndarray
    q_values: np.ndarray


@torch.no_grad()
def greedy_episode(
    policy: nn.Module, seed: int = 0, max_steps: int = MAX_EPISODE_STEPS
) -> EpisodeTrace:
    """One greedy episode of ``policy`` with its Q(s, left) and Q(s, right) in every state."""
    states = greedy_episode_states(policy, seed, max_steps)
    was_training = policy.training
    policy.eval()
    try:
        q_values = policy(torch.from_numpy(states)).numpy()
    finally:
        policy.train(was_training)
    return EpisodeTrace(states=states, q_values=q_values.astype(np.float64))


@torch.no_grad()
def value_map(policy: nn.Module, angles: np.ndarray, angular_velocities: np.ndarray) -> np.ndarray:
    """Q-values over a grid of pole angles x angular velocities, cart at rest at the centre.

    Returns an array (len(angular_velocities), len(angles), 2) of Q(s, left), Q(s, right).
    """
    angle, velocity = np.meshgrid(angles, angular_velocities)
    states = np.zeros((*angle.shape, 4), dtype=np.float32)
    states[..., 2], states[..., 3] = angle, velocity
    was_training = policy.training
    policy.eval()
    try:
        q_values = policy(torch.from_numpy(states.reshape(-1, 4))).numpy()
    finally:
        policy.train(was_training)
    return q_values.reshape(*angle.shape, -1).astype(np.float64)


def random_episode_states(seed: int = 0, max_steps: int = MAX_EPISODE_STEPS) -> np.ndarray:
    """States of one episode of a uniformly random policy, seeded by ``seed``.

    Returns:
        float32 array (steps + 1, 4), as :func:`greedy_episode_states`.
    """
    _check_episodes(1, seed, max_steps)
    rng = np.random.default_rng(seed)
    return _episode_states(seed, max_steps, lambda obs: int(rng.integers(2)))


def _episode_states(seed: int, max_steps: int, choose) -> np.ndarray:
    env = gym.make(ENV_ID)
    try:
        obs, _ = env.reset(seed=seed)
        states = [obs]
        for _ in range(max_steps):
            obs, _, terminated, truncated, _ = env.step(choose(obs))
            states.append(obs)
            if terminated or truncated:
                break
    finally:
        env.close()
    return np.stack(states).astype(np.float32)
