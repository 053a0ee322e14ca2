"""A chart as the page draws it: a Vega-Lite spec template, its named datasets, and its words.

Why templates
    Building an Altair chart and converting it to Vega-Lite costs tens of milliseconds, almost
    all of it fixed overhead in Altair's schema objects, while the data changes on every
    setting. So a builder's spec refers to its data only by name (``alt.NamedData``) and is
    built once per *shape* (titles, labels, formats) by a function decorated with
    :func:`template`; the data frames travel beside it. A new seed then costs a frame, not a
    chart.

Why Arrow tables
    Streamlit sends chart data as Arrow. Handed a pandas frame, it converts it with pyarrow's
    general pandas converter, which inspects every column in Python and starts threads to do
    it: a third of the server's CPU for a strategy page's rerun went there. The frames here
    hold plain numbers, strings and categories, so :func:`arrow_table` builds the same table
    column by column, in a fraction of that time.

Why text
    Every figure carries ``alt``: a sentence for screen readers, computed from the data it
    draws ("Average reward over 1,000 steps: ε = 0.1 ends at 1.36, ..."), never a fixed label.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa

_ALTAIR_GLOBALS = threading.Lock()
"""Altair's active theme is process-global; converting under a lock keeps threads apart."""


@dataclass(frozen=True, eq=False)
class Figure:
    """What a page draws: ``spec`` (shared, never mutated), ``data`` by name, ``alt`` text.

    ``title`` replaces the template's title text, so a title that names a step ("Estimates
    after step 12") does not need a template per step.
    """

    spec: dict[str, Any]
    data: dict[str, pd.DataFrame]
    alt: str
    title_text: str | None = None

    @property
    def title(self) -> str:
        if self.title_text is not None:
            return self.title_text
        title = self.spec.get("title", "")
        return title.get("text", "") if isinstance(title, dict) else str(title)

    def full_spec(self) -> dict[str, Any]:
        """A fresh copy of the spec with its datasets attached, as ``st.vega_lite_chart`` takes
        it (Streamlit edits the spec it is given, and the template is shared)."""
        spec = copy.deepcopy(self.spec)
        if self.title_text is not None:
            if isinstance(spec.get("title"), dict):
                spec["title"]["text"] = self.title_text
            else:
                spec["title"] = self.title_text
        return {**spec, "datasets": {name: arrow_table(frame) for name, frame in self.data.items()}}


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``frame``'s columns as an Arrow table, as Streamlit would send them, without the index.

    Categories become dictionary columns (each label sent once); missing values (NaN, None,
    a missing category) become nulls, as in pyarrow's pandas conversion.
    """
    columns = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            columns[str(name)] = pa.DictionaryArray.from_arrays(
                codes,
                pa.array(column.cat.categories.to_numpy(), from_pandas=True),
                mask=codes < 0,
            )
        else:
            columns[str(name)] = pa.array(column.to_numpy(), from_pandas=True)
    return pa.table(columns)


def template(builder: Callable[..., alt.TopLevelMixin]) -> Callable[..., dict[str, Any]]:
    """Cache a chart-shape builder's Vega-Lite dict by its (hashable) arguments.

    The builder returns an Altair chart whose data are ``alt.NamedData`` references; the
    wrapper converts it without Altair's default theme (Streamlit styles charts itself).
    """

    @functools.lru_cache(maxsize=512)
    @functools.wraps(builder)
    def cached(*shape: Any) -> dict[str, Any]:
        chart = builder(*shape)
        with _ALTAIR_GLOBALS, alt.theme.enable("none"):
            return chart.to_dict()

    return cached


def data(name: str) -> alt.NamedData:
    """A reference to the figure's dataset ``name``."""
    return alt.NamedData(name=name)
