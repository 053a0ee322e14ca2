"""The "be the agent" game's per-visitor state: one game in ``st.session_state``."""

from __future__ import annotations

import secrets

import streamlit as st

from core.game import BanditGame

STATE_KEY = "bandit_game"
PULL_CHOICES = (10, 20, 30, 50, 100)


def current_game(seed: int, pulls: int) -> BanditGame:
    """This visitor's game for the seed and length chosen.

    A new game starts when the seed changes, or when the length changes before the first pull
    or after the last. A length change in the middle of a game keeps the game until the
    learner confirms (see :func:`confirm_discard`).
    """
    game = st.session_state.get(STATE_KEY)
    in_progress = isinstance(game, BanditGame) and game.actions and not game.finished
    if (
        not isinstance(game, BanditGame)
        or game.seed != seed
        or (game.pulls != pulls and not in_progress)
    ):
        game = BanditGame(seed=seed, pulls=pulls)
        st.session_state[STATE_KEY] = game
    return game


def _discard(pulls: int) -> None:
    game = st.session_state.get(STATE_KEY)
    if isinstance(game, BanditGame):
        st.session_state[STATE_KEY] = BanditGame(seed=game.seed, pulls=pulls)


def _keep(pulls_key: str, pulls: int) -> None:
    st.session_state[pulls_key] = pulls


@st.dialog("Start a new game?")
def confirm_discard(game: BanditGame, pulls: int, pulls_key: str) -> None:
    """Ask before a change of length throws away a game in progress."""
    st.markdown(
        f"You are {len(game.actions)} pulls into a {game.pulls}-pull game. A {pulls}-pull game "
        "is a new game: your pulls so far would be lost."
    )
    left, right = st.columns(2)
    if left.button(f"Keep my {game.pulls}-pull game", on_click=_keep, args=(pulls_key, game.pulls)):
        st.rerun()
    if right.button(f"Start a {pulls}-pull game", type="primary", on_click=_discard, args=(pulls,)):
        st.rerun()


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
