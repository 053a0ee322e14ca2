"""What the Space Invaders page computes from a run, cached: greedy scores, random play, one
greedy game with its Q-values, animations, and the channel experiments.

A run is identified by its config and the steps it trained (``ui.dqn.views.run_key``); the
policy itself is passed with a leading underscore so Streamlit does not hash the network.
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
from core.dqn.shipped import RANDOM_EPISODES, random_play_mean
from core.invaders import ACTIONS, InvadersBatch, random_policy_returns
from ui import invaders as drawing

RunKey = tuple[DQNConfig, int]
SECONDS = 6 * 3600


@st.cache_data(max_entries=1, show_spinner=False)
def random_mean() -> float:
    """Random play's mean score over RANDOM_EPISODES games: the bar's reference."""
    return random_play_mean(RANDOM_EPISODES)


@st.cache_data(max_entries=1, show_spinner=False)
def random_scores() -> np.ndarray:
    """Random play's scores in as many games as a greedy evaluation plays."""
    return random_policy_returns(INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED)[0].astype(float)


@st.cache_data(max_entries=32, ttl=SECONDS, show_spinner=False)
def greedy_scores(_result: TrainingResult, key: RunKey) -> np.ndarray:
    """The run's greedy policy in the evaluation games (sticky actions on, seeded)."""
    return evaluate_invaders(_result.policy, INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED)


@st.cache_data(max_entries=8, ttl=SECONDS, show_spinner=False)
def greedy_game(_result: TrainingResult, key: RunKey) -> InvadersTrace:
    """The first evaluation game, frame by frame, with the network's Q-values."""
    return invaders_greedy_episode(_result.policy, INVADERS_EVAL_SEED)


@st.cache_data(max_entries=8, ttl=SECONDS, show_spinner=False)
def greedy_animation(_result: TrainingResult, key: RunKey) -> tuple[bytes, bytes]:
    """(animated GIF, still PNG of the first frame) of :func:`greedy_game`."""
    trace = greedy_game(_result, key)
    label = "greedy agent"
    return (
        drawing.game_gif(trace.observations, trace.rewards, label, trace.q_values),
        drawing.still_png(trace.observations, trace.rewards, label, trace.q_values),
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
    label = "random play"
    return (
        drawing.game_gif(frames, rewards, label),
        drawing.still_png(frames, rewards, label, index=-1),
    )


@st.cache_data(max_entries=8, ttl=SECONDS, show_spinner=False)
def blindfolded_scores(
    _result: TrainingResult, key: RunKey, hidden: tuple[int, ...], merge_aliens: bool
) -> np.ndarray:
    """The run's greedy policy in the evaluation games, seeing less (see ``Blindfolded``)."""
    policy = Blindfolded(_result.policy, hidden, merge_aliens)
    return evaluate_invaders(policy, INVADERS_EVAL_EPISODES, INVADERS_EVAL_SEED)
