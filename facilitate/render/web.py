"""View blocks as HTML with inline SVG, for the web projector page (``/screen``).

One function per block kind, registered with ``@WEB.draws(Kind)``; each returns
:class:`~markupsafe.Markup` built with ``Markup.format``, which escapes every argument,
so agenda and participant text can never become markup. The figures (bar lengths,
percentages, means, point names, shades, scatter positions) come from
:mod:`facilitate.render.figures`, so the web projector prints what the terminal prints.

The page's Content-Security-Policy forbids inline ``style`` attributes and scripts, so
charts use CSS classes from ``screen.css`` and SVG geometry attributes only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from markupsafe import Markup

from facilitate.i18n import Translator
from facilitate.render import Medium, figures
from facilitate.text import one_line, strip_controls
from facilitate.views import (
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

HEAT_LEVELS = 5
"""Shades of a heat map cell, ``h0`` (none) to ``h4`` (the most), in ``screen.css``."""
WORD_SIZES = 6
"""Word sizes ``w1`` to ``w5`` in ``screen.css`` (0 is never used: every word was given)."""


def _unknown(block: object, t: Translator) -> Markup:
    text = t.gettext("({kind} cannot be drawn here)", kind=type(block).__name__)
    return Markup('<p class="block note">{}</p>').format(text)


WEB: Medium[Markup] = Medium("web", _unknown)


def _block(kind: str, title: str, inner: Markup) -> Markup:
    heading = Markup('<h3 dir="auto">{}</h3>').format(title) if title else Markup()
    return Markup('<div class="block {}">{}{}</div>').format(kind, heading, inner)


def _concat(parts: Iterable[Markup]) -> Markup:
    return Markup("").join(parts)


def _table(head: Iterable[Markup], rows: Iterable[Markup]) -> Markup:
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        _concat(head), _concat(rows)
    )


def _cells(tag: str, values: Iterable[object]) -> Markup:
    cell = Markup("<{0}>{1}</{0}>")
    return _concat(cell.format(Markup(tag), value) for value in values)


@WEB.draws(Bars)
def _bars(block: Bars, t: Translator) -> Markup:
    unit = figures.bars_unit(block)
    caption = Markup('<p class="unit">{}</p>').format(unit) if unit else Markup()
    rows = []
    for bar in figures.bars(block, t):
        share = Markup(' <span class="pc">{}</span>').format(bar.share) if bar.share else Markup()
        rows.append(
            Markup(
                '<li{}><span class="label" dir="auto">{}</span>{}<span class="n">{}{}</span></li>'
            ).format(
                Markup(' class="mark"') if bar.marked else Markup(),
                one_line(bar.label),
                _bar_svg(bar.fraction, bar.marked),
                bar.number,
                share,
            )
        )
    return _block("bars", block.title, caption + Markup("<ul>{}</ul>").format(_concat(rows)))


def _bar_svg(fraction: float, marked: bool) -> Markup:
    return Markup(
        '<svg class="bar{}" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="100" height="10" class="track"/><rect width="{:.2f}" height="10"/></svg>'
    ).format(Markup(" mark") if marked else Markup(), max(0.0, min(1.0, fraction)) * 100)


@WEB.draws(Spread)
def _spread(block: Spread, t: Translator) -> Markup:
    head = [Markup("<th></th>"), _cells("th", figures.point_names(block))]
    head.append(Markup("<th>{}</th>").format(t.gettext("mean")))
    rows = [
        Markup('<tr><th dir="auto">{}</th>{}<td class="mean">{}</td></tr>').format(
            one_line(row.label), _cells("td", (t.number(c) for c in row.counts)), row.mean_text
        )
        for row in figures.spread(block, t)
    ]
    return _block("spread", block.title, _table(head, rows))


@WEB.draws(Heatmap)
def _heatmap(block: Heatmap, t: Translator) -> Markup:
    peak = figures.heat_peak(block)
    corner = " / ".join(one_line(x) for x in (block.row_title, block.column_title) if x.strip())
    head = [Markup("<th>{}</th>").format(corner), _cells("th", map(one_line, block.column_labels))]
    rows = []
    for label, counts in zip(block.row_labels, block.cells, strict=False):
        cells = _concat(
            Markup('<td class="h{}">{}</td>').format(
                figures.shade(count, peak, HEAT_LEVELS), t.number(count)
            )
            for count in counts
        )
        rows.append(Markup('<tr><th dir="auto">{}</th>{}</tr>').format(one_line(label), cells))
    return _block("heat", block.title, _table(head, rows))


# The scatter plot's frame in SVG user units (the svg scales to its column). Points and
# ticks sit inside it with a margin as wide as the biggest mark, so a point at an axis's
# end, and its label, stay clear of the frame and the tick labels.
SCATTER_WIDTH, SCATTER_HEIGHT = 400, 300
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 64.0, 392.0, 4.0, 256.0
SMALLEST_MARK, LARGEST_MARK = 5.0, 16.0
INSET = LARGEST_MARK + 6


def _plot_x(fraction: float) -> float:
    return PLOT_LEFT + INSET + fraction * (PLOT_RIGHT - PLOT_LEFT - 2 * INSET)


def _plot_y(fraction: float) -> float:
    # The top inset leaves room for a point's label above its mark.
    top = PLOT_TOP + INSET + 10
    return PLOT_BOTTOM - INSET - fraction * (PLOT_BOTTOM - INSET - top)


def _scatter_axes(block: Scatter) -> Markup:
    """Grid lines and tick labels at each tick, and the two axis titles."""
    parts = [
        Markup('<rect class="frame" x="{}" y="{}" width="{}" height="{}"/>').format(
            PLOT_LEFT, PLOT_TOP, PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP
        )
    ]
    for fraction, label in figures.ticks(block.x_labels, *block.x_range):
        x = _plot_x(fraction)
        parts.append(
            Markup(
                '<line class="grid" x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}"/>'
                '<text class="tick" x="{0:.1f}" y="{3}" text-anchor="middle">{4}</text>'
            ).format(x, PLOT_TOP, PLOT_BOTTOM, PLOT_BOTTOM + 13, one_line(label))
        )
    for fraction, label in figures.ticks(block.y_labels, *block.y_range):
        y = _plot_y(fraction)
        parts.append(
            Markup(
                '<line class="grid" x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}"/>'
                '<text class="tick" x="{3}" y="{4:.1f}" text-anchor="end">{5}</text>'
            ).format(PLOT_LEFT, y, PLOT_RIGHT, PLOT_LEFT - 5, y + 3, one_line(label))
        )
    middle_x = (PLOT_LEFT + PLOT_RIGHT) / 2
    middle_y = (PLOT_TOP + PLOT_BOTTOM) / 2  # of the frame, where the y title goes
    parts.append(
        Markup(
            '<text class="axis" x="{:.1f}" y="{}" text-anchor="middle">{}</text>'
            '<text class="axis" transform="rotate(-90)" x="{:.1f}" y="12"'
            ' text-anchor="middle">{}</text>'
        ).format(
            middle_x,
            SCATTER_HEIGHT - 6,
            one_line(block.x_title),
            -middle_y,
            one_line(block.y_title),
        )
    )
    return _concat(parts)


def _label_anchor(fraction: float, x: float, radius: float) -> tuple[str, float]:
    """Where a point's label goes: centred above it, or kept inside near either end."""
    if fraction < 0.2:
        return "start", x - radius
    if fraction > 0.8:
        return "end", x + radius
    return "middle", x


@WEB.draws(Scatter)
def _scatter(block: Scatter, t: Translator) -> Markup:
    marks = []
    # Biggest first, so a small point is drawn over a big one rather than hidden by it.
    for point in sorted(figures.scatter(block), key=lambda p: -p.size):
        x, y = _plot_x(point.x), _plot_y(point.y)
        radius = SMALLEST_MARK + (LARGEST_MARK - SMALLEST_MARK) * math.sqrt(point.size)
        name, count = one_line(point.label), t.number(point.count)
        anchor, label_x = _label_anchor(point.x, x, radius)
        marks.append(
            Markup(
                '<g class="pt"><title>{}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
                '<text class="n" x="{x:.1f}" y="{count_y:.1f}" text-anchor="middle">{}</text>'
                '<text class="name" x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{}">{}</text>'
                "</g>"
            ).format(
                f"{name}: {count}" if name else count,
                count,
                anchor,
                name,
                x=x,
                y=y,
                r=radius,
                count_y=y + 3.5,
                label_x=label_x,
                label_y=y - radius - 3,
            )
        )
    svg = Markup(
        '<svg viewBox="0 0 {} {}" role="img" direction="ltr" aria-label="{}">{}{}</svg>'
    ).format(
        SCATTER_WIDTH,
        SCATTER_HEIGHT,
        one_line(block.title or f"{block.x_title} / {block.y_title}"),
        _scatter_axes(block),
        _concat(marks),
    )
    return _block("scatter", block.title, svg)


@WEB.draws(Words)
def _words(block: Words, t: Translator) -> Markup:
    shown = figures.words(block)
    peak = max((count for _, count in shown), default=0)
    words = Markup(" ").join(
        Markup('<span class="w{}" dir="auto">{}</span>').format(
            max(1, figures.shade(count, peak, WORD_SIZES)), word
        )
        for word, count in shown
    )
    return _block("words", block.title, Markup("<p>{}</p>").format(words))


@WEB.draws(Texts)
def _texts(block: Texts, t: Translator) -> Markup:
    items = _concat(
        Markup('<li dir="auto">{}</li>').format(strip_controls(text)) for text in block.texts
    )
    return _block("texts", block.title, Markup("<ul>{}</ul>").format(items))


@WEB.draws(Table)
def _table_block(block: Table, t: Translator) -> Markup:
    rows = [Markup("<tr>{}</tr>").format(_cells("td", map(one_line, row))) for row in block.rows]
    return _block("table", block.title, _table([_cells("th", map(one_line, block.headers))], rows))


RADAR_CENTRE, RADAR_RADIUS, RADAR_LABEL_RADIUS = 100.0, 80.0, 92.0


def _radar_point(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return RADAR_CENTRE + radius * math.cos(angle), RADAR_CENTRE + radius * math.sin(angle)


def _polygon(css: str, points: Iterable[tuple[float, float]]) -> Markup:
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return Markup('<polygon class="{}" points="{}"/>').format(css, coordinates)


@WEB.draws(Radar)
def _radar(block: Radar, t: Translator) -> Markup:
    count = len(block.axes)
    if count < 3:  # no polygon to draw: the values as a table instead
        rows = [
            Markup("<tr><th>{}</th><td>{}</td></tr>").format(one_line(axis), t.number(value))
            for axis, value in zip(block.axes, block.values, strict=False)
        ]
        return _block("table", block.title, _table([], rows))
    rings = _concat(
        _polygon("ring", (_radar_point(i, count, RADAR_RADIUS * level / 4) for i in range(count)))
        for level in range(1, 5)
    )
    fractions = figures.radar(block)
    values = _polygon(
        "val", (_radar_point(i, count, RADAR_RADIUS * f) for i, f in enumerate(fractions[:count]))
    )
    labels = _concat(
        Markup('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>').format(
            *_radar_point(i, count, RADAR_LABEL_RADIUS), one_line(axis)
        )
        for i, axis in enumerate(block.axes)
    )
    svg = Markup('<svg viewBox="-20 0 240 200" role="img" aria-label="{}">{}{}{}</svg>').format(
        one_line(block.title), rings, values, labels
    )
    return _block("radar", block.title, svg)


@WEB.draws(Note)
def _note(block: Note, t: Translator) -> Markup:
    return Markup('<p class="block note" dir="auto">{}</p>').format(one_line(block.text))


def render_view(view: Iterable[Block], t: Translator) -> Markup:
    """A result's blocks as HTML, one after another."""
    return _concat(WEB.draw(block, t) for block in view)
