"""The one list of the app's pages, in course order: the router, the home cards, the course path
(numbers, Previous / Next, progress), the benchmark and the tests all read it from here.

Pure data (no Streamlit import), so a benchmark or a test can read it without a server. A page's
URL is its file name (``pages/naive.py`` -> ``/naive``); see ``streamlit_app.py`` for why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageSpec:
    """One page of the course.

    path: the page file, relative to the project root.
    title: the short title, without its course number.
    icon: a Material icon (bundled with Streamlit, so it needs no network).
    section: the navigation section the page is listed under.
    blurb: one line saying what the learner does or learns there (home cards, course map).
    """

    path: str
    title: str
    icon: str
    section: str
    blurb: str

    @property
    def key(self) -> str:
        """A stable identifier: the file name without ``.py`` (also the page's URL path)."""
        return Path(self.path).stem

    @property
    def number(self) -> int:
        """The page's place in the course, from 1."""
        return COURSE.index(self) + 1

    @property
    def nav_title(self) -> str:
        """The title as the navigation shows it, numbered in course order."""
        return f"{self.number}. {self.title}"


COURSE: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/home.py",
        "Welcome",
        ":material/home:",
        "Start here",
        "The reinforcement learning loop, the 10-armed bandit, and how this course works.",
    ),
    PageSpec(
        "pages/play.py",
        "Be the agent",
        ":material/sports_esports:",
        "Start here",
        "Play a hidden bandit yourself, then meet agents that faced the very same one.",
    ),
    PageSpec(
        "pages/naive.py",
        "Naive random",
        ":material/shuffle:",
        "The four strategies",
        "Pull arms at random: all exploration, no exploitation. The baseline.",
    ),
    PageSpec(
        "pages/greedy.py",
        "Greedy",
        ":material/trending_up:",
        "The four strategies",
        "Always pull the best-looking arm, and see how often it gets stuck.",
    ),
    PageSpec(
        "pages/epsilon_greedy.py",
        "ε-greedy",
        ":material/alt_route:",
        "The four strategies",
        "Greedy, but explore at random a fraction ε of the time (the book's Figure 2.2).",
    ),
    PageSpec(
        "pages/decaying_epsilon.py",
        "Decaying ε",
        ":material/trending_down:",
        "The four strategies",
        "Explore a lot early, then less and less as the estimates improve.",
    ),
    PageSpec(
        "pages/ucb.py",
        "Upper confidence bound",
        ":material/expand_less:",
        "Beyond ε",
        "Explore the arms whose value is still most uncertain (Figure 2.4).",
    ),
    PageSpec(
        "pages/gradient.py",
        "Gradient bandit",
        ":material/tune:",
        "Beyond ε",
        "Learn preferences instead of values; why a baseline matters (Figure 2.5).",
    ),
    PageSpec(
        "pages/thompson.py",
        "Thompson sampling",
        ":material/psychology:",
        "Beyond ε",
        "Keep a belief about every arm and watch it narrow as you pull.",
    ),
    PageSpec(
        "pages/lab.py",
        "Comparison lab",
        ":material/science:",
        "Compare",
        "Any strategies side by side; presets for Figures 2.2 to 2.5 and a drifting world.",
    ),
    PageSpec(
        "pages/study.py",
        "Parameter study",
        ":material/query_stats:",
        "Compare",
        "Figure 2.6: how each method's reward depends on its parameter.",
    ),
    PageSpec(
        "pages/qlearning.py",
        "From a table to Q-learning",
        ":material/grid_on:",
        "From bandits to deep RL",
        "States, policies and returns on the cliff walk: Q-learning against Sarsa, and a "
        "reward designer.",
    ),
    PageSpec(
        "pages/dqn.py",
        "Deep Q-Network",
        ":material/neurology:",
        "From bandits to deep RL",
        "Train a neural network to balance a pole on a cart, live, and see what it learned.",
    ),
    PageSpec(
        "pages/invaders.py",
        "Space Invaders from pixels",
        ":material/videogame_asset:",
        "From bandits to deep RL",
        "The same DQN reads a picture of the screen: a miniature Atari game, live training.",
    ),
)
"""Every page, in the order the course walks through them."""

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(page.section for page in COURSE))
"""Navigation sections in course order (each section's pages are contiguous in COURSE)."""


def page(key_or_path: str) -> PageSpec:
    """The page with this key (``"naive"``) or path (``"pages/naive.py"``)."""
    for spec in COURSE:
        if key_or_path in (spec.key, spec.path):
            return spec
    raise KeyError(f"no page {key_or_path!r}; pages: {', '.join(s.key for s in COURSE)}")


def previous_page(spec: PageSpec) -> PageSpec | None:
    index = COURSE.index(spec)
    return COURSE[index - 1] if index > 0 else None


def next_page(spec: PageSpec) -> PageSpec | None:
    index = COURSE.index(spec)
    return COURSE[index + 1] if index + 1 < len(COURSE) else None


def section_pages(section: str) -> tuple[PageSpec, ...]:
    return tuple(spec for spec in COURSE if spec.section == section)
