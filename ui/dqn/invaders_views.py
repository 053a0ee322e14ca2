"""What the Space Invaders page computes from a run, cached: greedy scores, random play, one
greedy game with its Q-values, animations, and the channel experiments.

A run is identified by its config and the steps it trained (``ui.dqn.views.run_key``); the
policy itself is passed with a leading underscore so Streamlit does not hash the network. The
shipped agent's judgement (its evaluation games and random play's) was measured by the command
that made it and is read from its summary instead of being played again.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.dqn import (
    INVADERS_EVAL_EPISODES,
    INVADERS_EVAL_SEED,
    DQNConfig,
    InvadersTrace,
    TrainingResult,
    evaluate_invaders,
    invaders_greedy_episode,
)
from core.dqn.games import Blindfolded
from core.dqn.shipped import invaders_config, load_invaders_summary
from core.invaders import ACTIONS, InvadersBatch
from ui import invaders as drawing

RunKey = tuple[DQNConfig, int]
SECONDS = 6 * 3600
RANDOM_CELL = 32
"""A random game has no Q-value bars beside it: its screen is drawn larger instead."""


@st.cache_resource
def shipped_summary() -> dict:
    """The shipped agent's judgement, measured by ``python -m core.dqn.shipped``."""
    return load_invaders_summary()


def random_mean() -> float:
    """Random play's mean score (over ``random_episodes`` games): the bar's reference."""
    return float(shipped_summary()["random_mean"])


def random_scores() -> np.ndarray:
    """Random play's scores in the evaluation games (the same seeds as a greedy evaluation)."""
    return np.array(shipped_summary()["random_scores"])


@st.cache_data(max_entries=32, ttl=SECONDS, show_spinner=False)
def greedy_scores(_result: TrainingResult, key: RunKey) -> np.ndarray:
    """The run's greedy policy in the evaluation games (sticky actions on, seeded)."""
    summary = shipped_summary()
    if key == (invaders_config(), summary["total_steps"]):
        return np.array(summary["greedy_scores"])
    return evaluate_invaders(_result.policy, INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED)


@st.cache_data(max_entries=8, ttl=SECONDS, show_spinner=False)
def greedy_game(_result: TrainingResult, key: RunKey) -> InvadersTrace:
    """The first evaluation game, frame by frame, with the network's Q-values."""
    return invaders_greedy_episode(_result.policy, INVADERS_EVAL_SEED)


@st.cache_data(max_entries=8, ttl=SECONDS, show_spinner=False)
def greedy_animation(_result: TrainingResult, key: RunKey) -> tuple[bytes, bytes]:
    """(animated GIF, still PNG of the first frame) of :func:`greedy_game`."""
    trace = greedy_game(_result, key)
    return (
        drawing.game_gif(trace.observations, trace.rewards, trace.q_values),
        drawing.still_png(trace.observations, trace.rewards, trace.q_values),
    )


def random_game(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One game of uniformly random play: its frames (steps + 1, 5, 10, 10) and rewards."""
    rng = np.random.default_rng(seed)
    batch = InvadersBatch(1, seed)
    frames, rewards = [batch.observe()[0]], []
    while True:
        result = batch.step(rng.integers(len(ACTIONS), size=1), autoreset=False)
        frames.append(result.observations[0])
        rewards.append(float(result.rewards[0]))
        if result.terminated[0]:
            return np.stack(frames), np.array(rewards)


@st.cache_data(max_entries=2, show_spinner=False)
def random_animation(seed: int) -> tuple[bytes, bytes]:
    """(animated GIF, still PNG of the last frame) of a random game."""
    frames, rewards = random_game(seed)
    return (
        drawing.game_gif(frames, rewards, cell=RANDOM_CELL),
        drawing.still_png(frames, rewards, index=-1, cell=RANDOM_CELL),
    )


@st.cache_data(max_entries=8, ttl=SECONDS, show_spinner=False)
def blindfolded_scores(
    _result: TrainingResult, key: RunKey, hidden: tuple[int, ...], merge_aliens: bool
) -> np.ndarray:
    """The run's greedy policy in the evaluation games, seeing less (see ``Blindfolded``)."""
    policy = Blindfolded(_result.policy, hidden, merge_aliens)
    return evaluate_invaders(policy, INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED)
