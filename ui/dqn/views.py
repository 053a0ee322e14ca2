"""One DQN run shown inside out, and the visitor's runs side by side.

Greedy evaluations and animations are computed once per run and cached (a run is identified
by its config and the number of steps it trained: a stopped run differs from a finished one).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core.dqn import (
    EVAL_EPISODES,
    EVAL_SEED,
    DQNConfig,
    TrainingResult,
    evaluate,
    greedy_episode,
    random_episode_states,
    value_map,
)
from ui.cartpole import episode_gif, still_png
from ui.charts import dqn as charts
from ui.dqn.runs import RunRecord
from ui.drawing import draw

ANIMATE_KEY = "dqn_animate"


@st.cache_data(max_entries=64, ttl=6 * 3600, show_spinner=False)
def greedy_returns(_result: TrainingResult, key: tuple[DQNConfig, int]) -> np.ndarray:
    """The run's policy on the evaluation episodes (no exploration)."""
    return evaluate(_result.policy, episodes=EVAL_EPISODES, seed=EVAL_SEED)


@st.cache_data(max_entries=16, ttl=6 * 3600, show_spinner=False)
def trained_episode(_result: TrainingResult, key: tuple[DQNConfig, int]) -> tuple[bytes, bytes]:
    """One greedy episode with its Q-values: (animated GIF, still PNG of the first frame)."""
    trace = greedy_episode(_result.policy, seed=EVAL_SEED)
    label = "trained agent"
    return (
        episode_gif(trace.states, label, trace.q_values),
        still_png(trace.states, label, trace.q_values),
    )


@st.cache_data(max_entries=4, show_spinner=False)
def random_episode(seed: int) -> tuple[bytes, bytes]:
    """A uniformly random policy failing: (animated GIF, still PNG)."""
    states = random_episode_states(seed=seed)
    return episode_gif(states, "random policy"), still_png(states, "random policy", index=-1)


def run_key(result: TrainingResult) -> tuple[DQNConfig, int]:
    return result.config, result.total_steps


def animation(gif: bytes, still: bytes, description: str, name: str) -> None:
    """An animation that can be paused, and a still frame for learners who ask for less motion.

    The page style hides the animated container when the browser reports
    ``prefers-reduced-motion: reduce``, and hides the still one otherwise.
    """
    animate = st.session_state.get(ANIMATE_KEY, True)
    if animate:
        with st.container(key=f"motion_animated_{name}"):
            st.image(gif, width="stretch", alt=description)
        with st.container(key=f"motion_still_{name}"):
            st.image(still, width="stretch", alt=f"Still frame. {description}")
    else:
        st.image(still, width="stretch", alt=f"Still frame. {description}")


def animation_switch() -> None:
    st.toggle(
        "Play animations",
        value=True,
        key=ANIMATE_KEY,
        help="Off: still frames instead of moving pictures. Browsers set to reduce motion get "
        "still frames anyway.",
    )


def _greedy_description(returns: np.ndarray, threshold: float) -> str:
    reached = int((returns >= threshold).sum())
    return f"mean {returns.mean():.0f} of 500; {reached} of {len(returns)} at {threshold:g} or more"


def show_result(record: RunRecord) -> None:
    """Metrics, learning curve, the agent with its Q-values, evaluation, value map, a batch."""
    result = record.result
    config = result.config
    frame = charts.training_frame(
        result.episode_returns,
        result.episode_epsilons,
        result.episode_losses,
        result.episode_lengths,
    )
    returns = greedy_returns(result, run_key(result))
    solved = returns.mean() >= config.solved_threshold
    first, second, third, fourth = st.columns(4)
    first.metric(
        f"Greedy return ({EVAL_EPISODES} episodes)",
        f"{returns.mean():.0f}",
        "solved" if solved else "not solved",
        delta_color="normal" if solved else "off",
        delta_arrow="up" if solved else "off",
        border=True,
    )
    second.metric(
        "Steps to solve",
        f"{result.solved_at_step:,}" if result.solved else "—",
        help=f"Environment steps until a greedy check of {config.eval_episodes} episodes first "
        f"averaged {config.solved_threshold:g} or more.",
        border=True,
    )
    third.metric("Training episodes", f"{result.episodes:,}", border=True)
    fourth.metric(
        "Training CPU time",
        f"{result.cpu_time:.1f} s",
        help=f"CPU seconds the training process spent; it took {result.wall_time:.1f} s of wall "
        "time, more when the machine was busy.",
        border=True,
    )
    endings = {
        "solved": f"Training stopped when a greedy check reached {config.solved_threshold:g}.",
        "budget": f"Training used its whole budget of {config.max_env_steps:,} steps.",
        "episode cap": f"Training ended at the episode cap of {config.max_episodes:,} episodes, "
        f"before the {config.max_env_steps:,}-step budget was spent.",
        "stopped": "Training was stopped before the end.",
    }
    st.caption(endings[result.ended_by])
    draw(
        charts.learning_curve_chart(
            frame,
            result.eval_episodes.tolist(),
            result.eval_means.tolist(),
            config.solved_threshold,
        )
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**The trained agent, acting greedily, with its Q-values**")
        gif, still = trained_episode(result, run_key(result))
        animation(
            gif,
            still,
            f"CartPole animation of one greedy episode of this run's agent; bars at the top "
            f"right show Q(s, push left) and Q(s, push right) in every frame. The episode lasts "
            f"{int(returns.max())} steps or fewer.",
            "trained",
        )
        st.caption(
            "One greedy episode, real time. The dark bar is the action the agent takes: the "
            "larger Q-value. The episode ends after 500 steps if the pole never falls: a time "
            "limit, not a failure."
        )
    draw(charts.evaluation_chart(returns, config.solved_threshold), right)
    st.caption(
        f"Greedy evaluation: {EVAL_EPISODES} fresh episodes without exploration "
        f"({_greedy_description(returns, config.solved_threshold)}). Gymnasium calls "
        f"CartPole-v1 solved at a mean of {config.solved_threshold:g} over 100 consecutive "
        f"episodes; here training stops at a {config.eval_episodes}-episode greedy check of "
        f"{config.solved_threshold:g}, and the run is judged by these {EVAL_EPISODES} episodes."
    )

    st.subheader("What the network learned")
    angles = np.radians(
        np.linspace(-charts.ANGLE_LIMIT_DEGREES, charts.ANGLE_LIMIT_DEGREES, charts.MAP_POINTS)
    )
    velocities = np.linspace(-charts.VELOCITY_LIMIT, charts.VELOCITY_LIMIT, charts.MAP_POINTS)
    draw(charts.value_map_chart(value_map(result.policy, angles, velocities), angles, velocities))
    horizon = 1 / (1 - config.gamma) if config.gamma < 1 else math.inf
    st.caption(
        "Each cell asks the network about one state: a pole at that angle and angular velocity "
        "over a cart at rest in the middle. The arrow is the push it would choose. Q here is "
        "the expected *discounted return*: the sum of future rewards, each weighted by γ per "
        f"step of delay (γ = {config.gamma:g}, so for +1 per step at most about "
        f"{horizon:.0f})."
    )

    st.subheader("One replay batch")
    sample = result.replay_sample
    st.dataframe(
        pd.DataFrame(
            {
                "state (x, ẋ, θ, θ̇)": [_vector(v) for v in sample.obs],
                "action": np.where(sample.actions == 1, "push right", "push left"),
                "reward": sample.rewards,
                "next state": [_vector(v) for v in sample.next_obs],
                "terminated": sample.terminated,
            }
        ),
        hide_index=True,
    )
    st.caption(
        "A random sample from the replay buffer at the end of training: transitions from "
        "many different moments, so one gradient step does not see a single stretch of "
        "nearly identical states."
        if config.use_replay
        else "Without replay, each batch is the latest consecutive transitions: each "
        "state is almost the previous one, so the network keeps fitting one narrow "
        "situation at a time."
    )

    draw(charts.loss_chart(frame))
    st.caption(
        "The loss measures how far Q(s, a) is from its target y. It often *rises* while the "
        "agent improves: longer episodes mean larger values and larger targets (with +1 per "
        "step, values grow toward about 1/(1 − γ)), and errors grow with them. Judge the agent "
        "by its greedy return, not by the loss."
    )


def _vector(values: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:+.2f}" for v in values) + ")"


def history_table(runs: list[RunRecord]) -> pd.DataFrame:
    """One row per run: greedy return, steps to solve, how it ended, episodes."""
    return pd.DataFrame(
        {
            "Run": [r.label for r in runs],
            "Greedy return": [
                float(greedy_returns(r.result, run_key(r.result)).mean()) for r in runs
            ],
            "Steps to solve": [
                f"{r.result.solved_at_step:,}" if r.result.solved else "—" for r in runs
            ],
            "Ended by": [r.result.ended_by for r in runs],
            "Episodes": [f"{r.result.episodes:,}" for r in runs],
            "Env steps": [f"{r.result.total_steps:,}" for r in runs],
        }
    )
