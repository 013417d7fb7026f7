"""Inline SVG elements made safely, and the estimates a chart needs to lay out its text.

Every element is built with :class:`~markupsafe.Markup` (``Markup.format`` escapes its
arguments), so participant text in a label can never become markup; control
characters are stripped from text on the way in. Nothing here can measure rendered
text, so widths are estimated from character classes, erring wide. No scripts, fonts or
images: a chart is plain shapes and text, and the same data always gives the same SVG.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from markupsafe import Markup

from facilitate.text import one_line

FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic',"
    " 'Helvetica Neue', Arial, sans-serif"
)
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
TRACK = "#edf1f5"
ACCENT = "#2f5d8a"
HIGHLIGHT = "#c0621a"
PLANNED = "#cfdbe8"
EMPTY = "#f7f8fa"
CATEGORICAL = ("#2f5d8a", "#0f766e", "#b45309", "#6d28d9", "#be185d", "#15803d", "#475569")
_DIVERGING_ENDS = ("#b5452b", "#e8e3da", "#2f5d8a")


# -- text estimates --------------------------------------------------------------------


def text_width(text: str, size: float, weight: str = "") -> float:
    """Roughly how wide ``text`` is at ``size`` px in a sans-serif font (erring wide)."""
    units = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            units += 1.0
        elif unicodedata.combining(ch):
            continue
        elif ch in " il.,:;'|!ftjI()[]":
            units += 0.34
        elif ch in "mwMW@%":
            units += 0.92
        elif ch.isupper() or ch.isdigit():
            units += 0.7
        else:
            units += 0.6
    bold = {"": 1.0, "600": 1.07, "700": 1.12}.get(weight, 1.1)
    return units * size * bold


def _cut_word(word: str, width: float, size: float, weight: str) -> list[str]:
    """A word too long for a line, in pieces that fit."""
    pieces = []
    while text_width(word, size, weight) > width and len(word) > 1:
        cut = len(word)
        while cut > 1 and text_width(word[:cut], size, weight) > width:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def wrap(text: str, width: float, size: float, max_lines: int = 3, weight: str = "") -> list[str]:
    """Greedy line wrapping by estimated width; the last line ends in "…" if cut."""
    lines: list[str] = []
    current = ""
    for word in one_line(text).split(" "):
        *whole_lines, word = _cut_word(word, width, size, weight)
        if whole_lines:
            lines += [current] if current else []
            lines += whole_lines
            current = ""
        candidate = f"{current} {word}".strip()
        if text_width(candidate, size, weight) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", size, weight) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines or [""]


# -- colours ---------------------------------------------------------------------------


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def mix(a: str, b: str, fraction: float) -> str:
    """The colour ``fraction`` of the way from ``a`` to ``b``."""
    fraction = min(1.0, max(0.0, fraction))
    channels = [round(x + (y - x) * fraction) for x, y in zip(_rgb(a), _rgb(b), strict=True)]
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def ink_on(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill``."""
    r, g, b = _rgb(fill)
    luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
    return "#ffffff" if luminance < 0.55 else INK


def diverging(count: int) -> list[str]:
    """``count`` colours from red through a neutral middle to blue (a scale's points)."""
    low, middle, high = _DIVERGING_ENDS
    if count <= 1:
        return [high]
    colors = []
    for index in range(count):
        step = index / (count - 1)
        colors.append(
            mix(low, middle, step * 2) if step <= 0.5 else mix(middle, high, (step - 0.5) * 2)
        )
    return colors


# -- elements --------------------------------------------------------------------------


def num(value: float) -> str:
    """A coordinate, with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def join(parts: Iterable[Markup | str]) -> Markup:
    """Pieces of markup one after another (plain strings among them are escaped)."""
    return Markup("").join(parts)


def svg(width: float, height: float, label: str, body: Iterable[Markup]) -> Markup:
    """A chart: ``label`` names it for screen readers."""
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}"'
        ' width="{w}" height="{h}" role="img" aria-label="{label}"'
        # Charts are laid out left to right, even in a right-to-left report.
        ' direction="ltr" font-family="{font}" font-size="14" fill="{ink}">{body}</svg>'
    ).format(
        w=num(width),
        h=num(height),
        label=one_line(label),
        font=FONT,
        ink=INK,
        body=join(body),
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: float = 14,
    fill: str = INK,
    weight: str = "",
    rotate: float = 0,
) -> Markup:
    """One line of text; ``rotate`` turns it (in degrees) about its anchor point."""
    extra = Markup("")
    if weight:
        extra += Markup(' font-weight="{}"').format(weight)
    if rotate:
        extra += Markup(' transform="rotate({} {} {})"').format(num(rotate), num(x), num(y))
    return Markup(
        '<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"'
        "{extra}>{content}</text>"
    ).format(
        x=num(x),
        y=num(y),
        anchor=anchor,
        size=num(size),
        fill=fill,
        extra=extra,
        content=one_line(content),
    )


def axis_title(
    x: float, y: float, content: str, *, anchor: str = "middle", rotate: float = 0
) -> Markup:
    """The name of an axis or of a grid's rows or columns: small, bold, muted."""
    return text(x, y, content, anchor=anchor, size=13, fill=MUTED, weight="600", rotate=rotate)


def lines(
    x: float,
    center_y: float,
    rows: Sequence[str],
    *,
    size: float = 14,
    anchor: str = "end",
    line_height: float = 17,
    fill: str = INK,
    weight: str = "",
) -> Markup:
    """Several lines of text centred vertically on ``center_y``."""
    first = center_y - (len(rows) - 1) * line_height / 2 + size * 0.35
    return join(
        text(x, first + i * line_height, row, anchor=anchor, size=size, fill=fill, weight=weight)
        for i, row in enumerate(rows)
    )


def rect(x: float, y: float, w: float, h: float, fill: str, *, rx: float = 0) -> Markup:
    corner = Markup(' rx="{}"').format(num(rx)) if rx else Markup("")
    return Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}/>').format(
        num(x), num(y), num(max(0.0, w)), num(h), fill, corner
    )


def line(
    x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, width: float = 1
) -> Markup:
    return Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>').format(
        num(x1), num(y1), num(x2), num(y2), stroke, num(width)
    )


def circle(
    cx: float, cy: float, r: float, fill: str, *, opacity: float = 1.0, stroke: str = ""
) -> Markup:
    extra = Markup("")
    if opacity < 1:
        extra += Markup(' fill-opacity="{}"').format(num(opacity))
    if stroke:
        extra += Markup(' stroke="{}" stroke-width="1.5"').format(stroke)
    return Markup('<circle cx="{}" cy="{}" r="{}" fill="{}"{}/>').format(
        num(cx), num(cy), num(r), fill, extra
    )


def polygon(points: Iterable[tuple[float, float]], **attributes: str) -> Markup:
    """A closed shape; ``attributes`` (``fill``, ``stroke`` ...) with ``_`` for ``-``."""
    corners = " ".join(f"{num(x)},{num(y)}" for x, y in points)
    extra = join(
        Markup(' {}="{}"').format(name.replace("_", "-"), value)
        for name, value in attributes.items()
    )
    return Markup('<polygon points="{}"{}/>').format(corners, extra)


def group(tooltip: str, parts: Iterable[Markup], transform: str = "") -> Markup:
    """Shapes that belong together; ``tooltip`` is shown on hover and read aloud."""
    moved = Markup(' transform="{}"').format(transform) if transform else Markup("")
    hint = Markup("<title>{}</title>").format(one_line(tooltip)) if tooltip else Markup("")
    return Markup("<g{}>{}{}</g>").format(moved, hint, join(parts))
