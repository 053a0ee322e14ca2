"""Draw Altair charts from a cache of their finished Vega-Lite specs.

Building an Altair chart and converting it to Vega-Lite costs tens of milliseconds per chart,
mostly fixed overhead in Altair's schema objects. A page shows six or more, so on every rerun
that would dominate. The finished spec depends only on the builder and its inputs, so it is
cached like the simulations: a rerun with the same settings reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st

# The conversion st.altair_chart itself performs (Arrow datasets, Streamlit's theme handling).
# Private to Streamlit, which is pinned in requirements.txt; every page test draws through it.
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from ui import charts


@st.cache_data(max_entries=512, show_spinner=False)
def _spec(builder_name: str, *args: Any) -> dict[str, Any]:
    chart = getattr(charts, builder_name)(*args)
    return _convert_altair_to_vega_lite_spec(chart)


def altair_chart(
    builder: Callable[..., alt.TopLevelMixin], *args: Any, container: Any = None
) -> None:
    """Draw ``builder(*args)`` (a function of :mod:`ui.charts`) full width in ``container``."""
    target = container if container is not None else st
    target.vega_lite_chart(_spec(builder.__name__, *args), width="stretch")
