"""Every hyperparameter of a DQN run, in one frozen, validated dataclass.

Style
    As in CleanRL, all knobs live in one place at the top. Each field says, once, what it does
    and why the default was chosen (its ``help``); a field a learner may change also names its
    control (``label``, ``group``, the choices or bounds, and the key that keeps it in the
    page's URL). The page's form is generated from these fields, so the words live here only.
    ``DQNConfig()`` is exactly the default run the page shows.

Validation
    ``__post_init__`` checks every field. A wrong type, NaN or infinity, a value out of range,
    an unknown reward scheme or an absurd size raises ``ValueError`` naming the field and its
    allowed range, so a bad slider value fails loudly before any training starts.

Units
    Budgets, schedules and periods count environment steps (one ``env.step`` call), except the
    fields ending in ``_episodes`` and ``gradient_steps``. With several games played at once,
    one step of all of them counts ``parallel_games`` environment steps.

Environments
    ``environment`` picks the game and with it the network: ``"cartpole"`` (4 numbers, an MLP)
    or ``"invaders"`` (MinAtar's Space Invaders, a 5 × 10 × 10 picture, a convolutional
    network). The field defaults are CartPole's; :data:`ENVIRONMENT_DEFAULTS` holds the values
    another game starts from, each with its reason, and :meth:`DQNConfig.for_environment`
    builds that game's default run. A control that only means something in one game names it
    (``environments`` in its metadata).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from core.validation import MAX_SEED, check_bool, check_int, check_number

ENVIRONMENTS = ("cartpole", "invaders")
"""``cartpole``: Gymnasium's CartPole-v1. ``invaders``: ``core.invaders`` (MinAtar's rules)."""

REWARD_SCHEMES = ("gymnasium", "sutton_barto")
"""``gymnasium``: +1 per step. ``sutton_barto``: 0 per step, -1 on failure."""

SOLVED_THRESHOLD = 475.0
"""Gymnasium's bar for CartPole-v1 (there: a mean over 100 consecutive episodes)."""

MAX_ENV_STEPS = 2_000_000
"""Largest training budget: far beyond what CartPole needs, still minutes, not hours."""

MAX_BUFFER_SIZE = 2_000_000
"""Largest replay buffer: 2M transitions of CartPole are about 90 MB of numpy arrays (of Space
Invaders, with its binary pictures packed 8 cells to a byte, about 270 MB)."""

MAX_PARALLEL_GAMES = 256
"""Most games played side by side while collecting experience."""


def knob(
    default: Any,
    help: str,
    *,
    label: str | None = None,
    group: str | None = None,
    url: str | None = None,
    choices: tuple | dict | None = None,
    bounds: tuple[float, float, float] | None = None,
    environments: tuple[str, ...] = ENVIRONMENTS,
) -> Any:
    """A config field with its one-line reason (``help``) and, for a learner's control, its
    ``label``, form ``group``, ``url`` key and either ``choices`` (a tuple, or a dict from value
    to display text) or ``bounds`` (min, max, step); ``environments`` lists the games in which
    the control means something (all by default)."""
    metadata: dict[str, object] = {"help": help, "label": label, "group": group, "url": url}
    metadata |= {"choices": choices, "bounds": bounds, "environments": environments}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class DQNConfig:
    """Hyperparameters of one DQN training run (the defaults: CartPole-v1, the DQN page's run).

    The defaults solve CartPole-v1 (greedy mean return >= 475 over 20 episodes) for each of
    the seeds 0-7 within 27,000-54,000 env steps (9-20 CPU-seconds of one core, measured on a
    busy machine); see ``python -m bench --only dqn``. With a 50,000-step budget seeds 1 and 5
    stopped short (greedy 400 and 375), hence 60,000.
    """

    # --- Run ---
    environment: str = knob(
        "cartpole",
        "The game: CartPole-v1 (a state of 4 numbers, an MLP) or Space Invaders on MinAtar's "
        "10 × 10 grid (a picture of 5 binary channels, a convolutional network).",
    )
    max_env_steps: int = knob(
        60_000,
        "Training stops here, or earlier once a greedy check scores 475 or more.",
        label="Budget (environment steps)",
        group="Training",
        url="budget",
        choices=(1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000),
    )
    seed: int = knob(
        0,
        "Seeds the network's initial weights, exploration, replay sampling and the "
        "environment: same settings and seed, same run.",
        label="Seed",
        group="Training",
        url="dqn_seed",
        bounds=(0, 9_999, 1),
    )
    reward_scheme: str = knob(
        "gymnasium",
        "Same goal, different signal: the reward structure changes how fast DQN learns. "
        "Greedy evaluation always counts steps balanced (+1 per step).",
        label="Reward scheme",
        group="Training",
        url="reward",
        choices={
            "gymnasium": "+1 per step (Gymnasium)",
            "sutton_barto": "−1 on failure, else 0 (Sutton & Barto)",
        },
        environments=("cartpole",),
    )
    max_episodes: int = knob(
        2_000, "Episode budget: rarely binding, a guard for ablation runs that stay short."
    )
    parallel_games: int = knob(
        1,
        "Games played side by side while collecting experience: one batched forward pass "
        "chooses the actions of all of them. CartPole plays one game.",
    )

    # --- The three ingredients ---
    use_replay: bool = knob(
        True,
        "On: learn from random samples of past transitions. Off: from the latest consecutive "
        "transitions only (same batch size and cadence), so only the correlation changes.",
        label="Experience replay",
        group="Ingredients",
        url="replay",
    )
    use_target_network: bool = knob(
        True,
        "On: bootstrap from a copy of the network synced every few hundred steps, which holds "
        "the target still. Off: from the network being trained.",
        label="Target network",
        group="Ingredients",
        url="target_net",
    )
    double_dqn: bool = knob(
        True,
        "Pick the next action with the online network, value it with the target network: "
        "less overestimation, fewer collapses (van Hasselt et al., 2016).",
        label="Double DQN",
        group="Ingredients",
        url="double",
    )

    # --- Q-network ---
    conv_channels: int = knob(
        16,
        "Filters of the convolutional layer, each a 3 × 3 pattern detector slid over the whole "
        "grid: MinAtar's DQN uses 16.",
        label="Convolution filters",
        group="Network and learning",
        url="filters",
        choices=(4, 8, 16, 32),
        environments=("invaders",),
    )
    hidden_width: int = knob(
        128,
        "Units per hidden layer: plenty for 4 inputs, cheap on one CPU core.",
        label="Hidden units per layer",
        group="Network and learning",
        url="width",
        choices=(16, 32, 64, 128, 256),
    )
    hidden_depth: int = knob(
        2,
        "Hidden layers: the usual 2-layer MLP of DQN tutorials for CartPole.",
        label="Hidden layers",
        group="Network and learning",
        url="layers",
        bounds=(1, 3, 1),
    )

    # --- Learning ---
    learning_rate: float = knob(
        2e-3,
        "Adam's step size: 8 of 8 seeds solve by 40k steps; 2.5e-3 stalled 1 of 8.",
        label="Learning rate",
        group="Network and learning",
        url="lr",
        choices=(1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2),
    )
    gamma: float = knob(
        0.99,
        "Discount: how much future reward counts. γ = 0.99 weighs about the next 100 steps, "
        "enough to see a pole falling.",
        label="Discount γ",
        group="Network and learning",
        url="gamma",
        choices=(0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
    )
    batch_size: int = knob(
        128,
        "Transitions per gradient step: 2x the data of 64 at about 1.1x the CPU cost.",
        label="Batch size",
        group="Network and learning",
        url="batch",
        choices=(16, 32, 64, 128, 256),
    )
    train_frequency: int = knob(
        8,
        "Environment steps per learning phase: each transition is replayed about 16 times.",
        label="Learn every (steps)",
        group="Network and learning",
        url="train_every",
        choices=(1, 2, 4, 8, 16),
    )
    gradient_steps: int = knob(1, "Gradient steps per learning phase: one keeps steps cheap.")
    max_grad_norm: float = knob(
        10.0, "Gradient norm clip: stops a rare huge TD error from wrecking the network."
    )

    # --- Replay buffer ---
    buffer_size: int = knob(
        50_000,
        "How many past transitions are kept to sample from: the last 50,000, most of a run.",
        label="Replay buffer size",
        group="Network and learning",
        url="buffer",
        choices=(1_000, 5_000, 10_000, 50_000, 100_000),
    )
    learning_starts: int = knob(
        1_000,
        "Warm-up: environment steps of exploration before the first gradient step, so the "
        "first batches are not all from one episode.",
        label="Warm-up (steps)",
        group="Network and learning",
        url="warmup",
        choices=(0, 500, 1_000, 2_000, 5_000),
    )

    # --- Target network ---
    target_update_period: int = knob(
        200,
        "Environment steps between target syncs: 500 was slower, 100 unstable.",
        label="Target sync every (steps)",
        group="Network and learning",
        url="target_every",
        choices=(10, 50, 100, 200, 500, 1_000, 2_000),
    )
    target_tau: float = knob(
        1.0, "1.0 copies the online network (a hard update); below 1, a soft update."
    )

    # --- Exploration (epsilon-greedy, linear decay) ---
    epsilon_start: float = knob(
        1.0,
        "ε at the first step: fully random, since the untrained network knows nothing.",
        label="ε at the start",
        group="Exploration",
        url="eps_start",
        bounds=(0.1, 1.0, 0.05),
    )
    epsilon_end: float = knob(
        0.05,
        "ε's floor: 5% random actions keep the buffer seeing recoveries from bad states.",
        label="ε at the end",
        group="Exploration",
        url="eps_end",
        bounds=(0.0, 0.2, 0.01),
    )
    epsilon_decay_steps: int = knob(
        10_000,
        "Environment steps over which ε falls in a straight line from its start to its end "
        "(a linear schedule, unlike the exponential default of the decaying-ε page).",
        label="ε decay (steps)",
        group="Exploration",
        url="eps_decay",
        choices=(1_000, 2_000, 5_000, 10_000, 20_000, 50_000),
    )

    # --- Solved check (greedy evaluation during training) ---
    eval_every_episodes: int = knob(5, "Episodes between greedy checks once training looks good.")
    eval_min_recent_length: float = knob(
        150.0, "Check only when the last 20 training episodes average at least this long."
    )
    eval_episodes: int = knob(10, "Greedy episodes per check: a fair test that takes milliseconds.")
    solved_threshold: float = knob(
        SOLVED_THRESHOLD, "Greedy mean return that counts as solved (Gymnasium's bar)."
    )
    stop_when_solved: bool = knob(
        True, "Stop and keep the policy once solved: avoids the collapse that can follow."
    )

    def __post_init__(self) -> None:
        if not isinstance(self.environment, str) or self.environment not in ENVIRONMENTS:
            raise ValueError(
                f"environment must be one of {', '.join(ENVIRONMENTS)}, got {self.environment!r}"
            )
        check_int("seed", self.seed, 0, MAX_SEED)
        if not isinstance(self.reward_scheme, str) or self.reward_scheme not in REWARD_SCHEMES:
            raise ValueError(
                f"reward_scheme must be one of {', '.join(REWARD_SCHEMES)}, "
                f"got {self.reward_scheme!r}"
            )
        if self.environment == "invaders" and self.reward_scheme != "gymnasium":
            raise ValueError(
                f"reward_scheme must be gymnasium (the game's score) for invaders, "
                f"got {self.reward_scheme!r}"
            )
        check_int("max_env_steps", self.max_env_steps, 1, MAX_ENV_STEPS)
        check_int("max_episodes", self.max_episodes, 1, 100_000)
        check_int("parallel_games", self.parallel_games, 1, MAX_PARALLEL_GAMES)
        if self.environment == "cartpole" and self.parallel_games != 1:
            raise ValueError(f"parallel_games must be 1 for cartpole, got {self.parallel_games!r}")

        check_int("conv_channels", self.conv_channels, 1, 256)
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
        if self.batch_size > self.buffer_size:
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
    def for_environment(cls, environment: str, **changes: Any) -> DQNConfig:
        """The default run of ``environment`` (:data:`ENVIRONMENT_DEFAULTS`), with ``changes``."""
        if environment not in ENVIRONMENT_DEFAULTS:
            raise ValueError(
                f"environment must be one of {', '.join(ENVIRONMENTS)}, got {environment!r}"
            )
        defaults = {name: value for name, (value, _) in ENVIRONMENT_DEFAULTS[environment].items()}
        return cls(**{"environment": environment, **defaults, **changes})

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DQNConfig:
        """Rebuild a config from :meth:`to_dict` output; unknown keys raise ValueError.

        Fields missing from ``values`` take their defaults: a run saved before a field existed
        (a CartPole run without ``environment``) loads as it was trained."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown DQNConfig fields: {', '.join(unknown)}")
        return cls(**values)

    @property
    def warm_up_covers_budget(self) -> bool:
        """True when the budget ends before (or right as) learning would start."""
        return self.max_env_steps <= self.learning_starts


ENVIRONMENT_DEFAULTS: dict[str, dict[str, tuple[Any, str]]] = {
    "cartpole": {},
    "invaders": {
        "max_env_steps": (
            50_000,
            "About a minute of one CPU core at the shipped run's measured training speed: long "
            "enough to see the score climb well past random play's 4.",
        ),
        "max_episodes": (100_000, "Episodes are short early on: the step budget binds first."),
        "parallel_games": (
            16,
            "One batched forward pass picks the actions of 16 games: acting costs a sixteenth "
            "of a forward pass per step, and the buffer fills with 16 different situations.",
        ),
        "hidden_width": (
            128,
            "Units of the fully connected layer after the convolution: MinAtar's DQN uses 128.",
        ),
        "hidden_depth": (
            1,
            "One fully connected layer after the convolution, as in MinAtar's DQN: conv 16 @ "
            "3 × 3 → 128 → one value per action.",
        ),
        "learning_rate": (1e-3, "Adam's step size."),
        "batch_size": (64, "Transitions per gradient step."),
        "train_frequency": (4, "Environment steps per learning phase."),
        "buffer_size": (100_000, "Past transitions kept: MinAtar's DQN keeps 100,000."),
        "learning_starts": (
            5_000,
            "Warm-up: environment steps of random play before the first gradient step, as in "
            "MinAtar's DQN.",
        ),
        "target_update_period": (1_000, "Environment steps between target syncs, as in MinAtar."),
        "epsilon_decay_steps": (
            50_000,
            "Environment steps over which ε falls linearly from its start to its end.",
        ),
        "eval_every_episodes": (50, "Episodes between greedy checks."),
        "eval_min_recent_length": (0.0, "Greedy checks from the start: a score is no length."),
        "solved_threshold": (
            40.0,
            "MinAtar's DQN levels off around 40–45 (Young & Tian, 2019): a greedy check there "
            "marks the run; training goes on to its budget.",
        ),
        "stop_when_solved": (False, "Space Invaders has no solved score: use the whole budget."),
    },
}
"""Per game, the fields whose default (or reason) differs from the class's, CartPole's."""


def help_text(field: Any, environment: str = "cartpole") -> str:
    """A field's reason in ``environment``: the game's own reason where its default differs."""
    override = ENVIRONMENT_DEFAULTS.get(environment, {}).get(field.name)
    return override[1] if override is not None else field.metadata["help"]


def controls(environment: str = "cartpole") -> list[Any]:
    """The fields a learner can change in ``environment`` (those with a ``label`` that apply to
    it), in declaration order."""
    return [
        f
        for f in fields(DQNConfig)
        if f.metadata.get("label") and environment in f.metadata["environments"]
    ]
