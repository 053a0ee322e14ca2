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
]
"""Frames are drawn straight into these 7 palette colours: no quantising, fast GIFs."""
BACKGROUND, TRACK, CART, POLE_OK, POLE_FAILED, AXLE, TEXT = range(len(PALETTE))
_FLAT_PALETTE = [channel for colour in PALETTE for channel in colour]


@functools.cache
def _caption_font() -> ImageFont.ImageFont:
    return ImageFont.load_default(size=18)


def draw_frame(state: np.ndarray, caption: str = "") -> Image.Image:
    """One picture of the cart and pole in ``state``; the pole turns red past 12 degrees."""
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
    if caption:
        draw.text((12, HEIGHT - 36), caption, fill=TEXT, font=_caption_font())
    return image


def episode_gif(states: np.ndarray, label: str, *, every: int = 2, fps: int = 25) -> bytes:
    """An animated GIF of an episode: every ``every``-th state, played at ``fps`` frames/s.

    CartPole's physics step is 0.02 s, so ``every=2`` at 25 frames/s is real time.
    """
    indices = list(range(0, len(states), every))
    if indices[-1] != len(states) - 1:
        indices.append(len(states) - 1)
    frames = [
        draw_frame(
            states[index],
            f"{label}   step {index}   angle {math.degrees(float(states[index][2])):+.1f} deg",
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
