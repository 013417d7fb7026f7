"""Where a scatter plot's point labels go so that none covers another, or a point.

Threats rated alike land close together on a risk map, and labels centred above each
point then write over one another. :func:`place_labels` tries a few places around each
point (right, left, above, below, then the corners) and keeps the first that stays
inside the frame and clear of every label and point placed so far; a point with no such
place gets ``None``, and the medium names it another way (a number and a legend).
Sizes are in the drawing's own units, text widths estimated from the type size.
"""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[float, float, float, float]
"""left, top, right, bottom"""
Place = tuple[float, float, str]
"""x, y (the text's baseline) and SVG ``text-anchor``"""

CHARACTER_WIDTH = 0.6
"""An average character's width in ems: generous, so an estimate never runs short."""
GAP = 3.0


def text_width(text: str, size: float) -> float:
    return len(text) * CHARACTER_WIDTH * size


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: Box, frame: Box) -> bool:
    return frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]


def _candidates(x: float, y: float, r: float, width: float, size: float) -> list[tuple[Place, Box]]:
    """Places around a point, most natural first, each with the box its text covers."""
    middle = y + size * 0.35  # a baseline that centres the text on the point
    above, below = y - r - GAP, y + r + GAP + size * 0.8
    near = r * 0.7
    spots: list[tuple[float, float, str]] = [
        (x + r + GAP, middle, "start"),
        (x - r - GAP, middle, "end"),
        (x, above, "middle"),
        (x, below, "middle"),
        (x + near, y - near - GAP, "start"),
        (x - near, y - near - GAP, "end"),
        (x + near, y + near + GAP + size * 0.8, "start"),
        (x - near, y + near + GAP + size * 0.8, "end"),
    ]
    found = []
    for left_x, baseline, anchor in spots:
        if anchor == "start":
            left = left_x
        elif anchor == "end":
            left = left_x - width
        else:
            left = left_x - width / 2
        box = (left, baseline - size * 0.8, left + width, baseline + size * 0.25)
        found.append(((left_x, baseline, anchor), box))
    return found


def place_labels(
    points: Sequence[tuple[float, float, float, str]],
    *,
    frame: Box,
    size: float,
    avoid: list[Box] | None = None,
) -> list[Place | None]:
    """A place for each point's label ``(x, y, radius, text)``, or ``None`` where none is
    clear; points earlier in the list choose first. ``avoid`` lists boxes already taken
    (labels placed before); the boxes of the labels placed here are added to it."""
    circles: list[Box] = [(x - r, y - r, x + r, y + r) for x, y, r, _ in points]
    taken = avoid if avoid is not None else []
    places: list[Place | None] = []
    for index, (x, y, r, text) in enumerate(points):
        if not text:
            places.append(None)
            continue
        others = circles[:index] + circles[index + 1 :] + taken
        chosen = None
        for place, box in _candidates(x, y, r, text_width(text, size), size):
            if _inside(box, frame) and not any(_overlaps(box, other) for other in others):
                chosen = place
                taken.append(box)
                break
        places.append(chosen)
    return places
