"""Entrypoint and router: page config and style, navigation from the page registry, the course
frame around every page (progress in the sidebar, Previous / Next at the bottom), run.

Each page's URL is its file name (e.g. /epsilon_greedy). Keep it that way: on a server's first
visit Streamlit resolves the URL against the files in pages/ before this router has run, and a
custom url_path there shows a "Page not found" dialog to whoever opens a shared link first.
"""

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
    }
)
current = next(spec for spec in registry.COURSE if pages[spec.path] is navigation)
course.sidebar_progress()
try:
    navigation.run()
except course.PageHalted:
    pass  # the page explained why it stopped; the way on through the course is still drawn
course.footer(current)
