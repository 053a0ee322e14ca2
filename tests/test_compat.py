"""Canaries for ``ui.compat``: each fails when Streamlit changes what a workaround relies on.

When one fails after a Streamlit upgrade, read the workaround's docstring: either the private
API moved (adapt ``ui/compat.py``) or the bug it works around is fixed (remove the workaround).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from ui import compat


def integer_input_from_the_url():
    import streamlit as st

    st.number_input(
        "Seed", min_value=0, max_value=10, value=0, step=1, key="seed", bind="query-params"
    )


def test_streamlit_still_crashes_on_inf_for_an_integer_input():
    """The bug ``compat.forget_url_values`` works around: remove it once this canary fails."""
    at = AppTest.from_function(integer_input_from_the_url)
    at.query_params["seed"] = "inf"
    at.run()
    assert at.exception, "Streamlit no longer crashes on seed=inf: drop the workaround"
    assert at.exception[0].message == "cannot convert float infinity to integer"


def guarded_input_from_the_url():
    import streamlit as st

    from ui import compat

    compat.forget_url_values(["seed"])
    st.number_input(
        "Seed", min_value=0, max_value=10, value=0, step=1, key="seed", bind="query-params"
    )


def test_the_workaround_keeps_the_page_alive():
    at = AppTest.from_function(guarded_input_from_the_url)
    at.query_params["seed"] = "inf"
    at.run()
    assert not at.exception
    assert at.number_input(key="seed").value == 0


def test_the_legacy_pages_flag_still_exists():
    assert isinstance(PagesManager.uses_pages_directory, bool | None)
    assert compat.legacy_pages_mode() in (True, False)


def test_arrow_bytes_still_convert_back_to_frames():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    from streamlit import dataframe_util

    data = dataframe_util.convert_anything_to_arrow_bytes(frame)
    pd.testing.assert_frame_equal(compat.arrow_to_frame(data), frame)


def test_the_pinned_streamlit_is_the_one_the_workarounds_were_written_for():
    major, minor = (int(part) for part in st.__version__.split(".")[:2])
    assert (major, minor) == (1, 67), "upgrading Streamlit: rerun and review tests/test_compat.py"
