"""Sidebar controls bound to the URL, returning frozen parameter objects.

Every widget is keyed and bound with ``bind="query-params"``, so a learner can share a link to
exact settings. Streamlit drops URL values a widget cannot take; :class:`ControlPanel` notices
which ones it dropped (and any unknown keys) and says so on the page instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.validation import MAX_SEED
from ui import compat

RESERVED_URL_KEYS = frozenset({"embed", "embed_options", "trained", "invaders_trained"})
"""Query parameters Streamlit itself reads (``embed``) or the app keeps outside any control
(``trained`` and ``invaders_trained``, see ``ui.dqn.runs``); never reported or removed."""

WALK_SD = 0.01
"""Standard deviation of each step of the true values' random walk (Exercise 2.5)."""

RUN_CHOICES = (100, 200, 500, 1000, 2000, 5000)
EPSILON_CHOICES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


@dataclass(frozen=True)
class Testbed:
    """The bandit problems every strategy on a page faces (Sutton & Barto's 10-armed testbed)."""

    arms: int = 10
    steps: int = 1000
    runs: int = 2000
    seed: int = 0
    q_mean: float = 0.0
    walk_sd: float = 0.0
    start_equal: bool = False


def _is_infinite_number(text: str) -> bool:
    try:
        return math.isinf(float(text))
    except ValueError:
        return False


def _matches(raw: list[str], value: Any) -> bool:
    """Whether the URL's raw text means the value the widget ended up with."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    if len(raw) != len(values):
        return False
    for text, item in zip(raw, values, strict=True):
        if isinstance(item, bool):
            if text.lower() != str(item).lower():
                return False
        elif isinstance(item, int | float):
            try:
                number = float(text)
            except ValueError:
                return False
            if not math.isfinite(number) or not math.isclose(number, item, rel_tol=1e-9):
                return False
        elif str(item) != text:
            return False
    return True


class ControlPanel:
    """The sidebar controls of one page, and the note about URL values that were ignored.

    Create it before any bound widget (it snapshots the URL first), call its widget methods,
    then :meth:`finish`. Widgets go to the sidebar unless ``container`` (e.g. a form) is given.
    """

    def __init__(self, container: Any = None) -> None:
        self._raw_url = {
            key: st.query_params.get_all(key)
            for key in st.query_params
            if key not in RESERVED_URL_KEYS
        }
        self._values: dict[str, Any] = {}
        self.sidebar = container if container is not None else st.sidebar
        # Infinite numbers are never a valid setting here, and one would crash an integer
        # input (see ui.compat): forget them before widgets read them; they are reported.
        compat.forget_url_values(
            key for key, raw in self._raw_url.items() if any(map(_is_infinite_number, raw))
        )

    def _bound(self, widget: Any, label: str, key: str, **kwargs: Any) -> Any:
        with self.sidebar:
            value = widget(label, key=key, bind="query-params", **kwargs)
        self._values[key] = value
        return value

    def slider(self, label: str, key: str, **kwargs: Any) -> Any:
        return self._bound(st.slider, label, key, **kwargs)

    def select_slider(self, label: str, key: str, **kwargs: Any) -> Any:
        return self._bound(st.select_slider, label, key, **kwargs)

    def number_input(self, label: str, key: str, **kwargs: Any) -> Any:
        return self._bound(st.number_input, label, key, **kwargs)

    def button(self, label: str, key: str, **kwargs: Any) -> bool:
        """A sidebar button; buttons have no value to put in the URL."""
        with self.sidebar:
            return st.button(label, key=key, **kwargs)

    def selectbox(self, label: str, key: str, **kwargs: Any) -> Any:
        return self._bound(st.selectbox, label, key, **kwargs)

    def multiselect(self, label: str, key: str, **kwargs: Any) -> Any:
        return self._bound(st.multiselect, label, key, **kwargs)

    def toggle(self, label: str, key: str, **kwargs: Any) -> Any:
        return self._bound(st.toggle, label, key, **kwargs)

    def header(self, text: str) -> None:
        self.sidebar.subheader(text)

    @contextmanager
    def placed_in(self, container: Any) -> Iterator[None]:
        """Put the widgets made inside the block in ``container`` (say, a column on the page)
        instead of the panel's own place; they are bound to the URL and checked all the same."""
        own, self.sidebar = self.sidebar, container
        try:
            yield
        finally:
            self.sidebar = own

    def testbed(
        self,
        *,
        default_steps: int = 1000,
        max_steps: int = 5000,
        default_q_mean: float | None = None,
        q_mean_key: str = "q_mean",
        drift_switch: bool = False,
    ) -> Testbed:
        """Arms, steps, runs and seed: the shared part of every bandit page.

        ``default_q_mean`` adds a slider for the mean of the true values (Figure 2.5 uses +4).
        A bound key keeps its value when the learner moves to another page, so a page whose
        default differs from the others' gives the slider its own ``q_mean_key``;
        ``drift_switch`` adds the stationary / nonstationary choice (Exercise 2.5).
        """
        self.header("Testbed")
        arms = self.slider(
            "Arms (k)",
            "arms",
            min_value=2,
            max_value=20,
            value=10,
            help="How many slot-machine arms each bandit problem has. The book uses 10.",
        )
        steps = self.slider(
            "Steps per run",
            "steps",
            min_value=100,
            max_value=max_steps,
            value=default_steps,
            step=100,
            help="How many pulls the agent gets in each run. The book's figures use 1000.",
        )
        runs = self.select_slider(
            "Runs (independent bandit problems)",
            "runs",
            options=RUN_CHOICES,
            value=2000,
            help=(
                "Each run draws new true values q*(a) ~ N(0, 1). Curves are averages over runs: "
                "more runs give smoother curves. The book averages 2000."
            ),
        )
        seed = self.seed()
        q_mean = 0.0
        if default_q_mean is not None:
            q_mean = self.slider(
                "Mean of the true values",
                q_mean_key,
                min_value=-5.0,
                max_value=5.0,
                value=float(default_q_mean),
                step=0.5,
                help="Each run draws q*(a) ~ N(mean, 1). The book's Figure 2.5 shifts them to +4.",
            )
        walk_sd = 0.0
        start_equal = False
        if drift_switch:
            drifting = self.toggle(
                "Nonstationary (drifting true values)",
                "drift",
                value=False,
                help=(
                    "After every step each q*(a) takes an independent random-walk step with "
                    "standard deviation 0.01, as in Exercise 2.5, so the best arm can change "
                    "over time."
                ),
            )
            walk_sd = WALK_SD if drifting else 0.0
            if drifting:
                start_equal = self.toggle(
                    "All true values start equal",
                    "start_equal",
                    value=False,
                    help=(
                        "Exercise 2.5 starts every q*(a) at the same value and lets them drift "
                        "apart; off, they start from N(mean, 1) as on the stationary testbed."
                    ),
                )
        return Testbed(
            arms=int(arms),
            steps=int(steps),
            runs=int(runs),
            seed=int(seed),
            q_mean=float(q_mean),
            walk_sd=walk_sd,
            start_equal=bool(start_equal),
        )

    def seed(self) -> int:
        """The random seed: the same seed gives every strategy the same problems and noise."""
        return int(
            self.number_input(
                "Random seed",
                "seed",
                min_value=0,
                max_value=MAX_SEED,
                value=0,
                step=1,
                help="The same seed gives the same problems and rewards to every strategy.",
            )
        )

    def epsilon(self, key: str = "epsilon", value: float = 0.1) -> float:
        return float(
            self.slider(
                "ε (chance of a random pull)",
                key,
                min_value=0.0,
                max_value=1.0,
                value=value,
                step=0.01,
                help="With probability ε the agent pulls a random arm; otherwise the greedy one.",
            )
        )

    def epsilons(self, default: Sequence[float] = (0.0, 0.01, 0.1)) -> list[float]:
        chosen = self.multiselect(
            "Values of ε to compare",
            "epsilons",
            options=EPSILON_CHOICES,
            default=list(default),
            max_selections=5,
            help="Each value is simulated on the same problems; ε = 0 is the greedy method.",
        )
        return sorted(float(e) for e in chosen)

    def update_rule(self, key_prefix: str = "") -> tuple[float, float | None]:
        """Initial estimate Q1 and the step size (None = sample averages)."""
        initial = self.slider(
            "Initial estimate Q₁",
            f"{key_prefix}initial",
            min_value=-2.0,
            max_value=10.0,
            value=0.0,
            step=0.5,
            help=(
                "Every arm's estimate before any pull. A high value such as 5 is optimistic: "
                "each real reward disappoints, so even a greedy agent tries the other arms."
            ),
        )
        constant = self.toggle(
            "Constant step size α",
            f"{key_prefix}constant_alpha",
            value=False,
            help=(
                "Off: sample averages, Q ← Q + (R − Q)/N. On: Q ← Q + α(R − Q), which weights "
                "recent rewards more and never fully forgets the initial estimate's effect."
            ),
        )
        step_size = None
        if constant:
            step_size = float(
                self.slider(
                    "Step size α",
                    f"{key_prefix}alpha",
                    min_value=0.01,
                    max_value=1.0,
                    value=0.1,
                    step=0.01,
                    help="How far each estimate moves toward the newest reward.",
                )
            )
        return float(initial), step_size

    def ignored_url_keys(self) -> tuple[list[str], int]:
        """Known settings whose URL value was dropped, and how many URL keys are unknown."""
        invalid = [
            key
            for key, raw in self._raw_url.items()
            if key in self._values and raw != [""] and not _matches(raw, self._values[key])
        ]
        unknown = sum(1 for key in self._raw_url if key not in self._values)
        return invalid, unknown

    def finish(self) -> None:
        """Show what the link asked for that could not be used; never echo the raw values."""
        invalid, unknown = self.ignored_url_keys()
        for key in self._raw_url:
            if key not in self._values and key in st.query_params:
                with suppress(StreamlitAPIException):  # bound to a widget not drawn this run
                    del st.query_params[key]
        parts = []
        if invalid:
            names = ", ".join(f"`{key}`" for key in invalid)
            parts.append(f"the link's values for {names} were not allowed")
        if unknown:
            parts.append(f"{unknown} unknown setting{'s' if unknown > 1 else ''} in the link")
        if parts:
            st.info(
                f"Some settings from the link were ignored ({'; '.join(parts)}), "
                "so the defaults are used instead.",
                icon=":material/link_off:",
            )
