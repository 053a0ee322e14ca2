"""Page-wide style that Streamlit's theme cannot express, applied once by the router."""

from __future__ import annotations

import streamlit as st

CAPTION_COLOR = "#4b5563"
"""Captions in a grey that still meets 4.5:1 on white (Streamlit's faded default does not)."""

PAGE_CSS = (
    # Streamlit fades captions with opacity; a solid grey is faded enough and stays readable.
    f"[data-testid='stCaptionContainer'] {{ opacity: 1 !important; }}"
    f"[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] * "
    f"{{ color: {CAPTION_COLOR} !important; }}"
    # Wide formulas scroll sideways on a phone instead of being cut off.
    ".katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 2px; }"
    "@media (max-width: 640px) { .katex-display { font-size: 0.85em; } }"
    # Animations (containers keyed motion_animated_*) give way to still frames
    # (motion_still_*) for learners whose system asks for reduced motion.
    "@media (prefers-reduced-motion: reduce) { [class*='st-key-motion_animated'] "
    "{ display: none; } }"
    "@media (prefers-reduced-motion: no-preference) { [class*='st-key-motion_still'] "
    "{ display: none; } }"
)


def apply_page_style() -> None:
    st.html(f"<style>{PAGE_CSS}</style>")
