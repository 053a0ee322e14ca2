""" "Be the agent": a person plays one hidden bandit, then meets agents on the very same one.

The hidden bandit and its reward noise come from the same random streams as
:func:`core.bandit.simulate` with ``runs=1``, so an agent simulated with the game's seed faces
the same true values and, at every step, the same noise: whichever arm is pulled at step t pays
q*(arm) + noise[t]. The comparison is fair pull by pull, not only on average.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.bandit import (
    _BLOCK_STEPS,
    UCB,
    EpsilonGreedy,
    Greedy,
    Strategy,
    draw_problems,
    simulate,
)
from core.validation import MAX_SEED, check_int

MAX_PULLS = 500
RIVALS: tuple[Strategy, ...] = (Greedy(), EpsilonGreedy(epsilon=0.1), UCB(c=2.0))
"""The agents a player is compared with."""


def hidden_bandit(arms: int, pulls: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The true values (``arms``,) and per-step reward noise (``pulls``,) of the game.

    Identical to what ``simulate(..., runs=1, seed=seed)`` draws for its only run.
    """
    q_true, _, reward_rng, _ = draw_problems(arms, 1, seed)
    chunks = [
        reward_rng.standard_normal((min(_BLOCK_STEPS, pulls - start), 1))
        for start in range(0, pulls, _BLOCK_STEPS)
    ]
    return q_true[0], np.concatenate(chunks)[:, 0]


@dataclass
class BanditGame:
    """One game: a hidden ``arms``-armed bandit played for ``pulls`` pulls.

    Attributes
        actions, rewards: what the player pulled and received so far, in order.
    """

    seed: int
    arms: int = 10
    pulls: int = 20
    actions: list[int] = field(default_factory=list)
    rewards: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_int("seed", self.seed, 0, MAX_SEED)
        check_int("arms", self.arms, 2, 100)
        check_int("pulls", self.pulls, 1, MAX_PULLS)
        self._q_true, self._noise = hidden_bandit(self.arms, self.pulls, self.seed)

    @property
    def pulls_left(self) -> int:
        return self.pulls - len(self.actions)

    @property
    def finished(self) -> bool:
        return self.pulls_left == 0

    def pull(self, arm: int) -> float:
        """Pull ``arm`` (0-based) and return its reward."""
        if self.finished:
            raise ValueError("pulls left must be at least 1: the game is over, start a new one")
        if not 0 <= arm < self.arms:
            raise ValueError(f"arm must be a whole number from 0 to {self.arms - 1}, got {arm!r}")
        reward = float(self._q_true[arm] + self._noise[len(self.actions)])
        self.actions.append(int(arm))
        self.rewards.append(reward)
        return reward

    def tally(self) -> tuple[np.ndarray, np.ndarray]:
        """The player's own table so far: pulls per arm and average reward per arm (NaN if none)."""
        counts = np.bincount(self.actions, minlength=self.arms).astype(float)
        sums = np.bincount(self.actions, weights=self.rewards, minlength=self.arms)
        with np.errstate(invalid="ignore", divide="ignore"):
            averages = np.where(counts > 0, sums / counts, np.nan)
        return counts, averages

    @property
    def total(self) -> float:
        return float(sum(self.rewards))

    def reveal(self) -> np.ndarray:
        """The true values, for the end of the game."""
        if not self.finished:
            raise ValueError("the true values are revealed only when pulls left is 0")
        return self._q_true.copy()

    @property
    def best_expected_total(self) -> float:
        """What always pulling the best arm expects to earn over the game."""
        return float(self._q_true.max() * self.pulls)

    def rival_rewards(self) -> dict[str, np.ndarray]:
        """Each rival's rewards, pull by pull, on this bandit with these reward draws."""
        return {
            rival.label: simulate(
                rival, arms=self.arms, steps=self.pulls, runs=1, seed=self.seed
            ).trace.rewards
            for rival in RIVALS
        }
