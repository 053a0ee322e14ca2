"""The "be the agent" game's per-visitor state: one game in ``st.session_state``."""

from __future__ import annotations

import secrets

import streamlit as st

from core.game import BanditGame

STATE_KEY = "bandit_game"


def current_game(seed: int, pulls: int) -> BanditGame:
    """This visitor's game for the seed and length chosen; a new one when either changes."""
    game = st.session_state.get(STATE_KEY)
    if not isinstance(game, BanditGame) or (game.seed, game.pulls) != (seed, pulls):
        game = BanditGame(seed=seed, pulls=pulls)
        st.session_state[STATE_KEY] = game
    return game


def pull(arm: int) -> None:
    """Button callback: pull ``arm`` of the current game, if it is not over."""
    game = st.session_state.get(STATE_KEY)
    if isinstance(game, BanditGame) and not game.finished:
        game.pull(arm)


def new_game(seed_key: str) -> None:
    """Button callback: a fresh hidden bandit under a new random seed (shown in the URL)."""
    st.session_state[seed_key] = secrets.randbelow(1_000_000)
    st.session_state.pop(STATE_KEY, None)


def replay() -> None:
    """Button callback: the same bandit again from the first pull."""
    st.session_state.pop(STATE_KEY, None)
