"""Draw Space Invaders with Pillow: the screen, its channels, and a game with the agent's
Q-values in every frame as an animated GIF.

The screen is drawn straight from an observation (5 binary channels of 10 × 10): each occupied
cell becomes a square in its channel's colour (``core.invaders.COLOURS``, Okabe-Ito, told
apart with any colour vision), with a thin gap so neighbouring aliens stay countable. Frames
are palette images drawn directly in their final colours, so the GIF needs no quantising.
"""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.invaders import ACTIONS, BACKGROUND, CHANNELS, COLOURS, GRID, observation_to_rgb

CELL = 20
"""Pixels per grid cell in an animation frame with Q-value bars: a 200-pixel screen."""
MARGIN = 12
BAR_GAP_LEFT, BAR_WIDTH, BAR_HEIGHT, BAR_GAP = 88, 130, 24, 12
"""Bars start this far right of the screen (room for the action names)."""
MAX_FRAMES = 200
"""A longer game is shown up to here (20 s at 10 frames per second; about 280 kB)."""
FRAMES_PER_SECOND = 10
"""MinAtar's own rendering speed."""

PALETTE = [
    (255, 255, 255),  # page
    tuple(int(c) for c in BACKGROUND),  # screen background
    *(tuple(int(c) for c in colour) for colour in COLOURS),  # the five channels
    (55, 65, 81),  # text
    (76, 120, 168),  # Q-value bar of the greedy action
    (200, 210, 225),  # Q-value bar of the other actions
]
PAGE, SCREEN = 0, 1
CHANNEL_COLOURS = range(2, 2 + len(CHANNELS))
TEXT, GREEDY_BAR, OTHER_BAR = 2 + len(CHANNELS), 3 + len(CHANNELS), 4 + len(CHANNELS)
_FLAT_PALETTE = [value for colour in PALETTE for value in colour]


@functools.cache
def _font(size: int = 16) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _screen_indices(observation: np.ndarray, cell: int) -> np.ndarray:
    """Palette indices of the screen: each cell in its (topmost) channel's colour."""
    grid = np.full((GRID, GRID), SCREEN, dtype=np.uint8)
    for channel, colour in enumerate(CHANNEL_COLOURS):
        grid[observation[channel] != 0] = colour
    pixels = np.repeat(np.repeat(grid, cell, axis=0), cell, axis=1)
    gap = np.arange(GRID * cell) % cell == cell - 1
    pixels[gap, :] = SCREEN
    pixels[:, gap] = SCREEN
    return pixels


def draw_frame(
    observation: np.ndarray,
    q_values: np.ndarray | None,
    q_range: tuple[float, float],
    caption: str,
    cell: int = CELL,
) -> Image.Image:
    """One frame: the screen, and with ``q_values`` Q(s, a) for the four actions as bars on
    its right.

    Bars run from ``q_range[0]`` (empty) to ``q_range[1]`` (full), the lowest and highest value
    of the whole game, so that small differences between actions stay visible; the greedy
    action's bar is dark.
    """
    screen = GRID * cell
    bar_left = MARGIN + screen + BAR_GAP_LEFT
    width = bar_left + BAR_WIDTH + 64 if q_values is not None else screen + 2 * MARGIN
    image = Image.new("P", (width, MARGIN + screen + 40), PAGE)
    image.putpalette(_FLAT_PALETTE)
    image.paste(Image.fromarray(_screen_indices(observation, cell)), (MARGIN, MARGIN))
    draw = ImageDraw.Draw(image)
    if q_values is not None:
        low, high = q_range
        span = max(high - low, 1e-6)
        greedy = int(np.argmax(q_values))
        names_left = bar_left - BAR_GAP_LEFT + 16
        draw.text((names_left, MARGIN), "Q(s, a)", fill=TEXT, font=_font(16))
        for action, (name, value) in enumerate(zip(ACTIONS, q_values, strict=True)):
            top = MARGIN + 30 + action * (BAR_HEIGHT + BAR_GAP)
            length = max(2.0, BAR_WIDTH * (float(value) - low) / span)
            colour = GREEDY_BAR if action == greedy else OTHER_BAR
            draw.rectangle([bar_left, top, bar_left + length, top + BAR_HEIGHT], fill=colour)
            draw.text((names_left, top + 4), name, fill=TEXT, font=_font(16))
            draw.text(
                (bar_left + BAR_WIDTH + 8, top + 4), f"{value:.2f}", fill=TEXT, font=_font(16)
            )
    draw.text((MARGIN, MARGIN + screen + 10), caption, fill=TEXT, font=_font(16))
    return image


def _captions(rewards: np.ndarray, steps: int) -> list[str]:
    scores = np.concatenate([[0.0], np.cumsum(rewards)])
    return [f"step {t}   score {scores[t]:.0f}" for t in range(steps)]


def _q_range(q_values: np.ndarray | None, frames: int) -> tuple[float, float]:
    """The lowest and highest Q-value among the frames shown (the bars' empty and full)."""
    if q_values is None:
        return 0.0, 1.0
    return float(q_values[:frames].min()), float(q_values[:frames].max())


def game_gif(
    observations: np.ndarray,
    rewards: np.ndarray,
    q_values: np.ndarray | None = None,
    *,
    cell: int = CELL,
    max_frames: int = MAX_FRAMES,
) -> bytes:
    """An animated GIF of a game (its first ``max_frames`` frames), 10 frames per second,
    with the Q-values per frame when given; the last frame holds for 2 s."""
    shown = min(len(observations), max_frames)
    q_range = _q_range(q_values, shown)
    captions = _captions(rewards, shown)
    frames = [
        draw_frame(
            observations[t], None if q_values is None else q_values[t], q_range, captions[t], cell
        )
        for t in range(shown)
    ]
    durations = [1000 // FRAMES_PER_SECOND] * len(frames)
    durations[-1] = 2000
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0
    )
    return buffer.getvalue()


def still_png(
    observations: np.ndarray,
    rewards: np.ndarray,
    q_values: np.ndarray | None = None,
    *,
    index: int = 0,
    cell: int = CELL,
) -> bytes:
    """One frame of a game as a PNG, drawn as in :func:`game_gif` (what learners who ask for
    less motion see)."""
    index = index % len(observations)
    q_range = _q_range(q_values, min(len(observations), MAX_FRAMES))
    caption = _captions(rewards, index + 1)[index]
    frame = draw_frame(
        observations[index], None if q_values is None else q_values[index], q_range, caption, cell
    )
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    return buffer.getvalue()


def png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def channel_pngs(observation: np.ndarray, cell: int = 12) -> list[bytes]:
    """Each of the five channels alone, as the network receives it (one PNG per channel)."""
    return [
        png(observation_to_rgb(observation, cell, channels=(channel,)))
        for channel in range(len(CHANNELS))
    ]


def screen_png(observation: np.ndarray, cell: int = 24) -> bytes:
    """All five channels drawn together: the screen as a player would see it."""
    return png(observation_to_rgb(observation, cell))
