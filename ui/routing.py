"""Keep shared page links working on a server's very first visit.

Streamlit still supports its legacy multipage mode, in which every file in ``pages/`` is a page
of its own. Until the entrypoint has called ``st.navigation`` once in a server process, Streamlit
assumes that mode (because ``pages/`` exists) and runs a linked page file directly, without the
router: no page config, no navigation sections, legacy page names. :func:`ensure_router` notices
such a run and hands it to the router, which resolves the same URL to the same page.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st

from ui import compat

ENTRYPOINT = Path(__file__).resolve().parents[1] / "streamlit_app.py"


def ensure_router() -> None:
    """Call first on every page: run the router instead if Streamlit bypassed it."""
    if compat.legacy_pages_mode():
        runpy.run_path(str(ENTRYPOINT))
        st.stop()
