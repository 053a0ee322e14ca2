"""Every hyperparameter of a DQN run, in one frozen, validated dataclass.

Style
    As in CleanRL, all knobs live in one place at the top. Each field carries a one-line
    comment: what it does, and why the default was chosen. ``DQNConfig()`` is exactly the
    default run the page shows.

Validation
    ``__post_init__`` checks every field. A wrong type, NaN or infinity, a value out of range,
    an unknown reward scheme or an absurd size raises ``ValueError`` naming the field and its
    allowed range, so a bad slider value fails loudly before any training starts.

Units
    Budgets, schedules and periods count environment steps (one ``env.step`` call), except the
    fields ending in ``_episodes`` and ``gradient_steps``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from core.validation import check_bool, check_int, check_number

REWARD_SCHEMES = ("gymnasium", "sutton_barto")
"""``gymnasium``: +1 per step. ``sutton_barto``: 0 per step, -1 on failure."""

MAX_ENV_STEPS = 2_000_000
"""Largest training budget: far beyond what CartPole needs, still minutes, not hours."""

MAX_BUFFER_SIZE = 2_000_000
"""Largest replay buffer: 2M transitions of CartPole are about 90 MB of numpy arrays."""


@dataclass(frozen=True)
class DQNConfig:
    """Hyperparameters of one DQN training run on CartPole-v1 (the page's defaults).

    The defaults solve CartPole-v1 (greedy mean return >= 475 over 20 episodes) for each of
    the seeds 0-7 within 25,000-40,000 env steps (about 5-8 s on an idle 2-core CPU); see
    ``bench/dqn.py``. A seed that does not solve spends the 50,000-step budget (about 10 s).
    """

    # --- Run ---
    seed: int = 0  # seeds torch, numpy and the environment: same config, same run
    reward_scheme: str = "gymnasium"  # "gymnasium" (+1 per step) or "sutton_barto" (-1 on failure)
    max_env_steps: int = 50_000  # step budget, ends with the episode crossing it: ~15 s at most
    max_episodes: int = 2_000  # episode budget: rarely binding, a guard for ablation runs

    # --- Q-network ---
    hidden_width: int = 128  # units per hidden layer: plenty for 4 inputs, cheap on one CPU core
    hidden_depth: int = 2  # hidden layers: the usual 2-layer MLP of DQN tutorials for CartPole

    # --- Learning ---
    learning_rate: float = 2e-3  # Adam step: 8/8 seeds solve by 40k steps; 2.5e-3 stalled 1 of 8
    gamma: float = 0.99  # discount: a horizon of ~100 steps is enough to see a pole falling
    batch_size: int = 128  # transitions per gradient step: 2x the data of 64 at ~1.1x the CPU cost
    train_frequency: int = 8  # env steps per learning phase: each transition replayed ~16 times
    gradient_steps: int = 1  # gradient steps per learning phase: one, to keep steps cheap
    max_grad_norm: float = 10.0  # gradient norm clip: stops rare huge TD errors wrecking the net
    double_dqn: bool = True  # Double DQN target: less overestimation, fewer collapses

    # --- Replay buffer ---
    use_replay: bool = True  # off: learn from the latest transition only (batch of 1)
    buffer_size: int = 50_000  # transitions kept: holds the whole run, so nothing useful is lost
    learning_starts: int = 1_000  # random-policy warm-up steps before the first gradient step

    # --- Target network ---
    use_target_network: bool = True  # off: bootstrap from the online network itself
    target_update_period: int = 200  # env steps between target syncs: 500 was slower, 100 unstable
    target_tau: float = 1.0  # 1.0 copies the online net (hard update); below 1, a soft update

    # --- Exploration (epsilon-greedy, linear decay) ---
    epsilon_start: float = 1.0  # start fully random: the untrained net knows nothing
    epsilon_end: float = 0.05  # keep 5% random actions so the buffer keeps seeing recoveries
    epsilon_decay_steps: int = 10_000  # env steps from start to end: 1/5 of the budget

    # --- Solved check (greedy evaluation during training) ---
    eval_every_episodes: int = 5  # episodes between greedy checks once training looks good
    eval_min_recent_length: float = 150.0  # check only when the last 20 episodes average this long
    eval_episodes: int = 10  # greedy episodes per check: 10 is a fair test, and takes milliseconds
    solved_threshold: float = 475.0  # greedy mean return that counts as solved (Gymnasium's bar)
    stop_when_solved: bool = True  # stop and keep the policy once solved: avoids later collapse

    def __post_init__(self) -> None:
        check_int("seed", self.seed, 0, 2**32 - 1)
        if not isinstance(self.reward_scheme, str) or self.reward_scheme not in REWARD_SCHEMES:
            raise ValueError(
                f"reward_scheme must be one of {', '.join(REWARD_SCHEMES)}, "
                f"got {self.reward_scheme!r}"
            )
        check_int("max_env_steps", self.max_env_steps, 1, MAX_ENV_STEPS)
        check_int("max_episodes", self.max_episodes, 1, 100_000)

        check_int("hidden_width", self.hidden_width, 1, 1024)
        check_int("hidden_depth", self.hidden_depth, 1, 8)

        check_number("learning_rate", self.learning_rate, 0.0, 1.0, low_open=True)
        check_number("gamma", self.gamma, 0.0, 1.0)
        check_int("batch_size", self.batch_size, 1, 4096)
        check_int("train_frequency", self.train_frequency, 1, 10_000)
        check_int("gradient_steps", self.gradient_steps, 1, 1_000)
        check_number("max_grad_norm", self.max_grad_norm, 0.0, 1e6, low_open=True)
        check_bool("double_dqn", self.double_dqn)

        check_bool("use_replay", self.use_replay)
        check_int("buffer_size", self.buffer_size, 1, MAX_BUFFER_SIZE)
        if self.use_replay and self.batch_size > self.buffer_size:
            raise ValueError(
                f"batch_size must be at most buffer_size ({self.buffer_size:,}), "
                f"got {self.batch_size!r}"
            )
        check_int("learning_starts", self.learning_starts, 0, MAX_ENV_STEPS)

        check_bool("use_target_network", self.use_target_network)
        check_int("target_update_period", self.target_update_period, 1, MAX_ENV_STEPS)
        check_number("target_tau", self.target_tau, 0.0, 1.0, low_open=True)

        check_number("epsilon_start", self.epsilon_start, 0.0, 1.0)
        check_number("epsilon_end", self.epsilon_end, 0.0, 1.0)
        if self.epsilon_end > self.epsilon_start:
            raise ValueError(
                f"epsilon_end must be in [0, epsilon_start={self.epsilon_start:g}], "
                f"got {self.epsilon_end!r}"
            )
        check_int("epsilon_decay_steps", self.epsilon_decay_steps, 0, MAX_ENV_STEPS)

        check_int("eval_every_episodes", self.eval_every_episodes, 1, 100_000)
        check_number("eval_min_recent_length", self.eval_min_recent_length, 0.0, 500.0)
        check_int("eval_episodes", self.eval_episodes, 1, 1_000)
        check_number("solved_threshold", self.solved_threshold, 0.0, 500.0)
        check_bool("stop_when_solved", self.stop_when_solved)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict of Python scalars (for JSON or a saved run)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DQNConfig:
        """Rebuild a config from :meth:`to_dict` output; unknown keys raise ValueError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown DQNConfig fields: {', '.join(unknown)}")
        return cls(**values)
