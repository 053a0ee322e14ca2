"""The DQN agent: epsilon-greedy acting, one learning step, and the target network.

Acting
    With probability epsilon a uniformly random action (explore), otherwise the action with the
    highest Q(s, a) under the online network (exploit). Epsilon decays linearly
    (:func:`linear_epsilon`). :meth:`DQNAgent.act_batch` decides for several games at once with
    one forward pass; for one game it draws exactly the random numbers :meth:`DQNAgent.act`
    draws.

Bellman target
    For a transition (s, a, r, s', terminated) the network is pulled towards

        y = r + gamma * (1 - terminated) * V(s')

    where V(s') is the value of the next state (:func:`bellman_targets`). A terminated
    transition (the pole fell) has no future; a truncated one (the 500-step time limit) does,
    so it still bootstraps.

Next-state value
    Plain DQN: V(s') = max_a' Q_target(s', a'). Double DQN (van Hasselt et al., 2016): the
    online network picks a* = argmax_a' Q_online(s', a') and the target network scores it,
    V(s') = Q_target(s', a*), which curbs the upward bias of taking a max over noisy
    estimates (:func:`next_state_values`). Without a target network, Q_target is the online
    network itself (with gradients off).

Learning step
    Huber loss (smooth L1) between Q_online(s, a) and y, Adam, and gradient-norm clipping.
    Huber is quadratic for small errors and linear for large ones, so one surprising transition
    cannot produce a huge gradient.

Target network
    A lagging copy of the online network that makes the target y move slowly. Every
    ``target_update_period`` env steps it becomes tau * online + (1 - tau) * target; tau = 1 is
    the classic hard copy.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from core.dqn.config import DQNConfig
from core.dqn.network import ConvQNetwork, QNetwork, build_network
from core.dqn.replay import Transitions


def linear_epsilon(step: int, start: float, end: float, decay_steps: int) -> float:
    """Exploration rate after ``step`` env steps: ``start`` falling linearly to ``end``.

    Reaches ``end`` at ``decay_steps`` and stays there (``decay_steps = 0``: always ``end``).
    """
    if step >= decay_steps:
        return end
    return start + (end - start) * (step / decay_steps)


def bellman_targets(rewards, next_values, terminated, gamma: float):
    """One-step TD targets y = r + gamma * (1 - terminated) * V(s').

    Pure arithmetic on numpy arrays or torch tensors of equal shape (batch,).

    Args:
        rewards: reward of each transition.
        next_values: value estimate V(s') of each next state (see :func:`next_state_values`).
        terminated: True where the episode truly ended (pole fell, cart left the track). A
            time-limit truncation is NOT terminated: its next state still has a future.
        gamma: discount factor in [0, 1].

    Returns:
        The targets, same type and shape as ``rewards``.
    """
    alive: torch.Tensor | np.ndarray
    if isinstance(terminated, torch.Tensor):
        alive = 1.0 - terminated.to(rewards.dtype)
    else:
        alive = 1.0 - np.asarray(terminated, dtype=np.asarray(rewards).dtype)
    return rewards + gamma * alive * next_values


def next_state_values(target_q: torch.Tensor, online_q: torch.Tensor | None = None) -> torch.Tensor:
    """V(s') from action values of the next states, shape (batch, n_actions) -> (batch,).

    Args:
        target_q: Q_target(s', .) for each next state.
        online_q: Q_online(s', .) for Double DQN, or None for plain DQN.

    Returns:
        Plain DQN: max_a' Q_target(s', a').
        Double DQN: Q_target(s', argmax_a' Q_online(s', a')).
    """
    if online_q is None:
        return target_q.max(dim=1).values
    best = online_q.argmax(dim=1, keepdim=True)
    return target_q.gather(1, best).squeeze(1)


class DQNAgent:
    """Online Q-network, optional target network, optimiser and action choice.

    Args:
        config: the run's hyperparameters (environment, network shape, learning rate, gamma,
            switches).
        rng: numpy generator for exploration coin flips and random actions.
        observation_shape: length of an observation vector (CartPole's 4) or the shape of an
            observation picture (Space Invaders' (5, 10, 10)).
        n_actions: number of discrete actions.
        generator: torch generator for the network's initial weights (see ``network``).
    """

    def __init__(
        self,
        config: DQNConfig,
        rng: np.random.Generator,
        observation_shape: int | tuple[int, ...] = 4,
        n_actions: int = 2,
        generator: torch.Generator | None = None,
    ) -> None:
        self.config = config
        self.rng = rng
        self.n_actions = n_actions
        self.online = build_network(config, observation_shape, n_actions, generator)
        self.target: QNetwork | ConvQNetwork | None = None
        if config.use_target_network:
            self.target = copy.deepcopy(self.online)
            self.target.requires_grad_(False)
        self.optimizer = torch.optim.Adam(
            self.online.parameters(), lr=config.learning_rate, fused=True
        )
        self._params = list(self.online.parameters())

    @torch.no_grad()
    def act(self, obs: np.ndarray, epsilon: float) -> int:
        """Epsilon-greedy action for one observation."""
        if self.rng.random() < epsilon:
            return int(self.rng.integers(self.n_actions))
        q = self.online(torch.from_numpy(obs).unsqueeze(0))
        return int(q.argmax())

    @torch.no_grad()
    def act_batch(self, observations: np.ndarray, epsilon: float) -> np.ndarray:
        """Epsilon-greedy actions (games,) int64 for observations (games, ...), one per game.

        The coin flips come first, one per game, then a random action for each exploring game;
        the network is asked only about the others, in one forward pass.
        """
        games = len(observations)
        explore = self.rng.random(games) < epsilon
        actions = np.empty(games, dtype=np.int64)
        exploring = int(explore.sum())
        if exploring:
            actions[explore] = self.rng.integers(self.n_actions, size=exploring)
        if exploring < games:
            greedy = ~explore
            q = self.online(torch.from_numpy(observations[greedy]))
            actions[greedy] = q.argmax(dim=1).numpy()
        return actions

    @torch.no_grad()
    def targets(self, batch: Transitions) -> torch.Tensor:
        """The Bellman targets y of a batch, as this agent's switches define them.

        Without a target network the bootstrap comes from the online network itself; with
        Double DQN the online network picks the next action and the bootstrap network values
        it (with no target network both roles fall to the online network).
        """
        next_obs = torch.from_numpy(batch.next_obs)
        bootstrap_net = self.target if self.target is not None else self.online
        target_q = bootstrap_net(next_obs)
        if self.config.double_dqn:
            online_q = target_q if self.target is None else self.online(next_obs)
            next_values = next_state_values(target_q, online_q)
        else:
            next_values = next_state_values(target_q)
        rewards = torch.from_numpy(batch.rewards)
        terminated = torch.from_numpy(batch.terminated)
        return bellman_targets(rewards, next_values, terminated, self.config.gamma)

    def learn(self, batch: Transitions) -> float:
        """One gradient step on a batch of transitions; returns the Huber loss before it."""
        obs = torch.from_numpy(batch.obs)
        actions = torch.from_numpy(batch.actions)
        y = self.targets(batch)
        q = self.online(obs).gather(1, actions.unsqueeze(1)).squeeze(1)
        loss = nn.functional.smooth_l1_loss(q, y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self._params, self.config.max_grad_norm)
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def update_target(self) -> None:
        """Move the target network towards the online one: tau * online + (1 - tau) * target."""
        if self.target is None:
            return
        tau = self.config.target_tau
        for t, o in zip(self.target.parameters(), self.online.parameters(), strict=True):
            if tau >= 1.0:
                t.copy_(o)
            else:
                t.lerp_(o, tau)
