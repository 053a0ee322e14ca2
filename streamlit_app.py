"""Entrypoint and router: page config and style, navigation from the page registry, the course
frame around every page (progress in the sidebar, Previous / Next at the bottom), run.

Each page's URL is its file name (e.g. /epsilon_greedy). Keep it that way: on a server's first
visit Streamlit resolves the URL against the files in pages/ before this router has run, and a
custom url_path there shows a "Page not found" dialog to whoever opens a shared link first.
"""

from contextlib import suppress

import streamlit as st

from ui import course, registry, style

st.set_page_config(
    page_title="Exploration vs exploitation: an RL explainer",
    # An emoji, not a Material icon: the browser would fetch a Material favicon from a font host.
    page_icon="🎰",
    layout="wide",
)
style.apply_page_style()

pages = {
    spec.path: st.Page(spec.path, title=spec.nav_title, icon=spec.icon, default=spec.number == 1)
    for spec in registry.COURSE
}
navigation = st.navigation(
    {
        section: [pages[spec.path] for spec in registry.section_pages(section)]
        for section in registry.SECTIONS
    },
    expanded=True,  # the whole course in view: Streamlit folds long lists behind "View more"
)
current = next(spec for spec in registry.COURSE if pages[spec.path] is navigation)
course.sidebar_progress()
if st.session_state.get("dqn_job") is not None:
    from ui.dqn import runs  # imports torch: only for a visitor who is training

    runs.sidebar_status(current.path)
# A page that halts has said why; the way on through the course is drawn all the same.
with suppress(course.PageHalted):
    navigation.run()
course.footer(current)
