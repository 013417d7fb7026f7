"""Inline SVG charts for the HTML report, drawn from facilitate.views blocks.

Pure string building: no scripts, no fonts or images from anywhere, every piece of
text escaped (participant text included), layouts computed deterministically so the
same session always gives the same picture. Sizes are estimated from character
widths, since nothing here can measure rendered text.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Iterable, Sequence

from facilitate.report import units
from facilitate.report.model import ItemReport
from facilitate.text import one_line
from facilitate.views import Bar, Bars, Heatmap, Radar, Spread, Words

WIDTH = 720
FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif"
)
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
TRACK = "#edf1f5"
ACCENT = "#2f5d8a"
HIGHLIGHT = "#c0621a"
PLANNED = "#cfdbe8"
CATEGORICAL = ("#2f5d8a", "#0f766e", "#b45309", "#6d28d9", "#be185d", "#15803d", "#475569")
_DIVERGING_ENDS = ("#b5452b", "#e8e3da", "#2f5d8a")


def esc(text: object) -> str:
    """Text made safe for an SVG or HTML text node or a quoted attribute."""
    return html.escape(one_line(str(text)), quote=True)


def text_width(text: str, size: float, weight: str = "") -> float:
    """Roughly how wide ``text`` is at ``size`` px in a sans-serif font (erring wide)."""
    units_ = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            units_ += 1.0
        elif unicodedata.combining(ch):
            continue
        elif ch in " il.,:;'|!ftjI()[]":
            units_ += 0.34
        elif ch in "mwMW@%":
            units_ += 0.92
        elif ch.isupper() or ch.isdigit():
            units_ += 0.7
        else:
            units_ += 0.6
    bold = {"": 1.0, "600": 1.07, "700": 1.12}.get(weight, 1.1)
    return units_ * size * bold


def wrap(text: str, width: float, size: float, max_lines: int = 3, weight: str = "") -> list[str]:
    """Greedy line wrapping by estimated width; the last line ends in "…" if cut."""
    words = one_line(text).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        while text_width(word, size, weight) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size, weight) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
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


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def mix(a: str, b: str, t: float) -> str:
    t = min(1.0, max(0.0, t))
    ra, ga, ba = _hex(a)
    rb, gb, bb = _hex(b)
    channels = (round(ra + (rb - ra) * t), round(ga + (gb - ga) * t), round(ba + (bb - ba) * t))
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def ink_on(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill``."""
    r, g, b = _hex(fill)
    luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
    return "#ffffff" if luminance < 0.55 else INK


def diverging(count: int) -> list[str]:
    low, middle, high = _DIVERGING_ENDS
    if count <= 1:
        return [high]
    colors = []
    for index in range(count):
        t = index / (count - 1)
        colors.append(mix(low, middle, t * 2) if t <= 0.5 else mix(middle, high, (t - 0.5) * 2))
    return colors


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, label: str, body: Iterable[str]) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart"'
        f' viewBox="0 0 {_f(width)} {_f(height)}"'
        f' width="{_f(width)}" height="{_f(height)}" role="img" aria-label="{esc(label)}"'
        # Charts are laid out left to right even in a right-to-left report.
        f' direction="ltr" font-family="{esc(FONT)}" font-size="14" fill="{INK}">'
        + "".join(body)
        + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float = 14,
    fill: str = INK,
    weight: str = "",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{_f(size)}"'
        f' fill="{fill}"{bold}>{esc(text)}</text>'
    )


def _lines(
    x: float,
    center_y: float,
    lines: Sequence[str],
    *,
    size: float = 14,
    anchor: str = "end",
    line_height: float = 17,
    fill: str = INK,
    weight: str = "",
) -> str:
    """Several lines of text centred vertically on ``center_y``."""
    first = center_y - (len(lines) - 1) * line_height / 2 + size * 0.35
    return "".join(
        _text(x, first + i * line_height, line, anchor=anchor, size=size, fill=fill, weight=weight)
        for i, line in enumerate(lines)
    )


def _rect(
    x: float, y: float, w: float, h: float, fill: str, *, rx: float = 0, extra: str = ""
) -> str:
    round_ = f' rx="{_f(rx)}"' if rx else ""
    return (
        f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(0.0, w))}" height="{_f(h)}"'
        f' fill="{fill}"{round_}{extra}/>'
    )


def _title(text: str) -> str:
    return f"<title>{esc(text)}</title>"


# -- bars ----------------------------------------------------------------------


def bars_chart(block: Bars) -> str:
    """Horizontal bars with their labels on the left and values at the end."""
    rows = block.rows
    label_width, value_width = 250.0, 72.0
    left, right = label_width + 14, WIDTH - value_width
    values = [float(row.value) for row in rows] or [0.0]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0

    def x_of(value: float) -> float:
        return left + (value - low) / span * (right - left)

    body: list[str] = []
    y = 6.0
    for row in rows:
        label = row.label + (" ✓" if row.marked else "")
        weight = "600" if row.marked else ""
        lines = wrap(label, label_width, 14, 3, weight)
        height = max(32.0, len(lines) * 17 + 12)
        center = y + height / 2
        fill = HIGHLIGHT if row.marked else ACCENT
        start, end = x_of(0.0), x_of(float(row.value))
        value_text = units.number(row.value)
        body.append(
            f"<g>{_title(f'{row.label}: {units.number(row.value)} {block.unit}'.strip())}"
            + _lines(label_width, center, lines, weight=weight)
            + _rect(left, center - 11, right - left, 22, TRACK, rx=3)
            + _rect(min(start, end), center - 11, abs(end - start), 22, fill, rx=3)
            + _text(max(start, end) + 8, center + 5, value_text, weight="600")
            + "</g>"
        )
        y += height
    return _svg(WIDTH, y + 6, block.title or "bar chart", body)


# -- spread (stacked bars over a scale) ----------------------------------------------


def point_name(point: str, label: str) -> str:
    """A scale point with its label ("1 Never"), once, however the label was written."""
    label = one_line(label)
    if not label or label == point:
        return point
    if label.startswith(point) and not label[len(point) :][:1].isdigit():
        return label
    return f"{point} {label}"


def _point_names(block: Spread) -> list[str]:
    points = [str(p) for p in block.points]
    labels = list(block.point_labels)
    if len(labels) == len(points):
        return [point_name(p, label) for p, label in zip(points, labels, strict=True)]
    if len(labels) == 2 and len(points) >= 2:
        return [f"{points[0]} {labels[0]}", *points[1:-1], f"{points[-1]} {labels[1]}"]
    return points


def spread_chart(block: Spread) -> str:
    """Each row a 100% stacked bar over the scale's points, lowest point on the left."""
    colors = diverging(len(block.points))
    names = _point_names(block)
    body: list[str] = []
    # The legend, wrapped over as many lines as it needs.
    x, y = 0.0, 16.0
    for color, name in zip(colors, names, strict=True):
        width = 14 + 6 + text_width(name, 13) + 18
        if x + width > WIDTH and x > 0:
            x, y = 0.0, y + 22
        body.append(
            _rect(x, y - 11, 14, 14, color, rx=2) + _text(x + 20, y, name, size=13, fill=MUTED)
        )
        x += width
    # A single row that only repeats the chart's title needs no label column.
    labelled = any(one_line(row.label) != one_line(block.title) for row in block.rows)
    label_width, stats_width = (220.0 if labelled else 0.0), 92.0
    left, right = (label_width + 14 if labelled else 0.0), WIDTH - stats_width
    y += 18
    for row in block.rows:
        lines = wrap(row.label, label_width, 14, 3) if labelled else [""]
        height = max(34.0, len(lines) * 17 + 12)
        center = y + height / 2
        parts = [_lines(label_width, center, lines) if labelled else ""]
        total = row.total
        cursor = left
        parts.append(_rect(left, center - 12, right - left, 24, TRACK, rx=2))
        for color, name, count in zip(colors, names, row.counts, strict=False):
            if not total or not count:
                continue
            width = count / total * (right - left)
            parts.append(
                f"<g>{_title(f'{row.label} — {name}: {count}')}"
                + _rect(cursor, center - 12, width, 24, color)
                + (
                    _text(
                        cursor + width / 2,
                        center + 5,
                        str(count),
                        anchor="middle",
                        size=12,
                        fill=ink_on(color),
                    )
                    if width >= 22
                    else ""
                )
                + "</g>"
            )
            cursor += width
        mean = row.mean(block.points) if len(row.counts) == len(block.points) else None
        stats = f"mean {mean:.1f}" if mean is not None else "no answers"
        parts.append(_text(right + 10, center - 1, stats, size=13, weight="600"))
        parts.append(_text(right + 10, center + 14, f"n = {total}", size=11, fill=MUTED))
        body.append("<g>" + "".join(parts) + "</g>")
        y += height
    return _svg(WIDTH, y + 6, block.title or "answers on a scale", body)


# -- heatmap ---------------------------------------------------------------------


def heatmap_chart(block: Heatmap) -> str:
    """A grid of counts, darker where more answers fell."""
    columns = len(block.column_labels)
    label_width = 170.0
    cell_width = min(110.0, max(52.0, (WIDTH - label_width - 20) / max(1, columns)))
    column_lines = [wrap(label, cell_width - 6, 12, 3) for label in block.column_labels]
    header_lines = max((len(lines) for lines in column_lines), default=1)
    top = 8.0 + (20 if block.column_title else 0)
    grid_top = top + header_lines * 15 + 8
    left = label_width + 12
    counts = [count for row in block.cells for count in row]
    highest = max(counts, default=0) or 1
    body: list[str] = []
    if block.column_title:
        body.append(
            _text(
                left + cell_width * columns / 2,
                20,
                block.column_title,
                anchor="middle",
                size=13,
                fill=MUTED,
                weight="600",
            )
        )
    if block.row_title:
        body.append(
            _text(
                label_width,
                grid_top - 8,
                block.row_title,
                anchor="end",
                size=13,
                fill=MUTED,
                weight="600",
            )
        )
    for index, lines in enumerate(column_lines):
        center = left + cell_width * (index + 0.5)
        for line_number, line in enumerate(lines):
            body.append(_text(center, top + 12 + line_number * 15, line, anchor="middle", size=12))
    y = grid_top
    for row_index, row_label in enumerate(block.row_labels):
        lines = wrap(row_label, label_width, 13, 2)
        height = max(44.0, len(lines) * 16 + 12)
        body.append(_lines(label_width, y + height / 2, lines, size=13, line_height=16))
        row = block.cells[row_index] if row_index < len(block.cells) else ()
        for column in range(columns):
            count = row[column] if column < len(row) else 0
            fill = mix("#f3f6f9", ACCENT, count / highest) if count else "#f7f8fa"
            x = left + column * cell_width
            body.append(
                f"<g>{_title(f'{row_label} × {block.column_labels[column]}: {count}')}"
                + _rect(x + 1.5, y + 1.5, cell_width - 3, height - 3, fill, rx=3)
                + _text(
                    x + cell_width / 2,
                    y + height / 2 + 5,
                    str(count),
                    anchor="middle",
                    size=14 if count else 12,
                    fill=ink_on(fill) if count else "#9aa5b1",
                    weight="600" if count else "",
                )
                + "</g>"
            )
        y += height
    width = left + columns * cell_width + 8
    return _svg(max(width, 240), y + 8, block.title or "grid of counts", body)


# -- word cloud --------------------------------------------------------------------


def words_chart(block: Words, *, limit: int = 60) -> str:
    """A word cloud laid out on a spiral, biggest words first, the same every time."""
    words = sorted(
        ((one_line(str(word)), int(count)) for word, count in block.words if one_line(str(word))),
        key=lambda wc: (-wc[1], wc[0]),
    )[:limit]
    if not words:
        return ""
    counts = [count for _, count in words]
    low, high = min(counts), max(counts)
    area_width, area_height = WIDTH - 20.0, 440.0
    center_x, center_y = WIDTH / 2, area_height / 2
    placed: list[tuple[float, float, float, float]] = []
    body: list[str] = []
    for index, (word, count) in enumerate(words):
        size = 26.0 if high == low else 15 + (count - low) / (high - low) * 33
        size = min(size, area_width * 0.7 / max(1.0, text_width(word, 1, "700")))
        weight = "700" if size >= 30 else "600" if size >= 20 else ""
        width, height = text_width(word, size, weight) + 10, size * 1.15 + 4
        spot = None
        step = 0.0
        while step < 2500:
            angle = step * 0.25
            radius = 1.6 * angle
            x = center_x + radius * math.cos(angle) * 1.7 - width / 2
            y = center_y + radius * math.sin(angle) - height / 2
            box = (x, y, x + width, y + height)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= WIDTH and box[3] <= area_height
            if inside and not any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
            ):
                spot = box
                break
            step += 1
        if spot is None:
            continue
        placed.append(spot)
        color = CATEGORICAL[index % len(CATEGORICAL)]
        body.append(
            f"<g>{_title(f'{word}: {count}')}"
            + _text(
                (spot[0] + spot[2]) / 2,
                spot[1] + 2 + size * 0.9,
                word,
                anchor="middle",
                size=size,
                fill=color,
                weight=weight,
            )
            + "</g>"
        )
    top = min(b[1] for b in placed) - 6
    bottom = max(b[3] for b in placed) + 6
    left = min(b[0] for b in placed) - 6
    right = max(b[2] for b in placed) + 6
    shifted = f'<g transform="translate({_f(-left)} {_f(-top)})">' + "".join(body) + "</g>"
    return _svg(right - left, bottom - top, block.title or "word cloud", [shifted])


# -- radar -------------------------------------------------------------------------


def radar_chart(block: Radar) -> str:
    """Values on axes around a circle; fewer than three axes are drawn as bars."""
    axes = list(block.axes)
    if len(axes) < 3:
        return bars_chart(
            Bars(
                tuple(Bar(a, v) for a, v in zip(axes, block.values, strict=False)),
                title=block.title,
            )
        )
    radius = 140.0
    center_x, center_y = WIDTH / 2, radius + 64
    span = (block.maximum - block.minimum) or 1.0

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / len(axes)
        return (
            center_x + math.cos(angle) * radius * fraction,
            center_y + math.sin(angle) * radius * fraction,
        )

    body: list[str] = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        corners = " ".join(
            f"{_f(x)},{_f(y)}" for x, y in (point(i, ring) for i in range(len(axes)))
        )
        body.append(f'<polygon points="{corners}" fill="none" stroke="{GRID}" stroke-width="1"/>')
        value = block.minimum + span * ring
        body.append(
            _text(
                center_x + 4,
                center_y - radius * ring - 3,
                units.number(round(value, 1)),
                size=10,
                fill=MUTED,
            )
        )
    for index, axis in enumerate(axes):
        x, y = point(index, 1.0)
        body.append(
            f'<line x1="{_f(center_x)}" y1="{_f(center_y)}" x2="{_f(x)}" y2="{_f(y)}"'
            f' stroke="{GRID}" stroke-width="1"/>'
        )
        lx, ly = point(index, 1.0 + 22 / radius)
        cos = (lx - center_x) / (radius + 22)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        lines = wrap(axis, 170, 13, 2)
        sin = (ly - center_y) / (radius + 22)
        shift = 8 * sin + (0 if abs(sin) < 0.9 else 6 * sin)
        body.append(_lines(lx, ly + shift, lines, size=13, anchor=anchor, line_height=15))
    fractions = [
        min(1.0, max(0.0, (float(value) - block.minimum) / span)) for value in block.values
    ] + [0.0] * max(0, len(axes) - len(block.values))
    shape = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, f) for i, f in enumerate(fractions)))
    body.append(
        f'<polygon points="{shape}" fill="{ACCENT}" fill-opacity="0.22" stroke="{ACCENT}"'
        f' stroke-width="2.5" stroke-linejoin="round"/>'
    )
    for index, (fraction, value) in enumerate(zip(fractions, block.values, strict=False)):
        x, y = point(index, fraction)
        body.append(
            f"<g>{_title(f'{axes[index]}: {units.number(value)}')}"
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4.5" fill="{ACCENT}"/></g>'
        )
    return _svg(WIDTH, center_y + radius + 44, block.title or "radar chart", body)


# -- the day's timing ------------------------------------------------------------------


def _tick_step(total_minutes: float) -> int:
    for step in (1, 2, 5, 10, 15, 30, 60, 120):
        if total_minutes / step <= 8:
            return step
    return 240


def timing_chart(items: Sequence[ItemReport]) -> str:
    """Planned (pale band) against actual (bar; the part over plan in orange) per item."""
    summaries = [
        f"{units.duration(item.actual)} of {units.duration(item.planned)}"
        if item.actual is not None
        else f"not run ({units.duration(item.planned)} planned)"
        for item in items
    ]
    label_width = 230.0
    summary_width = max([150.0] + [text_width(summary, 12) + 16 for summary in summaries])
    left, right = label_width + 14, WIDTH - summary_width
    longest = max([item.planned for item in items] + [item.actual or 0 for item in items] + [60])
    minutes = longest / 60
    step = _tick_step(minutes)
    scale_max = math.ceil(minutes / step) * step * 60

    def x_of(seconds: float) -> float:
        return left + seconds / scale_max * (right - left)

    body: list[str] = []
    legend = [("planned", PLANNED, 14), ("actual", ACCENT, 6), ("over plan", HIGHLIGHT, 6)]
    x = left
    for name, color, height in legend:
        body.append(_rect(x, 12 - height / 2, 22, height, color, rx=2))
        body.append(_text(x + 28, 16, name, size=12, fill=MUTED))
        x += 28 + text_width(name, 12) + 22
    top = 32.0
    row_height = 30.0
    bottom = top + row_height * len(items)
    for tick in range(0, int(scale_max / 60) + 1, step):
        tx = x_of(tick * 60)
        body.append(
            f'<line x1="{_f(tx)}" y1="{_f(top - 4)}" x2="{_f(tx)}" y2="{_f(bottom)}"'
            f' stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(tx, bottom + 16, f"{tick} min", anchor="middle", size=11, fill=MUTED))
    for row, (item, summary) in enumerate(zip(items, summaries, strict=True)):
        center = top + row_height * (row + 0.5)
        label = wrap(f"{item.number}. {item.title}", label_width, 13, 1)
        parts = [_lines(label_width, center, label, size=13)]
        parts.append(_rect(left, center - 8, x_of(item.planned) - left, 16, PLANNED, rx=2))
        if item.actual is not None:
            within = min(item.actual, item.planned)
            parts.append(_rect(left, center - 3, x_of(within) - left, 6, ACCENT, rx=1))
            if item.actual > item.planned:
                parts.append(
                    _rect(
                        x_of(item.planned),
                        center - 3,
                        x_of(item.actual) - x_of(item.planned),
                        6,
                        HIGHLIGHT,
                        rx=1,
                    )
                )
        parts.append(_text(right + 10, center + 4, summary, size=12, fill=MUTED))
        body.append(
            f"<g>{_title(f'{item.number}. {item.title}: {summary}')}" + "".join(parts) + "</g>"
        )
    return _svg(WIDTH, bottom + 24, "planned and actual time of each item", body)


def chart(block: object) -> str | None:
    """The SVG for a block that is best seen as a picture, or ``None`` for other blocks."""
    if isinstance(block, Bars):
        return bars_chart(block) if block.rows else None
    if isinstance(block, Spread):
        return spread_chart(block) if block.rows else None
    if isinstance(block, Heatmap):
        return heatmap_chart(block) if block.row_labels and block.column_labels else None
    if isinstance(block, Words):
        return words_chart(block) or None
    if isinstance(block, Radar):
        return radar_chart(block) if block.axes else None
    return None
