"""Checks at the engine's boundary, shared by the bandit, the game and DQN.

Each returns the value in its plain Python type, or raises ``ValueError`` whose message starts
with the parameter's name and states the allowed range, e.g.
``epsilon must be a number in [0, 1], got 1.5``.
"""

from __future__ import annotations

import math
import numbers

MAX_SEED = 2**32 - 1
"""Largest seed anywhere in the app: numpy's SeedSequence and every seed control accept 0 to
this (the widgets' number inputs hold it exactly)."""


def check_number(
    name: str, value: object, low: float, high: float, *, low_open: bool = False
) -> float:
    """A finite real number (not a bool) in [low, high], or (low, high] with ``low_open``."""
    left = "(" if low_open else "["
    allowed = f"a number in {left}{low:g}, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high or (low_open and number == low):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return number


def check_int(name: str, value: object, low: int, high: int) -> int:
    """A whole number (not a bool, not a float) from low to high."""
    allowed = f"a whole number from {low:,} to {high:,}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    if not low <= int(value) <= high:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def check_bool(name: str, value: object) -> bool:
    """A real bool: ``"true"`` or 1 are rejected, so a typo cannot switch something on."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value
