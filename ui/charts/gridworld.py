"""The cliff walk: the grid with values and arrows, Figure 6.4, and the discount's weights.

The grid is one template per shape (size, coloured or not, clickable or not); the cells, the
path and the highlighted cells travel as data, so stepping through an episode only swaps
frames. Start, goal, cliff and walls differ by a symbol and a word as well as by colour:
S (start), G (goal), ✕ (cliff), ■ (wall). A cell's value is its colour *and* its number, and
the greedy action is an arrow (two arrows for a tie of two, · when three or four tie).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from core.gridworld import ARROWS, Algorithm, Episode, GridWorld, LearningResult, best_actions
from ui.charts.figure import Figure, data, template
from ui.charts.style import (
    REFERENCE_COLOR,
    count_axis,
    number,
    reference_rules,
    series_color,
    series_dash,
    titled,
)

ROW_HEIGHT = 56
"""Pixels per grid row: room for an arrow above a number, even in a narrow phone column."""
SPECIAL_KINDS = ("goal", "cliff", "wall")
SPECIAL_FILLS = ("#1b7837", "#7f2704", "#374151")
SYMBOLS = {"goal": "G", "cliff": "✕", "wall": "■"}
VALUE_RANGE = ("#f4a582", "#f7f7f7", "#67a9cf")
"""Low values orange, high values blue, all light enough for black text (contrast > 7:1)."""
FLOOR_FILL = "#eef2f7"
INK = {"dark": "#111827", "light": "#ffffff"}
PATH_COLOR = "#111827"
HIGHLIGHTS = ("agent is here now", "value just updated")
"""Outlines, told apart by colour and dash (solid black, dashed orange); the page says which."""
HIGHLIGHT_COLORS = ("#111827", "#c2410c")
HIGHLIGHT_DASHES = ((1, 0), (5, 3))
TIE_MARK = "·"
SMOOTHING_EPISODES = 10
ALGORITHM_NAMES: dict[Algorithm, str] = {"q_learning": "Q-learning", "sarsa": "Sarsa"}


def cell_kind(world: GridWorld, cell: tuple[int, int]) -> str:
    if cell == world.start:
        return "start"
    if cell == world.goal:
        return "goal"
    if cell in world.cliff_cells:
        return "cliff"
    if cell in world.wall_cells:
        return "wall"
    return "floor"


def value_text(value: float) -> str:
    """At most four characters, so a number fits a cell of a 12-column grid on a phone
    (the tooltip has the exact values): -7.7, -13, -100, 4.9k, 2e+04."""
    size = abs(round(value, 1))
    if size >= 10_000:
        return f"{value:.0e}"
    if size >= 1_000:
        return f"{value / 1000:.1f}k"
    if size >= 10:
        return number(value, 0)
    return number(value, 1)


def arrow_text(tied: np.ndarray) -> str:
    """The greedy action's arrow; two arrows for a tie of two; · for three or four."""
    actions = np.flatnonzero(tied)
    if len(actions) > 2:
        return TIE_MARK
    return "".join(ARROWS[action] for action in actions)


def cell_frame(
    world: GridWorld, q: np.ndarray | None = None, policy: np.ndarray | None = None
) -> pd.DataFrame:
    """One row per cell: ``row``, ``col``, ``kind``, ``symbol`` (arrow, S, G, ✕, ■),
    ``caption`` (the value, or the kind's word), ``value`` (max_a Q, NaN off the floor),
    ``ink`` and the four action values for the tooltip.

    Give ``q`` to draw values with the greedy arrows, or ``policy`` (an action per state) to
    draw a policy's arrows alone.
    """
    rows = []
    ties = best_actions(q) if q is not None else None
    for state in range(world.n_states):
        cell = world.cell(state)
        kind = cell_kind(world, cell)
        acting = kind in ("floor", "start")
        value = float(q[state].max()) if q is not None and acting else np.nan
        if not acting:
            symbol, caption = SYMBOLS[kind], kind
        else:
            if ties is not None:
                symbol = arrow_text(ties[state])
            else:
                symbol = ARROWS[int(policy[state])] if policy is not None else ""
            if kind == "start":
                symbol = f"S{symbol}"
            caption = value_text(value) if q is not None else ("start" if kind == "start" else "")
        row = {
            "row": cell[0],
            "col": cell[1],
            "kind": kind,
            "symbol": symbol,
            "caption": caption,
            "value": value,
            "ink": "dark" if acting else "light",
        }
        for action, name in enumerate(("q_up", "q_right", "q_down", "q_left")):
            row[name] = float(q[state, action]) if q is not None and acting else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def path_frame(world: GridWorld, states: Sequence[int] | np.ndarray) -> pd.DataFrame:
    """The cells a path visits, in order (``step`` from 0): drawn as a line through them."""
    cells = [world.cell(int(state)) for state in states]
    return pd.DataFrame(
        {
            "step": np.arange(len(cells), dtype=int),
            "row": [cell[0] for cell in cells],
            "col": [cell[1] for cell in cells],
        }
    )


def highlight_frame(
    world: GridWorld, agent: int | None = None, updated: int | None = None
) -> pd.DataFrame:
    """Outlined cells: where the agent stands and the cell whose value was just updated."""
    rows = []
    for role, state in zip(HIGHLIGHTS, (agent, updated), strict=True):
        if state is not None:
            row, col = world.cell(int(state))
            rows.append({"row": row, "col": col, "role": role})
    return pd.DataFrame(rows, columns=["row", "col", "role"])


@template
def _grid_template(rows: int, coloured: bool, selectable: bool) -> alt.LayerChart:
    x = alt.X("col:O", title=None, axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("row:O", title=None)
    base = alt.Chart(data("cells")).encode(x=x, y=y)
    acting = "datum.kind == 'floor' || datum.kind == 'start'"
    floor = base.transform_filter(acting).mark_rect(stroke="#ffffff", strokeWidth=1)
    if coloured:
        floor = floor.encode(
            color=alt.Color(
                "value:Q",
                title="value: max Q(s, a)",
                scale=alt.Scale(range=list(VALUE_RANGE)),
                legend=alt.Legend(
                    orient="bottom", direction="horizontal", gradientLength=160, format="~r"
                ),
            )
        )
    else:
        floor = floor.encode(color=alt.value(FLOOR_FILL))
    special = (
        base.transform_filter(f"!({acting})")
        .mark_rect(stroke="#ffffff", strokeWidth=1)
        .encode(
            fill=alt.Fill(
                "kind:N",
                scale=alt.Scale(domain=list(SPECIAL_KINDS), range=list(SPECIAL_FILLS)),
                legend=None,
            )
        )
    )
    path = (
        alt.Chart(data("path"))
        .mark_line(color=PATH_COLOR, strokeWidth=2.5, opacity=0.5, aria=False)
        .encode(
            x=alt.X("col:O", bandPosition=0.5),
            y=alt.Y("row:O", bandPosition=0.5),
            order="step:Q",
        )
    )
    ink = alt.Color(
        "ink:N",
        scale=alt.Scale(domain=list(INK), range=list(INK.values())),
        legend=None,
    )
    symbols = base.mark_text(fontSize=15, dy=-11, fontWeight="bold").encode(
        text="symbol:N", color=ink
    )
    captions = base.mark_text(fontSize=10, dy=14).encode(text="caption:N", color=ink)
    highlights = (
        alt.Chart(data("highlights"))
        .mark_rect(filled=False, strokeWidth=3, aria=False)
        .encode(
            x="col:O",
            y="row:O",
            stroke=alt.Stroke(
                "role:N",
                title=None,
                scale=alt.Scale(domain=list(HIGHLIGHTS), range=list(HIGHLIGHT_COLORS)),
                legend=None,
            ),
            strokeDash=alt.StrokeDash(
                "role:N",
                scale=alt.Scale(
                    domain=list(HIGHLIGHTS), range=[list(dash) for dash in HIGHLIGHT_DASHES]
                ),
                legend=None,
            ),
        )
    )
    tooltip = [
        alt.Tooltip("row:O", title="Row"),
        alt.Tooltip("col:O", title="Column"),
        alt.Tooltip("kind:N", title="Cell"),
    ]
    if coloured:
        tooltip += [
            alt.Tooltip("value:Q", title="Value max Q", format=".2f"),
            *(
                alt.Tooltip(f"q_{name}:Q", title=f"Q({name})", format=".2f")
                for name in ("up", "right", "down", "left")
            ),
        ]
    hits = base.mark_rect(fill="#ffffff", fillOpacity=0.0).encode(tooltip=tooltip)
    if selectable:
        hits = hits.add_params(
            alt.selection_point(name="cell", fields=["row", "col"], on="click", toggle=False)
        )
    chart = alt.layer(floor, special, path, symbols, captions, highlights, hits)
    chart = chart.resolve_scale(color="independent")
    return titled(chart, "grid", height=rows * ROW_HEIGHT)


def _path_words(path: Episode | None, world: GridWorld) -> str:
    if path is None:
        return ""
    steps = len(path.actions)
    if path.terminated:
        return (
            f" The drawn path reaches G in {steps} steps with a total reward of "
            f"{number(path.total_reward, 0)}."
        )
    return f" The drawn path does not reach G within {steps} steps: it goes in circles."


def value_grid(
    world: GridWorld,
    q: np.ndarray,
    title: str,
    *,
    path: Episode | None = None,
    trail: Sequence[int] | np.ndarray | None = None,
    agent: int | None = None,
    updated: int | None = None,
    selectable: bool = False,
) -> Figure:
    """Each cell's value max_a Q(s, a) (colour and number) and its greedy arrow.

    ``path`` draws a whole greedy path; ``trail`` the states visited so far in an episode
    being stepped through, with ``agent`` (where it stands) and ``updated`` (the state whose
    value the last update changed) outlined. ``selectable`` lets a click choose a cell.
    """
    cells = cell_frame(world, q=q)
    states = path.states if path is not None else (trail if trail is not None else [])
    acting = cells[cells["kind"].isin(("floor", "start"))]
    start = float(q[world.start_state].max())
    alt_text = (
        f"{title}. A grid of {world.rows} rows by {world.cols} columns; S is the start at row "
        f"{world.start[0]}, column {world.start[1]}, G the goal at row {world.goal[0]}, column "
        f"{world.goal[1]}, with {len(world.cliff_cells)} cliff cells (✕) and "
        f"{len(world.wall_cells)} walls (■). Each cell shows its value, max Q(s, a), from "
        f"{number(acting['value'].min())} to {number(acting['value'].max())} (start: "
        f"{number(start)}), and an arrow for its greedy action." + _path_words(path, world)
    )
    if agent is not None:
        alt_text += (
            f" The agent stands at row {world.cell(agent)[0]}, column {world.cell(agent)[1]}."
        )
    return Figure(
        _grid_template(world.rows, True, selectable),
        {
            "cells": cells,
            "path": path_frame(world, states),
            "highlights": highlight_frame(world, agent, updated),
        },
        alt_text,
        title_text=title,
    )


def policy_grid(world: GridWorld, policy: np.ndarray, path: Episode, title: str) -> Figure:
    """A policy as an arrow in every cell, and the episode it produces from S as a line."""
    cells = cell_frame(world, policy=policy)
    alt_text = (
        f"{title}. A grid of {world.rows} rows by {world.cols} columns with an arrow in every "
        f"cell: the action this policy takes there. S (start) is at row {world.start[0]}, "
        f"column {world.start[1]}; G (goal) at row {world.goal[0]}, column {world.goal[1]}; "
        f"the {len(world.cliff_cells)} cliff cells (✕) lie between them." + _path_words(path, world)
    )
    return Figure(
        _grid_template(world.rows, False, False),
        {
            "cells": cells,
            "path": path_frame(world, path.states),
            "highlights": highlight_frame(world),
        },
        alt_text,
        title_text=title,
    )


# --- Figure 6.4 ------------------------------------------------------------------------------


def smoothed(values: np.ndarray, window: int = SMOOTHING_EPISODES) -> np.ndarray:
    """Trailing moving average (shorter at the start), as the book's curves are smoothed."""
    sums = np.cumsum(values)
    shifted = np.concatenate([np.zeros(window), sums])[: len(values)]
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (sums - shifted) / counts


def returns_frame(results: Sequence[LearningResult]) -> pd.DataFrame:
    """Per algorithm and episode: the mean over runs (``mean``) and its moving average
    (``value``), the curve drawn."""
    frames = []
    for result in results:
        mean = result.mean_returns
        frames.append(
            pd.DataFrame(
                {
                    "algorithm": ALGORITHM_NAMES[result.algorithm],
                    "episode": np.arange(1, result.episodes + 1),
                    "mean": mean,
                    "value": smoothed(mean),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def axis_floor(frame: pd.DataFrame) -> float:
    """The bottom of the y axis: −100 as in the book, lower if a curve ends below it."""
    late = frame.groupby("algorithm")["value"].apply(lambda v: v.iloc[len(v) // 2 :].min())
    return float(min(-100.0, 10 * np.floor(late.min() / 10)))


@template
def _returns_template(labels: tuple[str, ...]) -> alt.LayerChart | alt.FacetChart:
    base = alt.Chart(data("curves")).encode(
        x=alt.X("episode:Q", axis=count_axis("Episode")),
        y=alt.Y("shown:Q", title="Sum of rewards during episode", scale=alt.Scale(zero=False)),
    )
    lines = base.mark_line(strokeWidth=2).encode(
        color=series_color("algorithm", labels),
        strokeDash=series_dash("algorithm", labels),
        tooltip=[
            alt.Tooltip("algorithm:N", title="Algorithm"),
            alt.Tooltip("episode:Q", title="Episode"),
            alt.Tooltip("value:Q", title=f"Mean of {SMOOTHING_EPISODES} episodes", format=".1f"),
            alt.Tooltip("mean:Q", title="This episode, mean over runs", format=".1f"),
        ],
    )
    chart = alt.layer(lines, reference_rules(data("references"), ".0f"))
    return titled(
        chart,
        "Sum of rewards per episode while learning",
        [
            f"mean over runs, smoothed over {SMOOTHING_EPISODES} episodes",
            "lower values drawn on the bottom edge",
        ],
    )


def returns_chart(results: Sequence[LearningResult], best_return: float) -> Figure:
    """Figure 6.4: online sum of rewards per episode for each algorithm, with the best path."""
    frame = returns_frame(results)
    floor = axis_floor(frame)
    frame["shown"] = frame["value"].clip(lower=floor)
    labels = tuple(ALGORITHM_NAMES[result.algorithm] for result in results)
    references = pd.DataFrame(
        {
            "reference": [f"best path, no exploring ({number(best_return, 0)})"],
            "value": [best_return],
        }
    )
    first = results[0]
    window = min(100, first.episodes)
    ends = "; ".join(
        f"{ALGORITHM_NAMES[r.algorithm]} averages "
        f"{number(float(r.episode_returns[:, -window:].mean()), 1)}"
        for r in results
    )
    alt_text = (
        f"Line chart of the sum of rewards per episode over {first.episodes:,} episodes, the "
        f"mean of {first.runs:,} runs smoothed over {SMOOTHING_EPISODES} episodes, y axis "
        f"from {number(floor, 0)}. Over the last {window} episodes: {ends}. The best path, "
        f"followed without exploring, is worth {number(best_return, 0)}."
    )
    return Figure(_returns_template(labels), {"curves": frame, "references": references}, alt_text)


# --- The discount --------------------------------------------------------------------------


def discount_frame(gammas: Sequence[float], steps: int) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "gamma": f"γ = {gamma:g}",
                "k": np.arange(steps + 1),
                "weight": gamma ** np.arange(steps + 1),
            }
        )
        for gamma in gammas
    ]
    return pd.concat(frames, ignore_index=True)


@template
def _discount_template(labels: tuple[str, ...]) -> alt.Chart:
    chart = (
        alt.Chart(data("weights"))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("k:Q", axis=count_axis("Steps ahead, k")),
            y=alt.Y("weight:Q", title="Weight γᵏ"),
            color=series_color("gamma", labels),
            strokeDash=series_dash("gamma", labels),
            tooltip=[
                alt.Tooltip("gamma:N", title="Discount"),
                alt.Tooltip("k:Q", title="Steps ahead"),
                alt.Tooltip("weight:Q", title="Weight", format=".3f"),
            ],
        )
    )
    return titled(
        chart, "How much a later reward counts", "γᵏ: the weight of a reward k steps after the next"
    )


def discount_chart(gammas: Sequence[float], steps: int = 150) -> Figure:
    """The weight γ^k against k, one line per γ: how far ahead the agent looks."""
    frame = discount_frame(gammas, steps)
    parts = []
    for gamma in gammas:
        if gamma >= 1:
            parts.append(f"γ = {gamma:g} weighs every reward fully, however far ahead")
            continue
        below = int(np.ceil(np.log(0.01) / np.log(gamma)))
        parts.append(
            f"γ = {gamma:g} halves the weight every {np.log(0.5) / np.log(gamma):.1f} steps "
            f"and drops below 0.01 after {below} steps"
        )
    alt_text = (
        f"Line chart of the weight γ^k of a reward k steps ahead, for k from 0 to {steps}: "
        + "; ".join(parts)
        + "."
    )
    labels = tuple(f"γ = {gamma:g}" for gamma in gammas)
    return Figure(_discount_template(labels), {"weights": frame}, alt_text, title_text=None)


__all__ = [
    "REFERENCE_COLOR",
    "cell_frame",
    "discount_chart",
    "path_frame",
    "policy_grid",
    "returns_chart",
    "value_grid",
]
