"""The report medium: each view block as an HTML fragment, with an inline SVG chart where a
picture says more than a table.

One function per block kind, registered with ``@REPORT.draws(Kind)``; each returns a
whole ``<figure>`` (its title as the caption) or, for a note, a paragraph. The figures
come from :mod:`facilitate.render.figures` (so the report prints the same percentages,
means and point names as the terminal and the web page) in the report's language
through the translator ``t``. All markup is built with markupsafe: text is escaped
unless it is markup made here. Charts are laid out left to right in every language, and
the same block always gives the same SVG.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from markupsafe import Markup

from facilitate.i18n import Translator
from facilitate.render import Medium, figures
from facilitate.render import svg as s
from facilitate.text import one_line, strip_controls
from facilitate.views import (
    Bar,
    Bars,
    Block,
    Heatmap,
    Note,
    Radar,
    Scatter,
    Spread,
    Table,
    Texts,
    Words,
)

WIDTH = 720
"""Every chart's width in SVG units (scaled down by CSS on narrow screens)."""
HEAT_LEVELS = 6
WORD_LIMIT = 60


def _unknown(block: object, t: Translator) -> Markup:
    return Markup('<p class="note">{}</p>').format(
        t.gettext("({kind} cannot be drawn here)", kind=type(block).__name__)
    )


REPORT: Medium[Markup] = Medium("report", _unknown)


def block_html(block: Block, t: Translator) -> Markup:
    """One view block as it appears in the report."""
    return REPORT.draw(block, t)


def _figure(block: Block, content: Markup) -> Markup:
    title = one_line(getattr(block, "title", ""))
    caption = (
        Markup('<figcaption dir="auto">{}</figcaption>').format(title) if title else Markup("")
    )
    return Markup('<figure class="block">{}{}</figure>').format(caption, content)


def _nothing(block: Block, t: Translator) -> Markup:
    """A block with nothing to draw (bars with no rows, an empty cloud ...)."""
    return _figure(block, Markup('<p class="note">{}</p>').format(t.gettext("Nothing to show.")))


# -- bars ----------------------------------------------------------------------------


@REPORT.draws(Bars)
def bars_chart(block: Bars, t: Translator) -> Markup:
    """Horizontal bars, labels on the left; each value, and its share of the answers."""
    shown = figures.bars(block, t)
    if not shown:
        return _nothing(block, t)
    unit = figures.bars_unit(block)
    value_width = max(
        [72.0] + [s.text_width(f"{b.number}  {b.share}", 14, "600") + 16 for b in shown]
    )
    label_width = 250.0
    left, right = label_width + 14, WIDTH - value_width
    body: list[Markup] = []
    y = 6.0
    for bar in shown:
        label = bar.label + (" ✓" if bar.marked else "")
        weight = "600" if bar.marked else ""
        rows = s.wrap(label, label_width, 14, 3, weight)
        height = max(32.0, len(rows) * 17 + 12)
        center = y + height / 2
        end = left + bar.fraction * (right - left)
        figure_text = " ".join(part for part in (bar.number, unit) if part)
        tooltip = f"{one_line(bar.label)}: {figure_text}" + (f" ({bar.share})" if bar.share else "")
        parts = [
            s.lines(label_width, center, rows, weight=weight),
            s.rect(left, center - 11, right - left, 22, s.TRACK, rx=3),
            s.rect(
                left, center - 11, end - left, 22, s.HIGHLIGHT if bar.marked else s.ACCENT, rx=3
            ),
            s.text(end + 8, center + 5, bar.number, weight="600"),
        ]
        if bar.share:
            share_x = end + 8 + s.text_width(bar.number, 14, "600") + 8
            parts.append(s.text(share_x, center + 5, bar.share, size=13, fill=s.MUTED))
        body.append(s.group(tooltip, parts))
        y += height
    return _figure(block, s.svg(WIDTH, y + 6, block.title or t.gettext("bar chart"), body))


# -- spread (stacked bars over a scale) ------------------------------------------------


def _legend(colors: Sequence[str], names: Sequence[str]) -> tuple[list[Markup], float]:
    """Coloured keys with their names, wrapped over as many lines as they need."""
    body: list[Markup] = []
    x, y = 0.0, 16.0
    for color, name in zip(colors, names, strict=True):
        width = 14 + 6 + s.text_width(name, 13) + 18
        if x + width > WIDTH and x > 0:
            x, y = 0.0, y + 22
        body.append(s.rect(x, y - 11, 14, 14, color, rx=2))
        body.append(s.text(x + 20, y, name, size=13, fill=s.MUTED))
        x += width
    return body, y


@REPORT.draws(Spread)
def spread_chart(block: Spread, t: Translator) -> Markup:
    """Each row a 100% stacked bar over the scale's points, lowest point on the left."""
    rows = figures.spread(block, t)
    if not rows or not block.points:
        return _nothing(block, t)
    colors = s.diverging(len(block.points))
    names = figures.point_names(block)
    body, y = _legend(colors, names)
    # A single row that only repeats the chart's title needs no label column.
    labelled = any(one_line(row.label) != one_line(block.title) for row in rows)
    label_width, stats_width = (220.0 if labelled else 0.0), 110.0
    left, right = (label_width + 14 if labelled else 0.0), WIDTH - stats_width
    y += 18
    for row in rows:
        label_rows = s.wrap(row.label, label_width, 14, 3) if labelled else [""]
        height = max(34.0, len(label_rows) * 17 + 12)
        center = y + height / 2
        parts = [s.lines(label_width, center, label_rows)] if labelled else []
        parts.append(s.rect(left, center - 12, right - left, 24, s.TRACK, rx=2))
        cursor = left
        for color, name, count in zip(colors, names, row.counts, strict=False):
            if not row.total or not count:
                continue
            width = count / row.total * (right - left)
            segment = [s.rect(cursor, center - 12, width, 24, color)]
            if width >= 22:
                segment.append(
                    s.text(
                        cursor + width / 2,
                        center + 5,
                        t.number(count),
                        anchor="middle",
                        size=12,
                        fill=s.ink_on(color),
                    )
                )
            body_tip = f"{one_line(row.label)} — {name}: {t.number(count)}"
            parts.append(s.group(body_tip, segment))
            cursor += width
        stats = (
            t.gettext("mean {mean}", mean=row.mean_text)
            if row.mean is not None
            else t.gettext("no answers")
        )
        parts.append(s.text(right + 10, center - 1, stats, size=13, weight="600"))
        answers = t.ngettext("{count} answer", "{count} answers", row.total)
        parts.append(s.text(right + 10, center + 14, answers, size=11, fill=s.MUTED))
        body.append(s.group("", parts))
        y += height
    label = block.title or t.gettext("answers on a scale")
    return _figure(block, s.svg(WIDTH, y + 6, label, body))


# -- heat map --------------------------------------------------------------------------


def _heat_cell(
    box: tuple[float, float, float, float], count: int, peak: int, t: Translator
) -> list[Markup]:
    """One cell of a heat map: shaded by its count among the grid's, with the count."""
    x, y, width, height = box
    level = figures.shade(count, peak, HEAT_LEVELS)
    fill = s.mix("#f3f6f9", s.ACCENT, level / (HEAT_LEVELS - 1)) if level else s.EMPTY
    number = s.text(
        x + width / 2,
        y + height / 2 + 5,
        t.number(count),
        anchor="middle",
        size=14 if count else 12,
        fill=s.ink_on(fill) if count else "#9aa5b1",
        weight="600" if count else "",
    )
    return [s.rect(x + 1.5, y + 1.5, width - 3, height - 3, fill, rx=3), number]


@REPORT.draws(Heatmap)
def heatmap_chart(block: Heatmap, t: Translator) -> Markup:
    """A grid of counts, darker where more answers fell."""
    if not block.row_labels or not block.column_labels:
        return _nothing(block, t)
    columns = len(block.column_labels)
    label_width = 170.0
    cell_width = min(110.0, max(52.0, (WIDTH - label_width - 20) / columns))
    column_rows = [s.wrap(label, cell_width - 6, 12, 3) for label in block.column_labels]
    header_lines = max(len(rows) for rows in column_rows)
    top = 8.0 + (20 if block.column_title else 0)
    grid_top = top + header_lines * 15 + 8
    left = label_width + 12
    peak = figures.heat_peak(block)
    body: list[Markup] = []
    if block.column_title:
        body.append(s.axis_title(left + cell_width * columns / 2, 20, block.column_title))
    if block.row_title:
        body.append(s.axis_title(label_width, grid_top - 8, block.row_title, anchor="end"))
    for index, rows in enumerate(column_rows):
        center = left + cell_width * (index + 0.5)
        body += [
            s.text(center, top + 12 + n * 15, row, anchor="middle", size=12)
            for n, row in enumerate(rows)
        ]
    y = grid_top
    for row_index, row_label in enumerate(block.row_labels):
        label_rows = s.wrap(row_label, label_width, 13, 2)
        height = max(44.0, len(label_rows) * 16 + 12)
        body.append(s.lines(label_width, y + height / 2, label_rows, size=13, line_height=16))
        cells = block.cells[row_index] if row_index < len(block.cells) else ()
        for column, column_label in enumerate(block.column_labels):
            count = cells[column] if column < len(cells) else 0
            box = (left + column * cell_width, y, cell_width, height)
            tooltip = f"{one_line(row_label)} × {one_line(column_label)}: {count}"
            body.append(s.group(tooltip, _heat_cell(box, count, peak, t)))
        y += height
    width = max(left + columns * cell_width + 8, 240)
    label = block.title or t.gettext("grid of counts")
    return _figure(block, s.svg(width, y + 8, label, body))


# -- scatter ---------------------------------------------------------------------------


Place = Callable[[float, float], tuple[float, float]]
"""Where a point at fractions (x, y) of the axes falls on the chart."""


def _axis_ticks(block: Scatter) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    (x0, x1), (y0, y1) = block.x_range, block.y_range
    return figures.ticks(block.x_labels, x0, x1), figures.ticks(block.y_labels, y0, y1)


def _place_label(
    box: tuple[float, float, float, float], taken: list[tuple[float, float, float, float]]
) -> tuple[float, float, float, float]:
    """The first spot below ``box`` (moving down a line at a time) that overlaps no label."""
    x0, y0, x1, y1 = box
    height = y1 - y0
    for step in range(12):
        shift = step * height
        moved = (x0, y0 + shift, x1, y1 + shift)
        if not any(
            moved[0] < b[2] and b[0] < moved[2] and moved[1] < b[3] and b[1] < moved[3]
            for b in taken
        ):
            return moved
    return box


SCATTER_HEIGHT = 360.0
SCATTER_PAD = 28.0
"""Room between the plot's frame and its outermost ticks, so edge markers clear the labels."""


def _scatter_frame(block: Scatter) -> tuple[list[Markup], Place, float]:
    """The plot's background, grid, ticks and axis titles; where points go; the height."""
    x_ticks, y_ticks = _axis_ticks(block)
    y_title_width = 24.0 if block.y_title else 0.0
    tick_width = max(s.text_width(label, 12) for _, label in y_ticks)
    left = min(150.0, tick_width + 14) + y_title_width + 8
    width, top = WIDTH - left - 24, 20.0
    bottom = top + SCATTER_HEIGHT

    def at(fx: float, fy: float) -> tuple[float, float]:
        x = left + SCATTER_PAD + fx * (width - 2 * SCATTER_PAD)
        return x, bottom - SCATTER_PAD - fy * (SCATTER_HEIGHT - 2 * SCATTER_PAD)

    body = [s.rect(left, top, width, SCATTER_HEIGHT, "#fbfcfd")]
    for fraction, label in y_ticks:
        _, y = at(0, fraction)
        shown = s.wrap(label, left - 14 - y_title_width, 12, 1)[0]
        body += [
            s.line(left, y, left + width, y),
            s.text(left - 8, y + 4, shown, anchor="end", size=12, fill=s.MUTED),
        ]
    tick_space = (width - 2 * SCATTER_PAD) / max(1, len(x_ticks) - 1)
    label_lines = 1
    for fraction, label in x_ticks:
        x, _ = at(fraction, 0)
        rows = s.wrap(label, max(40.0, tick_space - 4), 12, 2)
        label_lines = max(label_lines, len(rows))
        body.append(s.line(x, top, x, bottom))
        body += [
            s.text(x, bottom + 16 + n * 14, row, anchor="middle", size=12, fill=s.MUTED)
            for n, row in enumerate(rows)
        ]
    body += [
        s.line(left, bottom, left + width, bottom, s.MUTED),
        s.line(left, top, left, bottom, s.MUTED),
    ]
    height = bottom + 14 + label_lines * 14
    if block.x_title:
        height += 20
        body.append(s.axis_title(left + width / 2, height - 4, block.x_title))
    if block.y_title:
        body.append(s.axis_title(14, top + SCATTER_HEIGHT / 2, block.y_title, rotate=-90))
    return body, at, height


@REPORT.draws(Scatter)
def scatter_chart(block: Scatter, t: Translator) -> Markup:
    """Points on two axes, each marker's area by its count, each labelled beside it."""
    points = figures.scatter(block)
    if not points:
        return _nothing(block, t)
    body, at, height = _scatter_frame(block)
    body += _scatter_points(block, points, at, t)
    label = block.title or t.gettext("scatter chart")
    return _figure(block, s.svg(WIDTH, height + 8, label, body))


def _scatter_points(
    block: Scatter, points: list[figures.PointFigure], place: Place, t: Translator
) -> list[Markup]:
    """Markers (largest first, so small ones stay visible on top) and their labels."""
    markers: list[Markup] = []
    labels: list[Markup] = []
    taken: list[tuple[float, float, float, float]] = []
    order = sorted(range(len(points)), key=lambda i: (-points[i].count, i))
    for index in order:
        point, source = points[index], block.points[index]
        cx, cy = place(point.x, point.y)
        radius = 5 + 15 * math.sqrt(point.size)
        count = t.ngettext("{count} answer", "{count} answers", point.count)
        where = f"{t.number(source.x)}, {t.number(source.y)}"
        tooltip = (
            f"{one_line(point.label)} ({where}): {count}" if point.label else f"{where}: {count}"
        )
        marker = [s.circle(cx, cy, radius, s.ACCENT, opacity=0.55, stroke=s.ACCENT)]
        if radius >= 10:
            marker.append(
                s.text(
                    cx,
                    cy + 4,
                    t.number(point.count),
                    anchor="middle",
                    size=11,
                    fill="#ffffff",
                    weight="700",
                )
            )
        markers.append(s.group(tooltip, marker))
        if point.label:
            rows = s.wrap(point.label, 150, 12, 1)
            width = s.text_width(rows[0], 12) + 4
            right_side = cx + radius + 4 + width <= WIDTH
            x0 = cx + radius + 4 if right_side else cx - radius - 4 - width
            box = _place_label((x0, cy - 8, x0 + width, cy + 8), taken)
            taken.append(box)
            labels.append(s.text(box[0], box[1] + 12, rows[0], size=12))
    return markers + labels


# -- word cloud ------------------------------------------------------------------------


def _spiral_spot(
    width: float, height: float, area: tuple[float, float], placed: list[tuple[float, ...]]
) -> tuple[float, float, float, float] | None:
    """The first free box along a spiral from the middle of ``area``, if any."""
    area_width, area_height = area
    center_x, center_y = area_width / 2, area_height / 2
    for step in range(2500):
        angle = step * 0.25
        radius = 1.6 * angle
        x = center_x + radius * math.cos(angle) * 1.7 - width / 2
        y = center_y + radius * math.sin(angle) - height / 2
        box = (x, y, x + width, y + height)
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= area_width and box[3] <= area_height
        if inside and not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
        ):
            return box
    return None


@REPORT.draws(Words)
def words_chart(block: Words, t: Translator) -> Markup:
    """A word cloud laid out on a spiral, most given words first, the same every time."""
    words = figures.words(block)[:WORD_LIMIT]
    if not words:
        return _nothing(block, t)
    counts = [count for _, count in words]
    low, high = min(counts), max(counts)
    area = (float(WIDTH), 440.0)
    placed: list[tuple[float, ...]] = []
    body: list[Markup] = []
    for index, (word, count) in enumerate(words):
        size = 26.0 if high == low else 15 + (count - low) / (high - low) * 33
        size = min(size, (area[0] - 20) * 0.7 / max(1.0, s.text_width(word, 1, "700")))
        weight = "700" if size >= 30 else "600" if size >= 20 else ""
        spot = _spiral_spot(s.text_width(word, size, weight) + 10, size * 1.15 + 4, area, placed)
        if spot is None:
            continue
        placed.append(spot)
        color = s.CATEGORICAL[index % len(s.CATEGORICAL)]
        x, baseline = (spot[0] + spot[2]) / 2, spot[1] + 2 + size * 0.9
        word_text = s.text(x, baseline, word, anchor="middle", size=size, fill=color, weight=weight)
        body.append(s.group(f"{word}: {t.number(count)}", [word_text]))
    if not placed:
        return _nothing(block, t)
    top = min(b[1] for b in placed) - 6
    bottom = max(b[3] for b in placed) + 6
    left = min(b[0] for b in placed) - 6
    right = max(b[2] for b in placed) + 6
    shifted = s.group("", body, transform=f"translate({s.num(-left)} {s.num(-top)})")
    label = block.title or t.gettext("word cloud")
    return _figure(block, s.svg(right - left, bottom - top, label, [shifted]))


# -- radar -----------------------------------------------------------------------------


@REPORT.draws(Radar)
def radar_chart(block: Radar, t: Translator) -> Markup:
    """Values on axes around a circle; fewer than three axes are drawn as bars."""
    axes = list(block.axes)
    if not axes:
        return _nothing(block, t)
    if len(axes) < 3:
        pairs = zip(axes, block.values, strict=False)
        return bars_chart(Bars(tuple(Bar(a, v) for a, v in pairs), title=block.title), t)
    radius = 140.0
    center_x, center_y = WIDTH / 2, radius + 64
    span = (block.maximum - block.minimum) or 1.0

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / len(axes)
        return (
            center_x + math.cos(angle) * radius * fraction,
            center_y + math.sin(angle) * radius * fraction,
        )

    body: list[Markup] = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        corners = [point(i, ring) for i in range(len(axes))]
        body.append(s.polygon(corners, fill="none", stroke=s.GRID, stroke_width="1"))
        ring_value = t.number(block.minimum + span * ring)
        body.append(
            s.text(center_x + 4, center_y - radius * ring - 3, ring_value, size=10, fill=s.MUTED)
        )
    for index, axis in enumerate(axes):
        x, y = point(index, 1.0)
        body.append(s.line(center_x, center_y, x, y))
        lx, ly = point(index, 1.0 + 22 / radius)
        cos, sin = (lx - center_x) / (radius + 22), (ly - center_y) / (radius + 22)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        shift = 8 * sin + (0 if abs(sin) < 0.9 else 6 * sin)
        rows = s.wrap(axis, 170, 13, 2)
        body.append(s.lines(lx, ly + shift, rows, size=13, anchor=anchor, line_height=15))
    fractions = figures.radar(block)
    shape = [point(i, f) for i, f in enumerate(fractions)]
    body.append(
        s.polygon(
            shape,
            fill=s.ACCENT,
            fill_opacity="0.22",
            stroke=s.ACCENT,
            stroke_width="2.5",
            stroke_linejoin="round",
        )
    )
    for index, (fraction, value) in enumerate(zip(fractions, block.values, strict=False)):
        x, y = point(index, fraction)
        tooltip = f"{one_line(axes[index])}: {t.number(value)}"
        body.append(s.group(tooltip, [s.circle(x, y, 4.5, s.ACCENT)]))
    label = block.title or t.gettext("radar chart")
    return _figure(block, s.svg(WIDTH, center_y + radius + 44, label, body))


# -- blocks drawn as HTML --------------------------------------------------------------


@REPORT.draws(Texts)
def texts_list(block: Texts, t: Translator) -> Markup:
    if not block.texts:
        return _figure(
            block, Markup('<p class="note">{}</p>').format(t.gettext("No approved texts."))
        )
    items = s.join(
        Markup('<li dir="auto">{}</li>').format(strip_controls(text)) for text in block.texts
    )
    return _figure(block, Markup('<ul class="texts">{}</ul>').format(items))


_NUMBER = re.compile(r"^\s*[-+−]?\d[\d.,\s\u202f\xa0]*%?\s*$|^\s*[–-]?\s*$")


def _numeric_columns(block: Table) -> list[bool]:
    """Columns whose every cell is a number (or blank): right-aligned."""
    return [
        all(_NUMBER.match(str(row[i])) for row in block.rows if i < len(row))
        for i in range(len(block.headers))
    ]


@REPORT.draws(Table)
def table(block: Table, t: Translator) -> Markup:
    numeric = _numeric_columns(block)

    def is_number(index: int) -> bool:
        return index < len(numeric) and numeric[index]

    head = s.join(
        Markup('<th class="n">{}</th>' if is_number(i) else "<th>{}</th>").format(one_line(h))
        for i, h in enumerate(block.headers)
    )
    rows = s.join(
        Markup("<tr>{}</tr>").format(
            s.join(
                Markup(
                    '<td class="n">{}</td>' if is_number(i) else '<td dir="auto">{}</td>'
                ).format(strip_controls(str(cell)))
                for i, cell in enumerate(row)
            )
        )
        for row in block.rows
    )
    return _figure(
        block,
        Markup(
            '<div class="wide"><table class="data"><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table></div>"
        ).format(head, rows),
    )


@REPORT.draws(Note)
def note(block: Note, t: Translator) -> Markup:
    return Markup('<p class="note" dir="auto">{}</p>').format(one_line(block.text))
