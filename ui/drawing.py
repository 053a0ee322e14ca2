"""Draw a :class:`ui.charts.Figure`: its cached spec template, its data, its text alternative."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.charts import Figure


def draw(
    figure: Figure,
    container: Any = None,
    *,
    key: str | None = None,
    on_select: Callable[[], None] | None = None,
) -> None:
    """Draw ``figure`` full width in ``container`` (the page by default).

    ``on_select`` is called when the learner clicks a mark of a chart whose spec defines a
    selection (with ``key`` naming the chart, where the selection is found in session state).
    """
    target = container if container is not None else st
    if on_select is None:
        target.vega_lite_chart(spec=figure.full_spec(), width="stretch", alt=figure.alt)
        return
    target.vega_lite_chart(
        spec=figure.full_spec(), width="stretch", alt=figure.alt, key=key, on_select=on_select
    )


def draw_in_columns(figures: list[Figure], columns: int = 2) -> None:
    """Figures side by side, ``columns`` per row (rows stack in reading order on a phone)."""
    for start in range(0, len(figures), columns):
        for column, figure in zip(
            st.columns(columns), figures[start : start + columns], strict=False
        ):
            draw(figure, column)
