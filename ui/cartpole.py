"""Draw CartPole from its state vector with Pillow, and turn an episode into an animated GIF.

Gymnasium draws CartPole with pygame, which the app does not need: the picture is a cart on a
track and a pole at an angle, so it is drawn here directly from (x, x_dot, theta, theta_dot).
Geometry follows Gymnasium's CartPole: the track spans x in [-2.4, 2.4], the pole is 1 m long
(half-length 0.5), and a positive angle leans the pole to the right.
"""

from __future__ import annotations

import functools
import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 600, 260
TRACK_LIMIT = 2.4
SCALE = WIDTH / (2 * TRACK_LIMIT * 1.15)
"""Pixels per metre, leaving a margin beyond the track's ends."""
POLE_LENGTH = 1.0
TRACK_Y = 190
CART_WIDTH, CART_HEIGHT = 60, 30
FAIL_ANGLE = 12 * 2 * math.pi / 360

PALETTE = [
    (255, 255, 255),  # background
    (120, 120, 120),  # track
    (55, 65, 81),  # cart
    (217, 140, 70),  # pole, upright enough
    (200, 50, 50),  # pole, past the failure angle
    (129, 132, 203),  # axle
    (80, 80, 80),  # text
    (76, 120, 168),  # Q-value bar of the greedy action
    (200, 210, 225),  # Q-value bar of the other action
]
"""Frames are drawn straight into these palette colours: no quantising, fast GIFs."""
BACKGROUND, TRACK, CART, POLE_OK, POLE_FAILED, AXLE, TEXT, GREEDY_BAR, OTHER_BAR = range(
    len(PALETTE)
)
BAR_LEFT, BAR_TOP, BAR_HEIGHT, BAR_WIDTH = 360, 14, 18, 160
"""Where the Q-value bars go: top right, clear of the pole."""
_FLAT_PALETTE = [channel for colour in PALETTE for channel in colour]


@functools.cache
def _caption_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=18)


def _draw_q_values(draw: ImageDraw.ImageDraw, q_values: np.ndarray, scale: float) -> None:
    """Q(s, push left) and Q(s, push right) as bars; the greedy action's bar is dark."""
    greedy = int(np.argmax(q_values))
    names = ("Q(s, left)", "Q(s, right)")  # the bitmap font has no arrow glyphs
    for action, (name, value) in enumerate(zip(names, q_values, strict=True)):
        top = BAR_TOP + action * (BAR_HEIGHT + 8)
        length = max(2.0, BAR_WIDTH * max(0.0, float(value)) / scale)
        colour = GREEDY_BAR if action == greedy else OTHER_BAR
        draw.rectangle([BAR_LEFT, top, BAR_LEFT + length, top + BAR_HEIGHT], fill=colour)
        draw.text((BAR_LEFT - 112, top), name, fill=TEXT, font=_caption_font())
        draw.text(
            (BAR_LEFT + BAR_WIDTH + 8, top), f"{float(value):.1f}", fill=TEXT, font=_caption_font()
        )


def draw_frame(
    state: np.ndarray,
    caption: str = "",
    q_values: np.ndarray | None = None,
    q_scale: float = 1.0,
) -> Image.Image:
    """One picture of the cart and pole in ``state``; the pole turns red past 12 degrees.

    With ``q_values`` (left, right) the network's two action values are drawn as bars scaled
    so that ``q_scale`` fills a bar.
    """
    x, _, theta, _ = (float(v) for v in state)
    image = Image.new("P", (WIDTH, HEIGHT), BACKGROUND)
    image.putpalette(_FLAT_PALETTE)
    draw = ImageDraw.Draw(image)
    centre = WIDTH / 2
    left, right = centre - TRACK_LIMIT * SCALE, centre + TRACK_LIMIT * SCALE
    draw.line([(left, TRACK_Y), (right, TRACK_Y)], fill=TRACK, width=2)
    for end in (left, right):
        draw.line([(end, TRACK_Y - 12), (end, TRACK_Y + 12)], fill=TRACK, width=3)

    cart_x = centre + x * SCALE
    top = TRACK_Y - CART_HEIGHT
    draw.rectangle(
        [cart_x - CART_WIDTH / 2, top, cart_x + CART_WIDTH / 2, TRACK_Y],
        fill=CART,
    )
    axle = (cart_x, top + 4)
    tip = (
        axle[0] + POLE_LENGTH * SCALE * math.sin(theta),
        axle[1] - POLE_LENGTH * SCALE * math.cos(theta),
    )
    failed = abs(theta) > FAIL_ANGLE or abs(x) > TRACK_LIMIT
    draw.line([axle, tip], fill=POLE_FAILED if failed else POLE_OK, width=10)
    draw.ellipse([axle[0] - 5, axle[1] - 5, axle[0] + 5, axle[1] + 5], fill=AXLE)
    if q_values is not None:
        _draw_q_values(draw, q_values, q_scale)
    if caption:
        draw.text((12, HEIGHT - 36), caption, fill=TEXT, font=_caption_font())
    return image


def _frame_caption(label: str, states: np.ndarray, index: int) -> str:
    return f"{label}   step {index}   angle {math.degrees(float(states[index][2])):+.1f} deg"


def episode_gif(
    states: np.ndarray,
    label: str,
    q_values: np.ndarray | None = None,
    *,
    every: int = 2,
    fps: int = 25,
) -> bytes:
    """An animated GIF of an episode: every ``every``-th state, played at ``fps`` frames/s,
    with the network's Q-values per frame when given.

    CartPole's physics step is 0.02 s, so ``every=2`` at 25 frames/s is real time.
    """
    indices = list(range(0, len(states), every))
    if indices[-1] != len(states) - 1:
        indices.append(len(states) - 1)
    scale = float(np.max(q_values)) if q_values is not None else 1.0
    frames = [
        draw_frame(
            states[index],
            _frame_caption(label, states, index),
            None if q_values is None else q_values[index],
            scale,
        )
        for index in indices
    ]
    durations = [round(1000 / fps)] * len(frames)
    durations[-1] = 1500
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
    )
    return buffer.getvalue()


def still_png(
    states: np.ndarray, label: str, q_values: np.ndarray | None = None, index: int = 0
) -> bytes:
    """One frame of an episode as a PNG: what learners who ask for less motion see."""
    scale = float(np.max(q_values)) if q_values is not None else 1.0
    frame = draw_frame(
        states[index],
        _frame_caption(label, states, index),
        None if q_values is None else q_values[index],
        scale,
    )
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    return buffer.getvalue()
