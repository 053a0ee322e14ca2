"""MinAtar Space Invaders: Gymnasium API, the rules, observations, batch vs single, render."""

import math
import re
import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from core.invaders import (
    BACKGROUND,
    CHANNELS,
    COLOURS,
    ENV_ID,
    FIRE,
    LEFT,
    NOOP,
    RIGHT,
    InvadersBatch,
    InvadersEnv,
    observation_to_rgb,
    random_policy_returns,
)

CANNON, ALIEN_LEFT, ALIEN_RIGHT, FRIENDLY, ENEMY = range(5)
NEVER = 10**6
"""A timer value that does not run out within a test."""


def quiet_game(aliens: list[tuple[int, int]] | None = None, cannon: int = 5) -> InvadersBatch:
    """One game without sticky actions whose block neither moves nor fires unless told to."""
    game = InvadersBatch(1, sticky_action_prob=0.0)
    if aliens is not None:
        game.aliens[0] = False
        for row, column in aliens:
            game.aliens[0, row, column] = True
    game.cannon[0] = cannon
    game.alien_move_timer[0] = NEVER
    game.alien_shot_timer[0] = NEVER
    return game


def play(game: InvadersBatch, *actions: int):
    """Step a one-game batch through ``actions``; the list of results."""
    return [game.step(np.array([action])) for action in actions]


# --- Gymnasium API ---------------------------------------------------------------------------


def test_check_env_passes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(gymnasium.make(ENV_ID, render_mode="rgb_array").unwrapped)
        check_env(gymnasium.make(ENV_ID, sticky_action_prob=0.0, ramping=False).unwrapped)


def test_spaces_are_channels_first_binary_and_four_actions():
    env = InvadersEnv()
    assert env.observation_space == gymnasium.spaces.Box(0, 1, (5, 10, 10), np.uint8)
    assert env.action_space == gymnasium.spaces.Discrete(4)
    observation, info = env.reset(seed=0)
    assert observation.dtype == np.uint8 and observation.shape == (5, 10, 10)
    assert info == {"waves_cleared": 0, "alien_move_interval": 12}


def test_start_state():
    observation, _ = InvadersEnv().reset(seed=3)
    assert np.argwhere(observation[CANNON]).tolist() == [[9, 5]]
    block = np.zeros((10, 10), dtype=np.uint8)
    block[0:4, 2:8] = 1
    np.testing.assert_array_equal(observation[ALIEN_LEFT], block)
    assert observation[[ALIEN_RIGHT, FRIENDLY, ENEMY]].sum() == 0


def test_step_before_reset_and_after_the_end_needs_a_reset():
    env = InvadersEnv(sticky_action_prob=0.0)
    with pytest.raises(gymnasium.error.ResetNeeded):
        env.step(NOOP)
    env.reset(seed=0)
    terminated = False
    while not terminated:
        _, _, terminated, _, _ = env.step(NOOP)
    with pytest.raises(gymnasium.error.ResetNeeded):
        env.step(NOOP)
    env.reset()
    env.step(NOOP)


# --- Rules -----------------------------------------------------------------------------------


def test_a_hit_pays_one_and_removes_alien_and_bullet():
    # From the start, a shot from column 5 meets the bottom alien of the block (row 3) at step 6.
    game = InvadersBatch(1, sticky_action_prob=0.0)
    results = play(game, FIRE, NOOP, NOOP, NOOP, NOOP, NOOP)
    assert [float(r.rewards[0]) for r in results] == [0, 0, 0, 0, 0, 1]
    rows = [int(np.argwhere(r.observations[0, FRIENDLY])[0, 0]) for r in results[:5]]
    assert rows == [8, 7, 6, 5, 4]
    last = results[-1].observations[0]
    assert last[ALIEN_LEFT, 3, 5] == 0 and last[ALIEN_LEFT].sum() == 23
    assert last[FRIENDLY].sum() == 0
    assert results[-1].episode_returns[0] == 1


def test_cannon_moves_and_stops_at_the_edges():
    game = quiet_game(cannon=1)
    columns = [int(r.observations[0, CANNON, 9].argmax()) for r in play(game, LEFT, LEFT, RIGHT)]
    assert columns == [0, 0, 1]
    game.cannon[0] = 8
    columns = [int(r.observations[0, CANNON, 9].argmax()) for r in play(game, RIGHT, RIGHT)]
    assert columns == [9, 9]


def test_block_marches_every_twelve_steps_then_steps_down_and_reverses_at_the_edge():
    game = InvadersBatch(1, sticky_action_prob=0.0)
    game.alien_shot_timer[0] = NEVER
    columns, rows, directions = [], [], []
    for result in play(game, *[NOOP] * 49):
        aliens = result.observations[0, ALIEN_LEFT] | result.observations[0, ALIEN_RIGHT]
        occupied = np.argwhere(aliens)
        columns.append(int(occupied[:, 1].min()))
        rows.append(int(occupied[:, 0].min()))
        directions.append("left" if result.observations[0, ALIEN_LEFT].any() else "right")
    # Step t is index t - 1. First move at step 13, then every 12 steps.
    assert columns[11] == 2 and columns[12] == 1
    assert columns[23] == 1 and columns[24] == 0
    assert rows[35] == 0 and directions[35] == "left"
    # Step 37: at the left edge, so down one row and now moving right; step 49: one step right.
    assert rows[36] == 1 and columns[36] == 0 and directions[36] == "right"
    assert columns[48] == 1 and rows[48] == 1


def leftmost_alien_per_step(game: InvadersBatch, steps: int) -> list[int]:
    return [
        int(np.argwhere(play(game, NOOP)[0].observations[0, ALIEN_LEFT])[:, 1].min())
        for _ in range(steps)
    ]


def test_fewer_aliens_move_faster_and_a_lone_alien_every_step():
    game = quiet_game(aliens=[(0, 5), (0, 6), (0, 7)])
    game.alien_move_timer[0] = 0
    assert leftmost_alien_per_step(game, 7) == [4, 4, 4, 3, 3, 3, 2]  # three aliens: every 3 steps
    game = quiet_game(aliens=[(0, 5)])
    game.alien_move_timer[0] = 0
    assert leftmost_alien_per_step(game, 4) == [4, 3, 2, 1]


def test_a_cleared_wave_returns_and_moves_faster_down_to_every_six_steps():
    game = quiet_game(aliens=[(4, 5)])
    game.friendly_bullets[0, 5, 5] = True
    (result,) = play(game, NOOP)
    assert result.rewards[0] == 1 and not result.terminated[0]
    block = np.zeros((10, 10), dtype=bool)
    block[0:4, 2:8] = True
    np.testing.assert_array_equal(result.observations[0, ALIEN_LEFT], block)
    assert game.alien_move_interval[0] == 11 and game.waves_cleared[0] == 1

    game.alien_move_interval[0] = 6
    game.aliens[0] = False
    game.aliens[0, 4, 5] = game.friendly_bullets[0, 5, 5] = True
    play(game, NOOP)
    assert game.alien_move_interval[0] == 6 and game.waves_cleared[0] == 2


def test_without_ramping_a_new_wave_is_no_faster():
    game = InvadersBatch(1, sticky_action_prob=0.0, ramping=False)
    game.aliens[0] = False
    game.aliens[0, 4, 5] = game.friendly_bullets[0, 5, 5] = True
    play(game, NOOP)
    assert game.alien_move_interval[0] == 12 and game.waves_cleared[0] == 1


def test_an_enemy_bullet_on_the_cannon_ends_the_episode_and_the_game_restarts():
    game = quiet_game()
    game.enemy_bullets[0, 8, 5] = True
    game.last_action[0] = FIRE
    (result,) = play(game, NOOP)
    assert result.terminated[0] and not result.truncated[0] and result.rewards[0] == 0
    assert result.final_observations[0, ENEMY, 9, 5] == 1
    assert result.final_observations[0, CANNON, 9, 5] == 1
    assert result.episode_lengths[0] == 1
    # Already restarted: the first frame of the next episode.
    assert (
        result.observations[0, ALIEN_LEFT].sum() == 24 and result.observations[0, ENEMY].sum() == 0
    )
    assert game.episode_lengths[0] == 0


def test_stepping_aside_dodges_the_bullet():
    game = quiet_game()
    game.enemy_bullets[0, 8, 5] = True
    (result,) = play(game, LEFT)
    assert not result.terminated[0]
    assert result.observations[0, ENEMY, 9, 5] == 1 and result.observations[0, CANNON, 9, 4] == 1


def test_moving_the_cannon_into_an_alien_ends_the_episode():
    game = quiet_game(aliens=[(9, 4)], cannon=5)
    assert play(game, LEFT)[0].terminated[0]


def test_aliens_stepping_down_from_the_bottom_row_end_the_episode():
    game = quiet_game(aliens=[(9, 0)], cannon=5)
    game.alien_move_timer[0] = 0
    assert play(game, NOOP)[0].terminated[0]


def test_an_alien_marching_onto_the_cannon_ends_the_episode():
    game = quiet_game(aliens=[(9, 6)], cannon=5)
    game.alien_move_timer[0] = 0
    assert play(game, NOOP)[0].terminated[0]


def test_aliens_in_the_bottom_row_elsewhere_do_not_end_it_yet():
    game = quiet_game(aliens=[(9, 8)], cannon=2)
    game.alien_move_timer[0] = 0
    (result,) = play(game, NOOP)
    assert not result.terminated[0] and result.observations[0, ALIEN_LEFT, 9, 7] == 1


def test_the_cannon_fires_at_most_once_every_five_steps():
    game = quiet_game(aliens=[(0, 0)], cannon=5)
    new_bullet = [bool(r.observations[0, FRIENDLY, 8, 5]) for r in play(game, *[FIRE] * 16)]
    assert [step + 1 for step, new in enumerate(new_bullet) if new] == [1, 6, 11, 16]


def test_aliens_fire_every_ten_steps_from_the_lowest_alien_nearest_the_cannon():
    game = InvadersBatch(1, sticky_action_prob=0.0)
    game.alien_move_timer[0] = NEVER
    game.cannon[0] = 0
    fired = []
    for step, result in enumerate(play(game, *[NOOP] * 31), start=1):
        new = np.argwhere(result.observations[0, ENEMY])
        fired += [(step, int(row), int(column)) for row, column in new if row == 3]
    # The cannon sits at column 0: the bottom alien (row 3) of column 2, the nearest one.
    assert fired == [(11, 3, 2), (21, 3, 2), (31, 3, 2)]


def test_bullets_travel_one_row_per_step_and_leave_the_grid():
    game = quiet_game(aliens=[(0, 5), (0, 8)], cannon=2)
    game.alien_shot_timer[0] = 0
    game.friendly_bullets[0, 1, 0] = True
    enemy_rows, friendly_rows = [], []
    for _ in range(11):
        (result,) = play(game, NOOP)
        game.alien_shot_timer[0] = NEVER  # only the first shot
        enemy_rows.append(np.argwhere(result.observations[0, ENEMY])[:, 0].tolist())
        friendly_rows.append(np.argwhere(result.observations[0, FRIENDLY])[:, 0].tolist())
    assert enemy_rows == [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9], []]
    assert friendly_rows[:2] == [[0], []]


def test_on_a_tie_the_left_column_fires():
    game = quiet_game(aliens=[(1, 2), (5, 2), (6, 8)], cannon=5)
    game.alien_shot_timer[0] = 0
    play(game, NOOP)
    assert np.argwhere(game.enemy_bullets[0]).tolist() == [[5, 2]]


def test_time_limit_truncates_and_restarts():
    game = InvadersBatch(2, sticky_action_prob=0.0, max_episode_steps=5)
    results = [game.step(np.array([LEFT, RIGHT])) for _ in range(5)]
    assert not any(r.truncated.any() or r.terminated.any() for r in results[:4])
    assert results[4].truncated.all() and not results[4].terminated.any()
    np.testing.assert_array_equal(results[4].episode_lengths, [5, 5])
    assert results[4].final_observations[0, CANNON, 9, 0] == 1
    assert results[4].observations[0, CANNON, 9, 5] == 1


def test_env_time_limit_truncates():
    env = InvadersEnv(sticky_action_prob=0.0, max_episode_steps=3)
    env.reset(seed=0)
    assert [env.step(LEFT)[3] for _ in range(3)] == [False, False, True]


def test_sticky_actions_repeat_the_executed_action_one_time_in_ten():
    game = InvadersBatch(1000, seed=0, sticky_action_prob=0.1)
    repeated = played = 0
    for _ in range(50):
        chosen = (game.last_action + 1) % 4  # never the previous action
        result = game.step(chosen)
        going_on = ~(result.terminated | result.truncated)  # a restart forgets the action
        repeated += int((game.last_action != chosen)[going_on].sum())
        played += int(going_on.sum())
    assert 0.095 < repeated / played < 0.105


def test_fully_sticky_actions_never_leave_the_start_no_op():
    game = InvadersBatch(4, sticky_action_prob=1.0)
    for _ in range(10):
        game.step(np.full(4, RIGHT))
    assert (game.cannon == 5).all() and not game.friendly_bullets.any()


# --- Observations ----------------------------------------------------------------------------


def test_observations_stay_binary_and_consistent_during_random_play():
    game = InvadersBatch(64, seed=1)
    rng = np.random.default_rng(1)
    for _ in range(300):
        result = game.step(rng.integers(4, size=64))
        for observations in (result.observations, result.final_observations):
            assert observations.dtype == np.uint8 and observations.max() <= 1
            assert (observations[:, CANNON].sum(axis=(1, 2)) == 1).all()
            assert (observations[:, CANNON, 9].sum(axis=1) == 1).all()
            left = observations[:, ALIEN_LEFT].any(axis=(1, 2))
            right = observations[:, ALIEN_RIGHT].any(axis=(1, 2))
            assert not (left & right).any()
        # The alien channel in use is the block's direction.
        assert (
            (game.alien_direction < 0) == result.observations[:, ALIEN_LEFT].any(axis=(1, 2))
        ).all()
        np.testing.assert_array_equal(result.observations, game.observe())


# --- Batch vs single, seeds ------------------------------------------------------------------


def test_single_env_replays_each_game_of_the_batch():
    games, seed = 4, 7
    batch = InvadersBatch(games, seed)
    envs = [InvadersEnv() for _ in range(games)]
    observations = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(envs)])
    np.testing.assert_array_equal(observations, batch.observe())
    rng = np.random.default_rng(0)
    episodes = 0
    for _ in range(600):
        actions = rng.integers(4, size=games)
        result = batch.step(actions)
        for i, env in enumerate(envs):
            observation, reward, terminated, _, _ = env.step(actions[i])
            np.testing.assert_array_equal(observation, result.final_observations[i])
            assert reward == result.rewards[i] and terminated == result.terminated[i]
            if terminated:
                episodes += 1
                np.testing.assert_array_equal(env.reset()[0], result.observations[i])
    assert episodes > 20  # several episodes each: the streams agree across resets too


def test_same_seed_same_games_other_seed_other_games():
    def scores(seed: int, sticky: float) -> np.ndarray:
        game = InvadersBatch(16, seed, sticky_action_prob=sticky)
        rng = np.random.default_rng(99)
        return np.array([game.step(rng.integers(4, size=16)).rewards for _ in range(400)])

    np.testing.assert_array_equal(scores(0, 0.1), scores(0, 0.1))
    assert not np.array_equal(scores(0, 0.1), scores(1, 0.1))
    # Without sticky actions the game itself has no randomness: the seed changes nothing.
    np.testing.assert_array_equal(scores(0, 0.0), scores(1, 0.0))


def test_reset_with_a_seed_restarts_the_streams():
    game = InvadersBatch(3, seed=5)
    rng = np.random.default_rng(0)
    actions = rng.integers(4, size=(100, 3))
    first = [game.step(a).observations for a in actions]
    game.reset(seed=5)
    again = [game.step(a).observations for a in actions]
    np.testing.assert_array_equal(np.array(first), np.array(again))


def test_random_play_scores_about_four():
    returns, lengths = random_policy_returns(2000, seed=0)
    assert returns.shape == lengths.shape == (2000,)
    # Measured: 4.13 (standard error 0.07) and 60.7 steps; 20,000 episodes give 4.06 and 59.
    assert 3.9 < returns.mean() < 4.35
    assert 56 < lengths.mean() < 66
    assert returns.min() >= 0 and (returns == np.round(returns)).all()


# --- Render ----------------------------------------------------------------------------------


def test_render_draws_each_channel_in_its_colour():
    env = InvadersEnv(render_mode="rgb_array", sticky_action_prob=0.0)
    env.reset(seed=0)
    env.step(FIRE)
    frame = env.render()
    assert frame.shape == (160, 160, 3) and frame.dtype == np.uint8
    # Cell (row, column) covers pixels [16 row, 16 row + 15), the last pixel is the gap.
    assert (frame[9 * 16 : 9 * 16 + 15, 5 * 16 : 5 * 16 + 15] == COLOURS[CANNON]).all()
    assert (frame[8 * 16 : 8 * 16 + 15, 5 * 16 : 5 * 16 + 15] == COLOURS[FRIENDLY]).all()
    assert (frame[0:15, 2 * 16 : 2 * 16 + 15] == COLOURS[ALIEN_LEFT]).all()
    assert (frame[0:15, 0:15] == BACKGROUND).all()
    assert (frame[15, :] == BACKGROUND).all()
    colours = {tuple(c) for c in frame.reshape(-1, 3)}
    assert colours == {tuple(BACKGROUND), *(tuple(COLOURS[c]) for c in (0, 1, 3))}
    assert InvadersEnv().render() is None


def test_colours_are_distinct_and_channels_can_be_drawn_alone():
    assert len({tuple(c) for c in COLOURS} | {tuple(BACKGROUND)}) == len(CHANNELS) + 1
    observation = np.zeros((5, 10, 10), dtype=np.uint8)
    observation[ALIEN_RIGHT, 2, 3] = observation[ENEMY, 2, 3] = observation[CANNON, 9, 0] = 1
    frame = observation_to_rgb(observation, cell_pixels=4, gap=0)
    assert frame.shape == (40, 40, 3)
    assert (frame[8:12, 12:16] == COLOURS[ENEMY]).all()  # the later channel is on top
    alone = observation_to_rgb(observation, cell_pixels=4, channels=(ALIEN_RIGHT,), gap=0)
    assert (alone[8:12, 12:16] == COLOURS[ALIEN_RIGHT]).all()
    assert (alone[36:40, 0:4] == BACKGROUND).all()


# --- Validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"games": 0}, "games must be a whole number from 1 to 100,000"),
        ({"games": 2.0}, "games must be a whole number"),
        ({"seed": -1}, "seed must be a whole number from 0 to 4,294,967,295"),
        ({"sticky_action_prob": 1.5}, "sticky_action_prob must be a number in [0, 1]"),
        ({"sticky_action_prob": math.nan}, "sticky_action_prob must be a number in [0, 1]"),
        ({"ramping": 1}, "ramping must be True or False"),
        ({"max_episode_steps": 0}, "max_episode_steps must be a whole number from 1 to"),
    ],
)
def test_bad_batch_arguments_name_the_parameter_and_range(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        InvadersBatch(**kwargs)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (np.array([0, 4]), "actions must be whole numbers from 0 to 3, got 4"),
        (np.array([-1, 0]), "actions must be whole numbers from 0 to 3, got -1"),
        (np.array([0, 1, 2]), "actions must be an integer array of shape (2,)"),
        (np.array([0.0, 1.0]), "actions must be an integer array of shape (2,)"),
    ],
)
def test_invalid_batch_actions_are_rejected(actions, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        InvadersBatch(2).step(actions)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"render_mode": "human"}, "render_mode must be None or 'rgb_array'"),
        ({"cell_pixels": 0}, "cell_pixels must be a whole number from 1 to 64"),
        ({"sticky_action_prob": -0.1}, "sticky_action_prob must be a number in [0, 1]"),
        ({"max_episode_steps": 2.5}, "max_episode_steps must be a whole number"),
    ],
)
def test_bad_env_arguments_name_the_parameter_and_range(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        InvadersEnv(**kwargs)


@pytest.mark.parametrize("action", [4, -1, 1.0, "fire", True])
def test_invalid_env_actions_are_rejected(action):
    env = InvadersEnv()
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"^action must be a whole number from 0 to 3"):
        env.step(action)


def test_bad_render_arguments_are_rejected():
    observation = np.zeros((5, 10, 10), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"^observation must have shape \(5, 10, 10\)"):
        observation_to_rgb(observation[:4])
    with pytest.raises(ValueError, match=r"^channels must be a whole number from 0 to 4"):
        observation_to_rgb(observation, channels=(5,))
    with pytest.raises(ValueError, match=r"^gap must be a whole number from 0 to 3"):
        observation_to_rgb(observation, cell_pixels=4, gap=4)
