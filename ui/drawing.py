"""Draw a :class:`ui.charts.Figure`: its cached spec template, its data, its text alternative."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.charts import Figure


def draw(figure: Figure, container: Any = None) -> None:
    """Draw ``figure`` full width in ``container`` (the page by default)."""
    target = container if container is not None else st
    target.vega_lite_chart(spec=figure.full_spec(), width="stretch", alt=figure.alt)


def draw_in_columns(figures: list[Figure], columns: int = 2) -> None:
    """Figures side by side, ``columns`` per row (rows stack in reading order on a phone)."""
    for start in range(0, len(figures), columns):
        for column, figure in zip(
            st.columns(columns), figures[start : start + columns], strict=False
        ):
            draw(figure, column)
