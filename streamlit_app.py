"""Entrypoint and router: page config and style, navigation, run. Pages live in pages/.

Each page's URL is its file name (e.g. /epsilon_greedy). Keep it that way: on a server's first
visit Streamlit resolves the URL against the files in pages/ before this router has run, and a
custom url_path there shows a "Page not found" dialog to whoever opens a shared link first.
"""

import streamlit as st

st.set_page_config(
    page_title="Exploration vs exploitation: an RL explainer",
    page_icon=":material/casino:",
    layout="wide",
)

# Wide formulas scroll sideways on a phone instead of being cut off.
st.html(
    "<style>.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 2px; }"
    "@media (max-width: 640px) { .katex-display { font-size: 0.85em; } }</style>"
)

navigation = st.navigation(
    {
        "Start": [
            st.Page("pages/home.py", title="Welcome", icon=":material/home:", default=True),
        ],
        "Bandit strategies": [
            st.Page("pages/naive.py", title="1. Naive random", icon=":material/shuffle:"),
            st.Page("pages/greedy.py", title="2. Greedy", icon=":material/trending_up:"),
            st.Page("pages/epsilon_greedy.py", title="3. ε-greedy", icon=":material/alt_route:"),
            st.Page(
                "pages/decaying_epsilon.py", title="4. Decaying ε", icon=":material/trending_down:"
            ),
        ],
        "Beyond ε": [
            st.Page("pages/ucb.py", title="Upper confidence bound", icon=":material/expand_less:"),
            st.Page("pages/gradient.py", title="Gradient bandit", icon=":material/tune:"),
            st.Page("pages/thompson.py", title="Thompson sampling", icon=":material/psychology:"),
        ],
        "Explore": [
            st.Page("pages/lab.py", title="Comparison lab", icon=":material/science:"),
            st.Page("pages/study.py", title="Parameter study", icon=":material/query_stats:"),
            st.Page("pages/play.py", title="Be the agent", icon=":material/sports_esports:"),
        ],
        "Deep RL": [
            st.Page("pages/dqn.py", title="Deep Q-Network", icon=":material/neurology:"),
        ],
    }
)
navigation.run()
