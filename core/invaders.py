"""Space Invaders on a 10 × 10 grid, after MinAtar (Young & Tian, 2019), vectorised across games.

Young, K. & Tian, T. (2019). MinAtar: An Atari-Inspired Testbed for Thorough and Reproducible
Reinforcement Learning Experiments. arXiv:1903.03176. The game is written here from the paper's
and the MinAtar README's description of the rules, with the constants of MinAtar 1.0.15; no code
of the ``minatar`` package (GPL-3.0-or-later) is used or copied, and it is no dependency. Run side
by side with MinAtar 1.0.15 outside this project (sticky actions off, 900 episodes of random and
scripted play, 104,713 steps), this engine gave the same observations, rewards and episode ends
at every step, apart from the one final frame described under "Differences".

Two forms of one game
    :class:`InvadersBatch` steps ``games`` independent games at once with numpy (every state
    array has a leading game axis) and restarts a finished game by itself, which is what a DQN
    loop collecting experience from many games wants. :class:`InvadersEnv` is the single-game
    Gymnasium environment; it *is* an ``InvadersBatch`` of one game, so the two cannot drift
    apart: ``InvadersEnv().reset(seed=s + i)`` followed by the same actions plays exactly the
    trajectory of game ``i`` of ``InvadersBatch(games, seed=s)``.

Grid
    Row 0 is the top, row 9 the bottom; column 0 is the left edge.

Action space
    ``Discrete(4)``: 0 no-op, 1 left, 2 right, 3 fire (MinAtar's minimal action set for this
    game; its full set of 6 adds up and down, which do nothing here).

Observation space
    ``Box(0, 1, (5, 10, 10), uint8)``: five binary channels, channels first, so a
    ``torch.nn.Conv2d(5, ...)`` takes a batch of observations as it is (PyTorch convolutions
    expect channels first). uint8 rather than float32 because a replay buffer stores two
    observations per transition: 1,000 bytes instead of 4,000; the network converts with
    ``.float()``. The channels (see :data:`CHANNELS`):

    ====  ===============  ==============================================================
    0     cannon           the player's cannon, always exactly one cell of row 9
    1     alien_left       every alien, while the block moves left (else empty)
    2     alien_right      every alien, while the block moves right (else empty)
    3     friendly_bullet  the cannon's bullets, moving up one row per step
    4     enemy_bullet     the aliens' bullets, moving down one row per step
    ====  ===============  ==============================================================

    A single frame of aliens cannot show which way the block is heading; splitting the aliens
    over two channels by direction does, so one observation is nearly a Markov state. Only the
    timers (shot cooldown, when the block moves or fires next) stay hidden, as in MinAtar.

Rules (one step; MinAtar's order, each check sees the result of the one before)
    1. Sticky action: with probability ``sticky_action_prob`` the chosen action is replaced by
       the action executed at the previous step (no-op at the start of an episode).
    2. The cannon moves one column left or right (it stops at the edges), or fires: a new
       friendly bullet appears in row 9 above the cannon, if the shot cooldown is 0; the
       cooldown then becomes 5, so the cannon fires at most once every 5 steps.
    3. Friendly bullets move up one row (leaving at the top); enemy bullets move down one row
       (leaving at the bottom). An enemy bullet that lands on the cannon ends the episode.
    4. An alien on the cannon ends the episode.
    5. The block of aliens moves when its move timer reaches 0: one column in its direction,
       or, if an alien already stands in the edge column it is heading for, one row down and
       the direction reverses. An alien that would step down from row 9 ends the episode, and
       so does an alien moving onto the cannon. The timer then restarts at
       ``min(aliens left, move interval)``: the move interval is 12 steps at the start, and
       with fewer aliens than that the block speeds up, until a lone alien moves every step.
    6. Every 10 steps an alien fires: the lowest alien of the occupied column nearest to the
       cannon (the left one on a tie), so the shots aim at the player; the game has no
       randomness of its own. The enemy bullet starts on that alien's cell.
    7. A friendly bullet on an alien's cell destroys both: reward +1 per alien.
    8. Timers count down. A cleared wave is replaced at once by a new block in rows 0-3,
       columns 2-7 (keeping the current direction and move timer), and with ``ramping`` the
       move interval drops by one step per cleared wave, from 12 down to 6.

Rewards
    +1 for each alien destroyed. Nothing else gives or costs reward.

Start state
    Cannon in row 9, column 5; 24 aliens in rows 0-3, columns 2-7, moving left; no bullets;
    the cannon may fire at once; the block first moves at step 13 and first fires at step 11.

Episode end
    ``terminated`` when an enemy bullet or an alien reaches the cannon, or an alien would step
    down from the bottom row (aliens in row 9 do not end the game until then: they keep
    marching sideways in the cannon's row). ``truncated`` only when ``max_episode_steps`` is
    set and reached: MinAtar has no time limit, so the default is none. A random policy scores
    about 4 and lasts about 60 steps (see ``bench/invaders.py``).

A trained agent
    :func:`shipped_policy` is the greedy policy of a DQN agent trained offline on these rules
    (``python -m core.dqn.shipped --environment invaders``): a callable from an observation to
    an action, which scores at least 8 times random play's mean.

Randomness and seeds
    Game ``i`` of ``InvadersBatch(games, seed)`` draws its sticky-action coins from
    ``numpy.random.default_rng(seed + i)`` (the convention of Gymnasium's vector environments),
    the same generator ``InvadersEnv.reset(seed=seed + i)`` creates. Its stream continues across
    the game's episodes. With ``sticky_action_prob=0`` the game is deterministic: the same
    actions give the same trajectory whatever the seed.

Differences from MinAtar 1.0.15
    - 5 channels instead of 6: MinAtar also has an ``alien`` channel, which is exactly
      ``alien_left | alien_right`` and tells a network nothing new.
    - Channels first and uint8, instead of MinAtar's channels-last bool (10, 10, 6).
    - Sticky actions are kept (probability 0.1 by default, as in MinAtar), so a
      deterministic policy still meets varied situations; ``sticky_action_prob=0`` turns them
      off. The remembered action starts as no-op in every episode (MinAtar keeps the previous
      episode's last action).
    - Aliens stepping down from row 9 leave the grid; MinAtar's ``np.roll`` wraps them to row 0
      in the final frame of such an episode. Only that final observation differs.
    - A block whose last aliens left the grid that way does not fire (MinAtar would fail
      looking for a shooter); the episode ends at that step either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import gymnasium
import numpy as np
from gymnasium import spaces

from core.validation import check_bool, check_int, check_number

GRID = 10
CHANNELS = ("cannon", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet")
OBSERVATION_SHAPE = (len(CHANNELS), GRID, GRID)
ACTIONS = ("no-op", "left", "right", "fire")
NOOP, LEFT, RIGHT, FIRE = range(4)

SHOT_COOLDOWN = 5
"""Steps between two shots of the cannon."""
ALIEN_SHOT_INTERVAL = 10
"""Steps between two shots of the aliens."""
START_MOVE_INTERVAL = 12
"""Steps between two moves of a full block in the first wave."""
FASTEST_MOVE_INTERVAL = 6
"""The move interval stops shrinking here, however many waves are cleared."""
CANNON_START = 5
WAVE_ROWS = slice(0, 4)
WAVE_COLUMNS = slice(2, 8)

MAX_GAMES = 100_000
MAX_EPISODE_STEPS = 10_000_000
CELL_PIXELS = 16
"""Default side of one grid cell in a rendered frame: 160 × 160 pixels."""

COLOURS = np.array(
    [
        (0, 158, 115),  # cannon: bluish green
        (86, 180, 233),  # alien moving left: sky blue
        (204, 121, 167),  # alien moving right: reddish purple
        (240, 228, 66),  # friendly bullet: yellow
        (213, 94, 0),  # enemy bullet: vermillion
    ],
    dtype=np.uint8,
)
"""One colour per channel, from the Okabe-Ito palette, told apart with any colour vision."""
BACKGROUND = np.array((20, 20, 20), dtype=np.uint8)

_COLUMNS = np.arange(GRID)
_NEXT_COLUMN = np.clip(_COLUMNS[:, None] + np.array([0, -1, 1, 0]), 0, GRID - 1)
"""``[cannon, action]``: the cannon's column after the action (it stops at the edges)."""
_ONE_HOT = np.eye(GRID, dtype=bool)
_SPLIT = np.array([[False, False], [False, True], [True, False]])[:, :, None, None]
"""``[direction]``: the alien channels the block shows in; -1 (left) reads the last entry."""
_SHOOTER_ORDER = np.abs(_COLUMNS[None, :] - _COLUMNS[:, None]) * GRID + _COLUMNS[None, :]
"""``[cannon, column]``: smaller is nearer the cannon, and on equal distance further left."""
_UNIFORM_CHUNK = 256
"""Sticky-action coins drawn per game at once: a Python call per game every 256 steps only."""


class BatchStep(NamedTuple):
    """What :meth:`InvadersBatch.step` returns; the first axis of every array is the game.

    A game that ended at this step has already been restarted: ``observations`` shows its new
    episode's first frame and ``final_observations`` the frame the episode ended on (for the
    other games the two agree; they are one array when no game ended). For a DQN transition
    store ``final_observations`` as the next state, bootstrap only where not ``terminated``,
    and act next from ``observations``.
    """

    observations: np.ndarray  # (games, 5, 10, 10) uint8: what to act on next
    rewards: np.ndarray  # (games,) float32: aliens destroyed at this step
    terminated: np.ndarray  # (games,) bool: the cannon was hit or reached (a true end)
    truncated: np.ndarray  # (games,) bool: max_episode_steps reached (a time limit only)
    final_observations: np.ndarray  # (games, 5, 10, 10) uint8: the next state of this step
    episode_returns: np.ndarray  # (games,) float32: score of the episode this step belongs to
    episode_lengths: np.ndarray  # (games,) int64: steps of that episode, this one included


def _check_sticky(sticky_action_prob: object) -> float:
    return check_number("sticky_action_prob", sticky_action_prob, 0.0, 1.0)


def _check_max_steps(max_episode_steps: object) -> int | None:
    if max_episode_steps is None:
        return None
    return check_int("max_episode_steps", max_episode_steps, 1, MAX_EPISODE_STEPS)


class InvadersBatch:
    """``games`` independent games of Space Invaders, stepped together.

    Args:
        games: number of games played side by side.
        seed: game ``i`` draws its sticky-action coins from ``default_rng(seed + i)``, so
            batches seeded ``s`` and ``s + 1`` share all streams but one: seeds of runs meant
            to be independent should lie at least ``games`` apart.
        sticky_action_prob: chance that a game repeats its previous action instead of the
            chosen one (MinAtar's default is 0.1).
        ramping: whether each cleared wave moves faster than the last (MinAtar's default).
        max_episode_steps: truncate episodes at this length; ``None`` (MinAtar) for no limit.

    State (public so that tests and pages can read or set up positions; one entry per game;
    change them in place, e.g. ``batch.aliens[0] = grid``, since several are views)
        ``cannon`` column; ``aliens``, ``friendly_bullets``, ``enemy_bullets`` (games, 10, 10)
        bool grids; ``alien_direction`` -1 (left) or +1 (right); ``shot_timer`` (steps until
        the cannon may fire), ``alien_move_timer``, ``alien_shot_timer``,
        ``alien_move_interval``, ``waves_cleared``, ``last_action``; ``episode_returns`` and
        ``episode_lengths`` of the current episodes.

    Collecting DQN experience from all games at once::

        batch = InvadersBatch(games=16, seed=0)
        observations = batch.observe()
        for _ in range(steps):
            actions = choose(observations)  # (16,) ints in 0-3, e.g. epsilon-greedy
            result = batch.step(actions)
            replay.add(observations, actions, result.rewards, result.final_observations,
                       result.terminated)  # a time limit (truncated) is no true end
            observations = result.observations  # finished games have already restarted

    Speed
        A step costs a few dozen numpy calls whatever the number of games, so one game is bound
        by call overhead (0.8 times MinAtar's own speed) while 256 games cost about 1 µs of CPU per
        game step (``python -m bench --only invaders``). The bullets live in the observation's
        own layout, so observing takes three numpy calls.
    """

    def __init__(
        self,
        games: int = 1,
        seed: int = 0,
        *,
        sticky_action_prob: float = 0.1,
        ramping: bool = True,
        max_episode_steps: int | None = None,
    ) -> None:
        self.games = check_int("games", games, 1, MAX_GAMES)
        seed = check_int("seed", seed, 0, 2**32 - 1)
        self.sticky_action_prob = _check_sticky(sticky_action_prob)
        self.ramping = check_bool("ramping", ramping)
        self.max_episode_steps = _check_max_steps(max_episode_steps)
        self._index = np.arange(self.games)
        # The observation's layout; the two alien planes are written from ``aliens`` on demand.
        self._planes = np.zeros((self.games, *OBSERVATION_SHAPE), dtype=bool)
        self.friendly_bullets = self._planes[:, 3]
        self.enemy_bullets = self._planes[:, 4]
        self.aliens = np.zeros((self.games, GRID, GRID), dtype=bool)
        self.cannon = np.zeros(self.games, dtype=np.int64)
        self.alien_direction = np.zeros(self.games, dtype=np.int64)
        # One array so that a single call counts every timer down.
        self._timers = np.zeros((self.games, 3), dtype=np.int64)
        self.shot_timer = self._timers[:, 0]
        self.alien_move_timer = self._timers[:, 1]
        self.alien_shot_timer = self._timers[:, 2]
        self.alien_move_interval = np.zeros(self.games, dtype=np.int64)
        self.waves_cleared = np.zeros(self.games, dtype=np.int64)
        self.last_action = np.zeros(self.games, dtype=np.int64)
        self.episode_returns = np.zeros(self.games, dtype=np.float32)
        self.episode_lengths = np.zeros(self.games, dtype=np.int64)
        self.reset(seed)

    def reset(self, seed: int | None = None) -> np.ndarray:
        """Start a new episode in every game and return the observations (games, 5, 10, 10).

        With ``seed``, every game's random stream restarts from ``seed + i``; without, the
        streams continue where they were.
        """
        if seed is None:
            self._restart(None)
        else:
            seed = check_int("seed", seed, 0, 2**32 - 1)
            self._restart([np.random.default_rng(seed + i) for i in range(self.games)])
        return self.observe()

    def _restart(self, generators: list[np.random.Generator] | None) -> None:
        """Restart every game; new random streams if ``generators`` are given (one per game)."""
        if generators is not None:
            self._generators = generators
            self._refill_coins()
        self._start_episodes(self._index)

    def _refill_coins(self) -> None:
        """Draw each game's next coins and decide at once which of those steps are sticky."""
        coins = np.stack([rng.random(_UNIFORM_CHUNK) for rng in self._generators])
        self._sticky = coins < self.sticky_action_prob
        self._coin = 0

    def _start_episodes(self, games: np.ndarray) -> None:
        """Put ``games`` (indices) in the start state; their random streams go on."""
        self.aliens[games] = False
        self.aliens[games, WAVE_ROWS, WAVE_COLUMNS] = True
        self.friendly_bullets[games] = False
        self.enemy_bullets[games] = False
        self.cannon[games] = CANNON_START
        self.alien_direction[games] = -1
        self.shot_timer[games] = 0
        self.alien_move_timer[games] = START_MOVE_INTERVAL
        self.alien_shot_timer[games] = ALIEN_SHOT_INTERVAL
        self.alien_move_interval[games] = START_MOVE_INTERVAL
        self.waves_cleared[games] = 0
        self.last_action[games] = NOOP
        self.episode_returns[games] = 0.0
        self.episode_lengths[games] = 0

    def observe(self) -> np.ndarray:
        """The current observations, a new (games, 5, 10, 10) uint8 array of zeros and ones."""
        planes = self._planes
        planes[:, 0, GRID - 1] = _ONE_HOT[self.cannon]
        np.logical_and(self.aliens[:, None], _SPLIT[self.alien_direction], out=planes[:, 1:3])
        return planes.astype(np.uint8)

    def step(self, actions: object, *, autoreset: bool = True) -> BatchStep:
        """Play one step in every game with ``actions`` (games,), values 0-3 (see ACTIONS).

        With ``autoreset=False`` an ended game stays in its final state (``observations`` and
        ``final_observations`` are then the same) until :meth:`reset`; stepping it before
        that plays on from a state the rules never reach.
        """
        array = np.asarray(actions)
        if array.shape != (self.games,) or array.dtype.kind not in "iu":
            raise ValueError(
                f"actions must be an integer array of shape ({self.games},), "
                f"got {array.dtype} of shape {array.shape}"
            )
        array = array.astype(np.int64, copy=False)
        # Read as unsigned, a negative action is huge: one comparison checks both ends.
        outside = array.view(np.uint64) >= len(ACTIONS)
        if outside.any():
            raise ValueError(f"actions must be whole numbers from 0 to 3, got {array[outside][0]}")
        return self._step(array, autoreset)

    def _step(self, actions: np.ndarray, autoreset: bool) -> BatchStep:
        """:meth:`step` for valid int64 ``actions``."""
        index = self._index

        # 1. Sticky actions.
        if self._coin == _UNIFORM_CHUNK:
            self._refill_coins()
        sticky = self._sticky[:, self._coin]
        self._coin += 1
        if sticky.any():
            actions = np.where(sticky, self.last_action, actions)
        self.last_action[:] = actions

        # 2. The cannon fires or moves.
        fire = (actions == FIRE) & (self.shot_timer == 0)
        if fire.any():
            shooters = fire.nonzero()[0]
            self.friendly_bullets[shooters, GRID - 1, self.cannon[shooters]] = True
            self.shot_timer[shooters] = SHOT_COOLDOWN
        self.cannon[:] = _NEXT_COLUMN[self.cannon, actions]

        # 3. Bullets fly; 4. is the cannon hit by a bullet or an alien?
        friendly, enemy, aliens = self.friendly_bullets, self.enemy_bullets, self.aliens
        friendly[:, :-1] = friendly[:, 1:]
        friendly[:, -1] = False
        enemy[:, 1:] = enemy[:, :-1]
        enemy[:, 0] = False
        terminated = (enemy[:, -1] | aliens[:, -1])[index, self.cannon]

        # 5. The block moves; 6. an alien fires. (Most steps neither happens anywhere: one
        # check for both.)
        if not self._timers[:, 1:].all():
            move_due = self.alien_move_timer == 0
            if move_due.any():
                terminated |= self._move_aliens(move_due)
            shot_due = self.alien_shot_timer == 0
            if shot_due.any():
                self._alien_fires(shot_due.nonzero()[0])

        # 7. Hits; 8. a new wave where one was cleared.
        hits = aliens & friendly
        if hits.any():
            rewards = hits.sum(axis=(1, 2), dtype=np.float32)
            aliens ^= hits
            friendly ^= hits
            self.episode_returns += rewards
            cleared = ~aliens.any(axis=(1, 2))
            if cleared.any():
                self._new_wave(np.flatnonzero(cleared))
        else:
            rewards = np.zeros(self.games, dtype=np.float32)

        # Timers count down; none goes below 0 (the cooldown stops there, the others are
        # restarted at 1 or more when they reach 0).
        self._timers -= 1
        np.maximum(self._timers, 0, out=self._timers)

        self.episode_lengths += 1
        if self.max_episode_steps is None:
            truncated = np.zeros(self.games, dtype=bool)
            ended = terminated
        else:
            truncated = self.episode_lengths >= self.max_episode_steps
            ended = terminated | truncated
        episode_returns = self.episode_returns.copy()
        episode_lengths = self.episode_lengths.copy()
        observations = final_observations = self.observe()
        if autoreset and ended.any():
            final_observations = observations.copy()
            restarted = ended.nonzero()[0]
            self._start_episodes(restarted)
            observations[restarted] = self.observe()[restarted]
        return BatchStep(
            observations,
            rewards,
            terminated,
            truncated,
            final_observations,
            episode_returns,
            episode_lengths,
        )

    def _move_aliens(self, move: np.ndarray) -> np.ndarray:
        """Move the blocks of the games in ``move`` (bool); True where that ends the episode."""
        aliens = self.aliens
        count = aliens.sum(axis=(1, 2))
        self.alien_move_timer[move] = np.minimum(count, self.alien_move_interval)[move]
        left = self.alien_direction < 0
        at_edge = np.where(left, aliens[:, :, 0].any(axis=1), aliens[:, :, -1].any(axis=1))
        down = move & at_edge
        ended = down & aliens[:, -1].any(axis=1)
        if down.any():
            games = down.nonzero()[0]
            aliens[games, 1:] = aliens[games, :-1]
            aliens[games, 0] = False
            self.alien_direction[games] *= -1
        sideways = move & ~at_edge
        if (sideways & left).any():
            games = (sideways & left).nonzero()[0]
            aliens[games, :, :-1] = aliens[games, :, 1:]
            aliens[games, :, -1] = False
        if (sideways & ~left).any():
            games = (sideways & ~left).nonzero()[0]
            aliens[games, :, 1:] = aliens[games, :, :-1]
            aliens[games, :, 0] = False
        return ended | (move & aliens[self._index, -1, self.cannon])

    def _alien_fires(self, games: np.ndarray) -> None:
        """The lowest alien of the column nearest each cannon fires, in ``games`` (indices)."""
        self.alien_shot_timer[games] = ALIEN_SHOT_INTERVAL
        occupied = self.aliens[games].any(axis=1)
        games, occupied = games[occupied.any(axis=1)], occupied[occupied.any(axis=1)]
        order = np.where(occupied, _SHOOTER_ORDER[self.cannon[games]], GRID * GRID)
        column = order.argmin(axis=1)
        in_column = self.aliens[games, :, column]
        row = GRID - 1 - in_column[:, ::-1].argmax(axis=1)
        self.enemy_bullets[games, row, column] = True

    def _new_wave(self, games: np.ndarray) -> None:
        self.aliens[games, WAVE_ROWS, WAVE_COLUMNS] = True
        self.waves_cleared[games] += 1
        if self.ramping:
            interval = self.alien_move_interval[games] - 1
            self.alien_move_interval[games] = np.maximum(interval, FASTEST_MOVE_INTERVAL)


def random_policy_returns(
    episodes: int, seed: int = 0, *, games: int = 256, sticky_action_prob: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and lengths of ``episodes`` episodes of uniformly random play.

    Played on ``min(games, episodes)`` games at once. Each game contributes its first
    episodes, taken round by round (every game's first, then every game's second, ...):
    keeping whichever episodes finish first instead would favour short, low-scoring ones.
    The policy's own draws come from ``default_rng(seed)``, the games' from ``seed + i``.
    """
    episodes = check_int("episodes", episodes, 1, 1_000_000)
    games = min(check_int("games", games, 1, MAX_GAMES), episodes)
    rounds = -(-episodes // games)
    batch = InvadersBatch(games, seed, sticky_action_prob=sticky_action_prob)
    policy_rng = np.random.default_rng(seed)
    returns = np.zeros((rounds, games), dtype=np.float32)
    lengths = np.zeros((rounds, games), dtype=np.int64)
    finished = np.zeros(games, dtype=np.int64)
    while finished.min() < rounds:
        result = batch._step(policy_rng.integers(len(ACTIONS), size=games), autoreset=True)
        ended = (result.terminated | result.truncated) & (finished < rounds)
        if ended.any():
            done = ended.nonzero()[0]
            returns[finished[done], done] = result.episode_returns[done]
            lengths[finished[done], done] = result.episode_lengths[done]
            finished[done] += 1
    return returns.ravel()[:episodes], lengths.ravel()[:episodes]


def shipped_policy() -> Callable[[np.ndarray], int]:
    """The shipped DQN agent, acting greedily: observation (5, 10, 10) -> action 0-3.

    The agent was trained offline by ``python -m core.dqn.shipped --environment invaders``
    (MinAtar's DQN network, conv 16 @ 3 × 3 → 128 → 4); loading it needs torch, which is
    imported here only. The callable asks the network for its four Q-values and returns the
    action with the largest.
    """
    import torch

    from core.dqn.shipped import INVADERS_RUN_PATH
    from core.dqn.storage import load_run

    network = load_run(INVADERS_RUN_PATH).policy

    def act(observation: np.ndarray) -> int:
        observation = np.asarray(observation)
        if observation.shape != OBSERVATION_SHAPE:
            raise ValueError(f"observation must have shape (5, 10, 10), got {observation.shape}")
        with torch.no_grad():
            q_values = network(torch.from_numpy(observation.astype(np.uint8))[None])
        return int(q_values.argmax())

    return act


def observation_to_rgb(
    observation: np.ndarray,
    cell_pixels: int = CELL_PIXELS,
    channels: tuple[int, ...] = tuple(range(len(CHANNELS))),
    gap: int = 1,
) -> np.ndarray:
    """An RGB frame (10·cell, 10·cell, 3) uint8 of one observation (5, 10, 10).

    Each cell becomes a ``cell_pixels`` square in the colour of its channel (:data:`COLOURS`),
    with its last ``gap`` rows and columns left in the background colour so that neighbouring
    aliens stay countable. Where channels overlap (an enemy bullet leaving its alien) the later
    channel is drawn on top. ``channels`` picks which to draw, e.g. ``(3,)`` for the friendly
    bullets alone.
    """
    observation = np.asarray(observation)
    if observation.shape != OBSERVATION_SHAPE:
        raise ValueError(f"observation must have shape (5, 10, 10), got {observation.shape}")
    cell_pixels = check_int("cell_pixels", cell_pixels, 1, 64)
    gap = check_int("gap", gap, 0, cell_pixels - 1)
    for channel in channels:
        check_int("channels", channel, 0, len(CHANNELS) - 1)
    grid = np.broadcast_to(BACKGROUND, (GRID, GRID, 3)).copy()
    for channel in channels:
        grid[observation[channel] != 0] = COLOURS[channel]
    cell = np.broadcast_to(grid[:, None, :, None], (GRID, cell_pixels, GRID, cell_pixels, 3)).copy()
    if gap:
        cell[:, cell_pixels - gap :] = BACKGROUND
        cell[:, :, :, cell_pixels - gap :] = BACKGROUND
    return cell.reshape(GRID * cell_pixels, GRID * cell_pixels, 3)


class InvadersEnv(gymnasium.Env[np.ndarray, np.int64]):
    """MinAtar's Space Invaders as a single Gymnasium environment (see the module docstring).

    Args:
        render_mode: ``None`` or ``"rgb_array"`` (frames from :func:`observation_to_rgb`).
        sticky_action_prob: chance of repeating the previous action instead (default 0.1).
        ramping: whether each cleared wave moves faster than the last.
        max_episode_steps: truncate episodes at this length; ``None`` for no limit. Through
            ``gymnasium.make(ENV_ID, max_episode_steps=n)`` Gymnasium's own ``TimeLimit``
            wrapper takes this argument instead, with the same effect.
        cell_pixels: side of one grid cell in rendered frames.

    ``info`` holds ``waves_cleared`` and ``alien_move_interval`` (steps between block moves).
    """

    # Declared (as a plain attribute, not a ClassVar) on gymnasium.Env and read from the class by
    # gymnasium.make, so it is overridden here the way Gymnasium's own environments do it.
    metadata = {"render_modes": ["rgb_array"], "render_fps": 10}  # noqa: RUF012

    def __init__(
        self,
        render_mode: str | None = None,
        *,
        sticky_action_prob: float = 0.1,
        ramping: bool = True,
        max_episode_steps: int | None = None,
        cell_pixels: int = CELL_PIXELS,
    ) -> None:
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.render_mode = render_mode
        self.cell_pixels = check_int("cell_pixels", cell_pixels, 1, 64)
        self.observation_space = spaces.Box(0, 1, OBSERVATION_SHAPE, dtype=np.uint8)
        self.action_space = spaces.Discrete(len(ACTIONS))
        self.game = InvadersBatch(
            1,
            sticky_action_prob=sticky_action_prob,
            ramping=ramping,
            max_episode_steps=max_episode_steps,
        )
        self._needs_reset = True  # before the first reset and after an episode ends
        self._frame = self.game.observe()[0]  # what render() draws: the latest observation

    def _info(self) -> dict[str, int]:
        return {
            "waves_cleared": int(self.game.waves_cleared[0]),
            "alien_move_interval": int(self.game.alien_move_interval[0]),
        }

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, int]]:
        super().reset(seed=seed)
        new_stream = self.np_random is not self.game._generators[0]
        self.game._restart([self.np_random] if new_stream else None)
        self._needs_reset = False
        self._frame = self.game.observe()[0]
        return self._frame.copy(), self._info()

    def step(
        self, action: int | np.integer
    ) -> tuple[np.ndarray, float, bool, bool, dict[str, int]]:
        if self._needs_reset:
            raise gymnasium.error.ResetNeeded("call reset() before step() and after an episode")
        action = check_int("action", action, 0, len(ACTIONS) - 1)
        result = self.game._step(np.array([action]), autoreset=False)
        terminated, truncated = bool(result.terminated[0]), bool(result.truncated[0])
        self._needs_reset = terminated or truncated
        self._frame = result.observations[0]
        return self._frame.copy(), float(result.rewards[0]), terminated, truncated, self._info()

    def render(self) -> np.ndarray | None:
        if self.render_mode is None:
            return None
        return observation_to_rgb(self._frame, self.cell_pixels)


ENV_ID = "explainer/Invaders-v0"
if ENV_ID not in gymnasium.registry:
    gymnasium.register(id=ENV_ID, entry_point="core.invaders:InvadersEnv")
