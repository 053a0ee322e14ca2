"""Experience replay: a fixed-size ring buffer of transitions, sampled uniformly.

Storage
    Five preallocated numpy arrays with one slot per transition: observation, action, reward,
    next observation and ``terminated``. Writing is O(1) and allocates nothing.

Binary pictures
    A Space Invaders observation is 500 cells of 0 or 1 (5 channels of 10 × 10). With
    ``binary=True`` each is stored packed, 8 cells to a byte (63 bytes instead of 500 as uint8
    or 2,000 as float32), and unpacked to uint8 when sampled: 100,000 transitions take about
    13 MB instead of 100 MB, which matters in a web server's training workers.

Wrap-around
    Slots are written in order 0, 1, 2, ...; when the buffer is full, the next write goes back
    to slot 0 and overwrites the oldest transition.

Sampling
    Uniform with replacement, over the slots written so far only: a buffer holding 3 of 100
    transitions never returns one of the 97 empty slots.

Why ``terminated`` and not ``done``
    CartPole ends an episode either because the pole fell (``terminated``: the true end, no
    future reward) or because 500 steps passed (``truncated``: a time limit of the experiment,
    not of the task). Only ``terminated`` may cut off the bootstrap in the Bellman target, so
    only it is stored. (Space Invaders, as in MinAtar, has no time limit: its episodes only
    terminate.)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Transitions(NamedTuple):
    """A batch of transitions as numpy arrays; the first axis is the batch."""

    obs: np.ndarray  # (batch, *observation shape): float32 (CartPole) or uint8 0/1 (pictures)
    actions: np.ndarray  # (batch,) int64
    rewards: np.ndarray  # (batch,) float32
    next_obs: np.ndarray  # (batch, *observation shape), as obs
    terminated: np.ndarray  # (batch,) bool: the episode truly ended (not a time limit)


class ReplayBuffer:
    """Ring buffer of the last ``capacity`` transitions.

    Args:
        capacity: number of slots; the oldest transition is overwritten once full.
        observation_shape: length of an observation vector (4 for CartPole), or the shape of
            an observation (``(5, 10, 10)`` for Space Invaders).
        binary: observations are 0/1 pictures: stored packed, sampled as uint8.
    """

    def __init__(
        self, capacity: int, observation_shape: int | tuple[int, ...] = 4, *, binary: bool = False
    ) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity!r}")
        self.capacity = capacity
        shape = (observation_shape,) if isinstance(observation_shape, int) else observation_shape
        self.observation_shape = tuple(int(size) for size in shape)
        self.binary = binary
        self._cells = int(np.prod(self.observation_shape))
        if binary:
            stored = (capacity, -(-self._cells // 8))
            self.obs = np.zeros(stored, dtype=np.uint8)
            self.next_obs = np.zeros(stored, dtype=np.uint8)
        else:
            self.obs = np.zeros((capacity, *self.observation_shape), dtype=np.float32)
            self.next_obs = np.zeros((capacity, *self.observation_shape), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.terminated = np.zeros(capacity, dtype=bool)
        self.position = 0  # slot the next transition goes to
        self.size = 0  # slots written so far (at most capacity)

    def __len__(self) -> int:
        return self.size

    def add(
        self,
        obs: np.ndarray,
        action: int,
        reward: float,
        next_obs: np.ndarray,
        terminated: bool,
    ) -> None:
        """Store one transition, overwriting the oldest one if the buffer is full."""
        i = self.position
        if self.binary:
            self.obs[i] = np.packbits(obs, axis=None)
            self.next_obs[i] = np.packbits(next_obs, axis=None)
        else:
            self.obs[i] = obs
            self.next_obs[i] = next_obs
        self.actions[i] = action
        self.rewards[i] = reward
        self.terminated[i] = terminated
        self.position = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int, rng: np.random.Generator) -> Transitions:
        """Draw ``batch_size`` written transitions uniformly at random (with replacement)."""
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer")
        idx = rng.integers(0, self.size, size=batch_size)
        return self.at(idx)

    def latest(self, count: int = 1) -> Transitions:
        """The ``count`` most recently written transitions, oldest first: consecutive steps.

        This is what learning without experience replay sees: the same amount of data per
        gradient step as a replayed batch, but strongly correlated.
        """
        if self.size == 0:
            raise ValueError("the replay buffer is empty")
        count = min(count, self.size)
        return self.at((self.position - count + np.arange(count)) % self.capacity)

    def at(self, idx: np.ndarray) -> Transitions:
        """The transitions in slots ``idx`` (copies, safe to keep)."""
        return Transitions(
            self._observations(self.obs, idx),
            self.actions[idx],
            self.rewards[idx],
            self._observations(self.next_obs, idx),
            self.terminated[idx],
        )

    def _observations(self, stored: np.ndarray, idx: np.ndarray) -> np.ndarray:
        if not self.binary:
            return stored[idx]
        cells = np.unpackbits(stored[idx], axis=1, count=self._cells)
        return cells.reshape(len(cells), *self.observation_shape)
