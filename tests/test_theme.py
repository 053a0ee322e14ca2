"""The theme's colours are readable: text and accent meet WCAG 2's 4.5:1 contrast ratio."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
MINIMUM = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour written #rrggbb."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("foreground", ["textColor", "primaryColor"])
@pytest.mark.parametrize("background", ["backgroundColor", "secondaryBackgroundColor"])
def test_theme_colours_meet_the_contrast_minimum(foreground, background):
    theme = tomllib.loads(CONFIG.read_text())["theme"]
    ratio = contrast(theme[foreground], theme[background])
    assert ratio >= MINIMUM, f"{foreground} on {background}: {ratio:.2f}:1 < {MINIMUM}:1"
