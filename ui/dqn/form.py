"""The DQN settings form, generated from ``DQNConfig``: each control's label, help, choices and
URL key are read from its field, so the words live once, in ``core/dqn/config.py``.

One form per game: it shows the controls that mean something in that game, starts them at the
game's default run (``DQNConfig.for_environment``) and explains each with the game's own reason.
Another game's form binds its controls to URL keys of its own (``invaders_budget``), so a
setting never follows a learner from one game's page to the other's."""

from __future__ import annotations

from dataclasses import Field
from typing import Any

import numpy as np
import streamlit as st

from core.dqn.config import DQNConfig, controls, help_text
from ui.controls import ControlPanel

ESSENTIAL_GROUPS = ("Training", "Ingredients")
"""Groups shown open in the form; the rest sit in a "More settings" box."""
FORM_KEYS = {"cartpole": "dqn_form", "invaders": "invaders_form"}
URL_PREFIXES = {"cartpole": "", "invaders": "invaders_"}
"""CartPole's form keeps the DQN page's original URL keys; other games prefix theirs."""


def url_key(field: Field, environment: str = "cartpole") -> str:
    """The URL key of a field's control in this game's form (``dqn_seed`` -> ``invaders_seed``)."""
    prefix = URL_PREFIXES[environment]
    key = field.metadata["url"]
    return prefix + key.removeprefix("dqn_") if prefix else key


def _choices(field: Field, default: Any) -> tuple:
    """A control's choices, always including the default config's value."""
    choices = field.metadata["choices"]
    if isinstance(choices, dict):
        return tuple(choices)
    return tuple(sorted({*choices, default}))


def _control(panel: ControlPanel, field: Field, default: Any, environment: str) -> Any:
    meta = field.metadata
    label, key = meta["label"], url_key(field, environment)
    help_words = help_text(field, environment)
    if isinstance(default, bool):
        return panel.toggle(label, key, value=default, help=help_words)
    if isinstance(meta["choices"], dict):
        names = meta["choices"]
        options = tuple(names)
        return panel.selectbox(
            label,
            key,
            options=options,
            index=options.index(default),
            format_func=names.__getitem__,
            help=help_words,
        )
    if meta["choices"] is not None:
        return panel.select_slider(
            label, key, options=_choices(field, default), value=default, help=help_words
        )
    low, high, step = meta["bounds"]
    if isinstance(default, int):
        return panel.number_input(
            label,
            key,
            min_value=int(low),
            max_value=int(high),
            value=default,
            step=int(step),
            help=help_words,
        )
    return panel.slider(
        label,
        key,
        min_value=float(low),
        max_value=float(high),
        value=float(default),
        step=float(step),
        help=help_words,
    )


def _plain(value: Any) -> Any:
    """Widget values as the config expects them (select sliders may hand back numpy types)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    return float(value)


def config_form(environment: str = "cartpole") -> tuple[DQNConfig | None, bool, str | None]:
    """The form of one game. Returns (config or None, whether Train was pressed, error message).

    Every control starts at the game's default run, so the page's defaults are the engine's.
    """
    default = DQNConfig.for_environment(environment)
    form = st.form(FORM_KEYS[environment], border=True)
    panel = ControlPanel(container=form)
    values: dict[str, Any] = {}
    fields_by_group: dict[str, list[Field]] = {}
    for field in controls(environment):
        fields_by_group.setdefault(field.metadata["group"], []).append(field)
    with form:
        for group in ESSENTIAL_GROUPS:
            st.markdown(f"**{group}**")
            columns = st.columns(len(fields_by_group[group]))
            for column, field in zip(columns, fields_by_group[group], strict=True):
                panel.sidebar = column
                values[field.name] = _control(
                    panel, field, getattr(default, field.name), environment
                )
        with st.expander("More settings: network, learning, exploration"):
            for group, group_fields in fields_by_group.items():
                if group in ESSENTIAL_GROUPS:
                    continue
                st.markdown(f"**{group}**")
                halves = st.columns(2)
                for index, field in enumerate(group_fields):
                    panel.sidebar = halves[index % 2]
                    values[field.name] = _control(
                        panel, field, getattr(default, field.name), environment
                    )
        submitted = st.form_submit_button("Train", type="primary", icon=":material/play_arrow:")
    panel.sidebar = form
    panel.finish()
    try:
        config = DQNConfig.for_environment(
            environment, **{name: _plain(value) for name, value in values.items()}
        )
    except ValueError as error:
        return None, submitted, str(error)
    return config, submitted, None


def describe(config: DQNConfig) -> str:
    """A short label naming what differs from its game's default run, e.g. 'replay off, seed 3'."""
    default = DQNConfig.for_environment(config.environment)
    parts = []
    for field in controls(config.environment):
        value, usual = getattr(config, field.name), getattr(default, field.name)
        if value == usual:
            continue
        name = field.metadata["url"].removeprefix("dqn_").replace("_", " ")
        if isinstance(value, bool):
            parts.append(f"{field.metadata['label'].lower()} {'on' if value else 'off'}")
        elif isinstance(field.metadata["choices"], dict):
            parts.append(field.metadata["choices"][value].split(" (")[-1].rstrip(")") + " reward")
        elif isinstance(value, float):
            parts.append(f"{name} {value:g}")
        else:
            parts.append(f"{name} {value}")
    return ", ".join(parts) or "default settings"
