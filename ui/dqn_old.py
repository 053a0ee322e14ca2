"""What the DQN page is made of: the config form, shared run cache, live training, history.

Finished runs are cached by their full config and shared by every visitor (training is
deterministic for a config, so a repeat is the same run). Each visitor's own list of runs, the
run history, lives in ``st.session_state``. Live training updates a progress bar after every
episode, so a click on Stop, or any widget change, interrupts it there.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import streamlit as st

from core.dqn import (
    DQNConfig,
    TrainingProgress,
    TrainingResult,
    evaluate,
    greedy_episode_states,
    load_run,
    random_episode_states,
    train,
)
from core.dqn.shipped import SHIPPED_RUN_PATH
from ui.cartpole import episode_gif
from ui.charts import dqn as charts
from ui.controls import ControlPanel
from ui.drawing import draw

SHARED_RUNS = 16
"""Finished runs kept in the cache shared by all visitors (a few hundred kB each)."""
HISTORY_RUNS = 10
"""Runs kept in one visitor's history."""
REWARD_SCHEMES = {
    "+1 per step (Gymnasium)": "gymnasium",
    "-1 on failure, else 0 (Sutton & Barto)": "sutton_barto",
}
"""The reward choices as the learner reads them (and as the URL keeps them)."""
EVAL_EPISODES, EVAL_SEED = 20, 10_000
REPLAY_OFF_BUDGET = 20_000
"""Budget cap with replay off: one gradient step per env step makes each step ~8x dearer."""
CHART_REFRESH_SECONDS = 0.75
"""The live chart is redrawn at most this often; the progress bar after every episode."""

FIELD_NAMES = {
    "seed": "seed",
    "max_env_steps": "budget",
    "hidden_width": "width",
    "hidden_depth": "layers",
    "learning_rate": "lr",
    "gamma": "γ",
    "batch_size": "batch",
    "train_frequency": "train every",
    "buffer_size": "buffer",
    "learning_starts": "warm-up",
    "target_update_period": "target every",
    "epsilon_start": "ε start",
    "epsilon_end": "ε end",
    "epsilon_decay_steps": "ε decay",
    "reward_scheme": "reward",
}


@dataclass(frozen=True)
class RunRecord:
    """One entry of a visitor's run history."""

    number: int
    label: str
    config: DQNConfig
    returns: np.ndarray
    lengths: np.ndarray
    result: TrainingResult | None
    """None when training was interrupted before it finished."""


def describe(config: DQNConfig) -> str:
    """A short label naming what differs from the default config, e.g. 'replay off, seed 3'."""
    default = DQNConfig()
    parts = []
    for switch, name in (
        ("use_replay", "replay"),
        ("use_target_network", "target net"),
        ("double_dqn", "double DQN"),
    ):
        if getattr(config, switch) != getattr(default, switch):
            parts.append(f"{name} {'on' if getattr(config, switch) else 'off'}")
    for field in fields(DQNConfig):
        name = FIELD_NAMES.get(field.name)
        value = getattr(config, field.name)
        if name and value != getattr(default, field.name):
            parts.append(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}")
    return ", ".join(parts) or "default settings"


def _options(choices: tuple, default: object) -> tuple:
    """A control's choices, always including the default config's value."""
    return tuple(sorted({*choices, default}))


def config_form() -> tuple[DQNConfig | None, bool, str | None]:
    """The sidebar form. Returns (config or None, whether Train was pressed, error message).

    Every control starts at ``DQNConfig()``'s value, so the page's defaults are the engine's.
    """
    default = DQNConfig()
    form = st.sidebar.form("dqn_form", border=False)
    panel = ControlPanel(container=form)
    panel.header("Training")
    values: dict[str, Any] = {
        "max_env_steps": panel.select_slider(
            "Budget (environment steps)",
            "budget",
            options=_options(
                (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000), default.max_env_steps
            ),
            value=default.max_env_steps,
            help="Training stops here, or earlier once a greedy check scores 475 or more.",
        ),
        "seed": panel.number_input(
            "Seed",
            "dqn_seed",
            min_value=0,
            max_value=9_999,
            value=default.seed,
            step=1,
            help="Same settings and seed, same run.",
        ),
        "reward_scheme": REWARD_SCHEMES[
            panel.selectbox(
                "Reward scheme",
                "reward",
                options=tuple(REWARD_SCHEMES),
                index=list(REWARD_SCHEMES.values()).index(default.reward_scheme),
                help="Same goal, different signal: the reward structure changes how fast DQN "
                "learns. Greedy evaluation always counts steps balanced (+1 per step).",
            )
        ],
    }
    panel.header("Ingredients")
    values["use_replay"] = panel.toggle(
        "Experience replay",
        "replay",
        value=default.use_replay,
        help="On: learn from random samples of past transitions. Off: only the latest one.",
    )
    values["use_target_network"] = panel.toggle(
        "Target network",
        "target_net",
        value=default.use_target_network,
        help="On: bootstrap from a periodically synced copy. Off: from the network being trained.",
    )
    values["double_dqn"] = panel.toggle(
        "Double DQN",
        "double",
        value=default.double_dqn,
        help="Pick the next action with the online network, value it with the target network.",
    )
    panel.header("Network and learning")
    values["hidden_width"] = panel.select_slider(
        "Hidden units per layer",
        "width",
        options=_options((16, 32, 64, 128, 256), default.hidden_width),
        value=default.hidden_width,
    )
    values["hidden_depth"] = panel.slider(
        "Hidden layers", "layers", min_value=1, max_value=3, value=default.hidden_depth
    )
    values["learning_rate"] = panel.select_slider(
        "Learning rate",
        "lr",
        options=_options((1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2), default.learning_rate),
        value=default.learning_rate,
        help="Adam's step size.",
    )
    values["gamma"] = panel.select_slider(
        "Discount γ",
        "gamma",
        options=_options((0.9, 0.95, 0.98, 0.99, 0.995, 0.999), default.gamma),
        value=default.gamma,
        help="How much future reward counts: γ = 0.99 looks about 100 steps ahead.",
    )
    values["batch_size"] = panel.select_slider(
        "Batch size",
        "batch",
        options=_options((16, 32, 64, 128, 256), default.batch_size),
        value=default.batch_size,
    )
    values["buffer_size"] = panel.select_slider(
        "Replay buffer size",
        "buffer",
        options=_options((1_000, 5_000, 10_000, 50_000, 100_000), default.buffer_size),
        value=default.buffer_size,
        help="How many past transitions are kept to sample from.",
    )
    values["target_update_period"] = panel.select_slider(
        "Target sync every (steps)",
        "target_every",
        options=_options((10, 50, 100, 200, 500, 1_000, 2_000), default.target_update_period),
        value=default.target_update_period,
    )
    panel.header("Exploration")
    values["epsilon_start"] = panel.slider(
        "ε at the start",
        "eps_start",
        min_value=0.1,
        max_value=1.0,
        value=default.epsilon_start,
        step=0.05,
    )
    values["epsilon_end"] = panel.slider(
        "ε at the end",
        "eps_end",
        min_value=0.0,
        max_value=0.2,
        value=default.epsilon_end,
        step=0.01,
    )
    values["epsilon_decay_steps"] = panel.select_slider(
        "ε decay (steps)",
        "eps_decay",
        options=_options(
            (1_000, 2_000, 5_000, 10_000, 20_000, 50_000), default.epsilon_decay_steps
        ),
        value=default.epsilon_decay_steps,
        help="Steps over which ε falls linearly from its start to its end.",
    )
    submitted = form.form_submit_button("Train", type="primary", icon=":material/play_arrow:")
    panel.finish()
    if not values["use_replay"] and values["max_env_steps"] > REPLAY_OFF_BUDGET:
        values["max_env_steps"] = REPLAY_OFF_BUDGET
        st.sidebar.caption(
            f"Without replay every step takes a gradient step, so the budget is capped at "
            f"{REPLAY_OFF_BUDGET:,} steps (about 15 s)."
        )
    try:
        config = DQNConfig(**{name: _plain(value) for name, value in values.items()})
    except ValueError as error:
        return None, submitted, str(error)
    return config, submitted, None


def _plain(value: Any) -> Any:
    """Widget values as the config expects them (select sliders may hand back numpy types)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    return float(value)


@st.cache_resource
def _shared_runs() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


def cached_run(config: DQNConfig) -> TrainingResult | None:
    """A finished run of exactly this config, from any visitor, if one is cached."""
    runs, lock = _shared_runs()
    with lock:
        result = runs.get(config)
        if result is not None:
            runs.move_to_end(config)
        return result


def remember_run(result: TrainingResult) -> None:
    """Share a finished run with every visitor; the oldest falls out past SHARED_RUNS."""
    runs, lock = _shared_runs()
    with lock:
        runs[result.config] = result
        runs.move_to_end(result.config)
        while len(runs) > SHARED_RUNS:
            runs.popitem(last=False)


@st.cache_resource
def shipped_run() -> TrainingResult:
    """The default run that ships with the app (``python -m core.dqn.shipped`` remakes it)."""
    result = load_run(SHIPPED_RUN_PATH)
    remember_run(result)
    return result


def history() -> list[RunRecord]:
    """This visitor's runs, oldest first; it starts with the shipped default run."""
    if "dqn_history" not in st.session_state:
        default = shipped_run()
        st.session_state["dqn_history"] = [
            RunRecord(
                1,
                "Run 1: default settings (shipped)",
                default.config,
                default.episode_returns,
                default.episode_lengths,
                default,
            )
        ]
    return st.session_state["dqn_history"]


def add_to_history(
    config: DQNConfig, returns: np.ndarray, lengths: np.ndarray, result: TrainingResult | None
) -> None:
    runs = history()
    number = runs[-1].number + 1 if runs else 1
    status = "" if result is not None else " (stopped)"
    label = f"Run {number}: {describe(config)}{status}"
    runs.append(RunRecord(number, label, config, returns, lengths, result))
    del runs[:-HISTORY_RUNS]


def overlay_selection_key(runs: list[RunRecord]) -> str:
    """Key of the overlay picker, whose selection keeps the learner's choices and adds new runs."""
    labels = [record.label for record in runs]
    known = st.session_state.get("dqn_overlay_known", [])
    previous = st.session_state.get("dqn_overlay")
    if previous is None:
        selection = labels
    else:
        selection = [label for label in previous if label in labels]
        selection += [label for label in labels if label not in known]
    st.session_state["dqn_overlay"] = selection
    st.session_state["dqn_overlay_known"] = labels
    return "dqn_overlay"


def recover_interrupted_run() -> str | None:
    """If the last training was interrupted, keep its partial curve in the history."""
    partial = st.session_state.pop("dqn_training", None)
    if partial is None or not partial["returns"]:
        return None
    add_to_history(
        partial["config"], np.array(partial["returns"]), np.array(partial["lengths"]), None
    )
    return (
        f"Training stopped after {len(partial['returns'])} episodes "
        f"({partial['step']:,} steps). Its curve is kept in the run history."
    )


def train_live(config: DQNConfig) -> TrainingResult:
    """Train with a progress bar and a live learning curve; reuse a cached run if there is one."""
    cached = cached_run(config)
    if cached is not None:
        st.success(
            "These exact settings were trained before (by you or another visitor), so the "
            "finished run is shown at once.",
            icon=":material/bolt:",
        )
        return cached
    st.button("Stop training", key="dqn_stop", icon=":material/stop:")
    bar = st.progress(0.0, text="Starting…")
    live_chart = st.empty()
    partial = {
        "config": config,
        "returns": [],
        "lengths": [],
        "epsilons": [],
        "losses": [],
        "step": 0,
    }
    st.session_state["dqn_training"] = partial
    last_draw = [0.0]

    def on_progress(update: TrainingProgress) -> None:
        partial["returns"].append(update.episode_return)
        partial["lengths"].append(update.episode_length)
        partial["epsilons"].append(update.epsilon)
        partial["losses"].append(update.loss)
        partial["step"] = update.step
        check = f" · greedy check {update.eval_mean:.0f}" if update.eval_mean is not None else ""
        bar.progress(
            min(1.0, update.step / config.max_env_steps),
            text=(
                f"Episode {update.episode} · step {update.step:,} of {config.max_env_steps:,} · "
                f"return {update.episode_return:.0f} · mean of last 20 "
                f"{update.recent_mean_return:.0f} · ε {update.epsilon:.2f}{check}"
            ),
        )
        now = time.perf_counter()
        if now - last_draw[0] > CHART_REFRESH_SECONDS:
            last_draw[0] = now
            frame = charts.training_frame(
                np.array(partial["returns"]),
                np.array(partial["epsilons"]),
                np.array(partial["losses"]),
            )
            draw(charts.learning_curve_chart(frame), live_chart)

    result = train(config, progress=on_progress)
    st.session_state.pop("dqn_training", None)
    bar.empty()
    live_chart.empty()
    remember_run(result)
    return result


@st.cache_data(max_entries=64, show_spinner=False)
def greedy_returns(_result: TrainingResult, key: DQNConfig) -> np.ndarray:
    """Greedy evaluation of a run's policy (cached by the run's config)."""
    return evaluate(_result.policy, episodes=EVAL_EPISODES, seed=EVAL_SEED)


@st.cache_data(max_entries=32, show_spinner=False)
def trained_animation(_result: TrainingResult, key: DQNConfig, seed: int) -> bytes:
    """An animated GIF of one greedy episode of a run's policy."""
    states = greedy_episode_states(_result.policy, seed=seed)
    return episode_gif(states, "trained agent")


@st.cache_data(max_entries=4, show_spinner=False)
def random_animation(seed: int) -> bytes:
    """An animated GIF of a uniformly random policy failing."""
    return episode_gif(random_episode_states(seed=seed), "random policy")


def show_result(record: RunRecord) -> None:
    """Learning curve, loss, greedy evaluation and an animation of one finished run."""
    result = record.result
    assert result is not None
    frame = charts.training_frame(
        result.episode_returns,
        result.episode_epsilons,
        result.episode_losses,
        result.episode_lengths,
    )
    returns = greedy_returns(result, result.config)
    verdict = "solved" if returns.mean() >= result.config.solved_threshold else "not solved"
    first, second, third, fourth = st.columns(4)
    first.metric("Greedy return (20 episodes)", f"{returns.mean():.0f}", verdict, border=True)
    second.metric(
        "Solved after (episodes)",
        f"{result.solved_at_episode}" if result.solved else "—",
        help="Episodes until a greedy check first averaged 475 or more."
        + (f" That was after {result.solved_at_step:,} steps." if result.solved else ""),
        border=True,
    )
    third.metric("Training episodes", f"{result.episodes}", border=True)
    fourth.metric("Training time", f"{result.wall_time:.1f} s", border=True)
    draw(
        charts.learning_curve_chart(
            frame,
            result.eval_episodes.tolist(),
            result.eval_means.tolist(),
            result.config.solved_threshold,
        )
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**The trained agent, acting greedily**")
        st.image(trained_animation(result, result.config, EVAL_SEED), width="stretch")
        st.caption(
            "One greedy episode (real time). The episode ends after 500 steps if the pole never "
            "falls: that is a time limit, not a failure."
        )
    draw(charts.evaluation_chart(returns, result.config.solved_threshold), right)
    draw(charts.loss_chart(frame))
