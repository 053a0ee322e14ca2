"""Every use of Streamlit's private internals, in one place.

The app pins Streamlit to one minor release (``streamlit>=1.67,<1.68``); each function here
leans on something Streamlit does not promise to keep, and ``tests/test_compat.py`` has a canary
for each that fails when upstream behaviour changes, so the workaround can be revisited.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from streamlit import dataframe_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.state import get_session_state


def legacy_pages_mode() -> bool:
    """True while Streamlit runs a page file directly in its legacy ``pages/`` mode.

    Until the entrypoint has called ``st.navigation`` once in a server process, Streamlit
    assumes that mode (because ``pages/`` exists); see ``ui.routing``.
    """
    return bool(PagesManager.uses_pages_directory)


def forget_url_values(keys: Iterable[str]) -> None:
    """Drop URL values before any widget is seeded from them.

    Streamlit 1.67's integer ``number_input`` raises OverflowError when the URL seeds it with
    "inf": its validation catches only ValueError. The values are removed both from the URL and
    from the copy Streamlit keeps of the URL the session opened with.
    """
    keys = list(keys)
    if not keys:
        return
    with get_session_state().query_params() as params:
        for key in keys:
            params._initial_query_params.pop(key, None)
            if key in params:
                del params[key]


def arrow_to_frame(data: bytes) -> pd.DataFrame:
    """A dataset as Streamlit sends it to the browser (Arrow IPC bytes), back as a frame."""
    return dataframe_util.convert_arrow_bytes_to_pandas_df(data)
