"""Shared test setup: the project root on the path, fresh Streamlit caches for every test."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """Each test starts with empty caches (st.cache_data, st.cache_resource and the simulation
    cache): no test sees another's runs, so a test passes or fails on its own."""
    import streamlit as st

    from ui import runners

    st.cache_data.clear()
    st.cache_resource.clear()
    runners.CACHE.clear()
    yield
