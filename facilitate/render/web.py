"""View blocks as HTML with inline SVG, for the web projector page (``/screen``).

One function per block kind, registered with ``@WEB.draws(Kind)``; each returns
:class:`~markupsafe.Markup` built with ``Markup.format``, which escapes every argument,
so agenda and participant text can never become markup. The figures (bar lengths,
percentages, means, point names, shades, scatter positions) come from
:mod:`facilitate.render.figures`, so the web projector prints what the terminal prints.

Drawn for a room: large type, charts rather than tables (a scale is a column chart, the
5 Ps stacked bars), heat map columns of even width. The page's Content-Security-Policy
forbids inline ``style`` attributes and scripts, so proportions are CSS classes from
``screen.css`` (``g0`` to ``g40``: a flex share) and SVG geometry attributes. How a
result is split into screens that fit is :mod:`facilitate.render.web_layout`'s part.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from markupsafe import Markup

from facilitate.i18n import Translator
from facilitate.render import Medium, figures
from facilitate.render.scatter_labels import Place, place_labels, text_width
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
SHARES = 40
"""Flex shares ``g0`` to ``g40`` in ``screen.css``: segments of a stacked bar, columns."""
TWO_COLUMNS_OVER = 10
"""Bars with more rows than this are drawn in two columns (a choice can have 20 options)."""


def _unknown(block: object, t: Translator) -> Markup:
    text = t.gettext("({kind} cannot be drawn here)", kind=type(block).__name__)
    return Markup('<p class="block note">{}</p>').format(text)


WEB: Medium[Markup] = Medium("web", _unknown)


def _block(kind: str, title: str, inner: Markup) -> Markup:
    heading = (
        Markup('<h3 dir="auto">{}</h3>').format(one_line(title)) if title.strip() else Markup()
    )
    return Markup('<div class="block {}">{}{}</div>').format(kind, heading, inner)


def _concat(parts: Iterable[Markup]) -> Markup:
    return Markup("").join(parts)


def _table(head: Iterable[Markup], rows: Iterable[Markup], columns: Markup | None = None) -> Markup:
    return Markup("<table>{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        columns or Markup(), _concat(head), _concat(rows)
    )


def _cells(tag: str, values: Iterable[object]) -> Markup:
    cell = Markup("<{0}>{1}</{0}>")
    return _concat(cell.format(Markup(tag), value) for value in values)


def share(value: float, whole: float) -> int:
    """A value's flex share (``g0`` to ``g40``); anything above nothing gets at least 1."""
    if value <= 0 or whole <= 0:
        return 0
    return max(1, min(SHARES, round(value / whole * SHARES)))


# -- bars -------------------------------------------------------------------------------


@WEB.draws(Bars)
def _bars(block: Bars, t: Translator) -> Markup:
    return bars_rows(block, figures.bars(block, t))


def bars_rows(
    block: Bars, shown: Sequence[figures.BarFigure], *, title: str | None = None
) -> Markup:
    """Bars drawn from figures of the whole block: a piece of the bars keeps their scale
    and shares."""
    unit = figures.bars_unit(block)
    caption = Markup('<p class="unit">{}</p>').format(unit) if unit else Markup()
    rows = []
    for bar in shown:
        percent = Markup(' <span class="pc">{}</span>').format(bar.share) if bar.share else Markup()
        rows.append(
            Markup(
                '<li{}><span class="label" dir="auto">{}</span>{}<span class="n">{}{}</span></li>'
            ).format(
                Markup(' class="mark"') if bar.marked else Markup(),
                one_line(bar.label),
                _bar_svg(bar.fraction, bar.marked),
                bar.number,
                percent,
            )
        )
    kind = "bars two" if len(block.rows) > TWO_COLUMNS_OVER else "bars"
    heading = block.title if title is None else title
    return _block(kind, heading, caption + Markup("<ul>{}</ul>").format(_concat(rows)))


def _bar_svg(fraction: float, marked: bool) -> Markup:
    return Markup(
        '<svg class="bar{}" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="100" height="10" class="track"/><rect width="{:.2f}" height="10"/></svg>'
    ).format(Markup(" mark") if marked else Markup(), max(0.0, min(1.0, fraction)) * 100)


# -- spreads: a column chart for one row, stacked bars for several ------------------------


@WEB.draws(Spread)
def _spread(block: Spread, t: Translator) -> Markup:
    rows = figures.spread(block, t)
    names = figures.point_names(block)
    if len(rows) == 1:
        return _columns(block, rows[0], names)
    return _stacked(block, rows, names, t)


def _key(names: list[str], *, named_only: bool = False, swatches: bool = False) -> Markup:
    """The scale's points with their words ("1 Not at all"): a legend under a chart."""
    items = []
    for index, name in enumerate(names):
        point, _, words = name.partition(" ")
        if named_only and not words:
            continue
        swatch = (
            Markup('<span class="sw s{}"></span>').format(_level(index, len(names)))
            if swatches
            else Markup()
        )
        items.append(Markup("<li>{}<b>{}</b> {}</li>").format(swatch, point, words))
    return Markup('<ul class="legend">{}</ul>').format(_concat(items)) if items else Markup()


def _columns(block: Spread, row: figures.SpreadFigure, names: list[str]) -> Markup:
    """One row of a scale as columns, one per point: how many gave each."""
    columns = []
    for name, count in zip(names, row.counts, strict=False):
        columns.append(
            Markup(
                '<li><span class="n">{}</span><span class="col"><span class="g{}"></span>'
                '<span class="bar g{}"></span></span><span class="pt">{}</span></li>'
            ).format(
                count,
                SHARES - share(count, row.peak),
                share(count, row.peak),
                name.partition(" ")[0],
            )
        )
    label = row.label if row.label.strip() and row.label != block.title else ""
    caption = (
        Markup('<p class="rowlabel" dir="auto">{}</p>').format(one_line(label)) if label else ""
    )
    inner = Markup("{}<ol>{}</ol>{}").format(
        caption, _concat(columns), _key(names, named_only=True)
    )
    return _block("spread cols", block.title, inner)


NUMBER_FROM = 2
"""A stacked bar's segment shows its count from this share (of 40) up: narrower ones
are too narrow to read, and the legend and the mean still tell."""


def _stacked(
    block: Spread, rows: list[figures.SpreadFigure], names: list[str], t: Translator
) -> Markup:
    """Each row as a bar split by point (the lowest point first), and its mean."""
    levels = len(names)
    lines = []
    for row in rows:
        segments = []
        for index, count in enumerate(row.counts):
            part = share(count, row.total)
            segments.append(
                Markup('<span class="s{} g{}">{}</span>').format(
                    _level(index, levels), part, count if part >= NUMBER_FROM else ""
                )
            )
        lines.append(
            Markup(
                '<li><span class="label" dir="auto">{}</span><span class="stack">{}</span>'
                '<span class="n">{}</span></li>'
            ).format(one_line(row.label), _concat(segments), row.mean_text)
        )
    keys = Markup('<div class="keys">{}<span class="mean">{}</span></div>').format(
        _key(names, swatches=True), t.gettext("mean")
    )
    return _block("spread rows", block.title, keys + Markup("<ul>{}</ul>").format(_concat(lines)))


def _level(index: int, levels: int) -> int:
    """A point's shade, ``s0`` (the lowest point) to ``s4`` (the highest)."""
    if levels <= 1:
        return 4
    return round(index / (levels - 1) * 4)


# -- heat map -----------------------------------------------------------------------------


@WEB.draws(Heatmap)
def _heatmap(block: Heatmap, t: Translator) -> Markup:
    peak = figures.heat_peak(block)
    corner = " / ".join(one_line(x) for x in (block.row_title, block.column_title) if x.strip())
    head = [
        Markup('<th class="corner">{}</th>').format(corner),
        _cells("th", map(one_line, block.column_labels)),
    ]
    rows = []
    for label, counts in zip(block.row_labels, block.cells, strict=False):
        cells = _concat(
            Markup('<td class="h{}">{}</td>').format(
                figures.shade(count, peak, HEAT_LEVELS), t.number(count)
            )
            for count in counts
        )
        rows.append(Markup('<tr><th dir="auto">{}</th>{}</tr>').format(one_line(label), cells))
    # Fixed columns: every count gets the same width, whatever its label's length.
    columns = Markup('<colgroup><col class="rh">{}</colgroup>').format(
        Markup("<col>") * len(block.column_labels)
    )
    return _block("heat", block.title, _table(head, rows, columns))


# -- scatter ------------------------------------------------------------------------------

# The scatter plot's frame in SVG user units; the svg is drawn at most 26rem tall and,
# beside another block, 31rem wide: a unit is then 1.08 px at 720p, so the 13.5-unit type
# is no smaller than 14 px, and a word of ten letters fits between two ticks.
SCATTER_WIDTH, SCATTER_HEIGHT = 460.0, 330.0
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 78.0, 436.0, 6.0, 250.0
SMALLEST_MARK, LARGEST_MARK = 9.0, 16.0
INSET = LARGEST_MARK + 3
TYPE_SIZE = 13.5


def _plot_x(fraction: float) -> float:
    return PLOT_LEFT + INSET + fraction * (PLOT_RIGHT - PLOT_LEFT - 2 * INSET)


def _plot_y(fraction: float) -> float:
    return PLOT_BOTTOM - INSET - fraction * (PLOT_BOTTOM - PLOT_TOP - 2 * INSET)


def _tick_lines(label: str, room: float) -> list[str]:
    """A tick label over lines no wider than ``room``: its number, then its words
    ("1", "Very", "unlikely")."""
    label = one_line(label)
    point, _, words = label.partition(" ")
    if not (words and point.replace(",", "").replace(".", "").isdigit()):
        point, words = "", label
    lines = [point] if point else []
    for word in words.split():
        if lines and lines[-1] != point and text_width(f"{lines[-1]} {word}", TYPE_SIZE) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _spans(x: float, lines: list[str]) -> Markup:
    return _concat(
        Markup('<tspan x="{:.1f}" dy="{}">{}</tspan>').format(x, 0 if i == 0 else TYPE_SIZE, line)
        for i, line in enumerate(lines)
    )


def _scatter_axes(block: Scatter) -> Markup:
    """Grid lines and tick labels at each tick, and the two axis titles."""
    parts = [
        Markup('<rect class="frame" x="{}" y="{}" width="{}" height="{}"/>').format(
            PLOT_LEFT, PLOT_TOP, PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP
        )
    ]
    x_ticks = figures.ticks(block.x_labels, *block.x_range)
    room = (PLOT_RIGHT - PLOT_LEFT - 2 * INSET) / max(1, len(x_ticks) - 1) - 4
    for fraction, label in x_ticks:
        x = _plot_x(fraction)
        parts.append(
            Markup(
                '<line class="grid" x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}"/>'
                '<text class="tick" y="{3}" text-anchor="middle">{4}</text>'
            ).format(
                x,
                PLOT_TOP,
                PLOT_BOTTOM,
                PLOT_BOTTOM + TYPE_SIZE + 2,
                _spans(x, _tick_lines(label, room)),
            )
        )
    for fraction, label in figures.ticks(block.y_labels, *block.y_range):
        y = _plot_y(fraction)
        lines = _tick_lines(label, PLOT_LEFT - 26)
        parts.append(
            Markup(
                '<line class="grid" x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}"/>'
                '<text class="tick" y="{3:.1f}" text-anchor="end">{4}</text>'
            ).format(
                PLOT_LEFT,
                y,
                PLOT_RIGHT,
                y + 4.5 - (len(lines) - 1) * TYPE_SIZE / 2,
                _spans(PLOT_LEFT - 6, lines),
            )
        )
    parts.append(
        Markup(
            '<text class="axis" x="{:.1f}" y="{}" text-anchor="middle">{} →</text>'
            '<text class="axis" transform="rotate(-90)" x="{:.1f}" y="{}"'
            ' text-anchor="middle">{} →</text>'
        ).format(
            (PLOT_LEFT + PLOT_RIGHT) / 2,
            SCATTER_HEIGHT - 5,
            one_line(block.x_title),
            -(PLOT_TOP + PLOT_BOTTOM) / 2,
            TYPE_SIZE + 1,
            one_line(block.y_title),
        )
    )
    return _concat(parts)


def _scatter_marks(
    block: Scatter,
) -> list[tuple[figures.PointFigure, tuple[float, float, float], Place | None, Place | None]]:
    """Each point (biggest first) with its circle (x, y, radius), its name's place, and,
    where no place beside it is clear for the name, its number's place (``None``: on the
    circle): such points are numbered and named under the plot."""
    points = sorted(figures.scatter(block), key=lambda p: -p.size)  # big first, small on top
    marks = [
        (
            _plot_x(p.x),
            _plot_y(p.y),
            SMALLEST_MARK + (LARGEST_MARK - SMALLEST_MARK) * math.sqrt(p.size),
        )
        for p in points
    ]
    frame = (PLOT_LEFT, PLOT_TOP, PLOT_RIGHT, PLOT_BOTTOM)
    taken: list[tuple[float, float, float, float]] = []
    names = place_labels(
        [(x, y, r, one_line(p.label)) for (x, y, r), p in zip(marks, points, strict=True)],
        frame=frame,
        size=TYPE_SIZE,
        avoid=taken,
    )
    numbers: list[Place | None] = [None] * len(points)
    unnamed = [i for i, place in enumerate(names) if place is None and one_line(points[i].label)]
    numbered = place_labels(
        [(*marks[i], str(n)) for n, i in enumerate(unnamed, start=1)],
        frame=frame,
        size=TYPE_SIZE,
        avoid=taken,
    )
    for i, place in zip(unnamed, numbered, strict=True):
        numbers[i] = place
    return list(zip(points, marks, names, numbers, strict=True))


def scatter_named_below(block: Scatter) -> list[str]:
    """The points named under the plot rather than beside their marks."""
    return [
        one_line(point.label)
        for point, _, place, _ in _scatter_marks(block)
        if place is None and one_line(point.label)
    ]


@WEB.draws(Scatter)
def _scatter(block: Scatter, t: Translator) -> Markup:
    circles: list[Markup] = []
    badges: list[Markup] = []
    labels: list[Markup] = []
    legend: list[Markup] = []
    for point, (x, y, radius), place, number_place in _scatter_marks(block):
        name, count = one_line(point.label), t.number(point.count)
        circles.append(
            Markup(
                '<g class="pt"><title>{}</title><circle cx="{:.1f}" cy="{:.1f}" r="{:.1f}"/></g>'
            ).format(f"{name}: {count}" if name else count, x, y, radius)
        )
        if place is not None:
            labels.append(
                Markup(
                    '<text class="name" x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>'
                ).format(*place, name)
            )
        elif name:  # no room beside the point: a number by it, and its name below the plot
            number = len(legend) + 1
            legend.append(Markup("<li><b>{}</b> {} ({})</li>").format(number, name, count))
            if number_place is None:  # not even for a number: on the circle itself
                number_place = (x, y + 4.5, "middle")
                css = "n"
            else:
                css = "name"
            badges.append(
                Markup('<text class="{}" x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>').format(
                    css, *number_place, number
                )
            )
    # Numbers and names over every circle, so a point hidden by a bigger one stays named.
    drawn = circles + badges + labels
    svg = Markup(
        '<svg viewBox="0 0 {:g} {:g}" role="img" direction="ltr" aria-label="{}">{}{}</svg>'
    ).format(
        SCATTER_WIDTH,
        SCATTER_HEIGHT,
        one_line(block.title or f"{block.x_title} / {block.y_title}"),
        _scatter_axes(block),
        _concat(drawn),
    )
    named = Markup('<ol class="named">{}</ol>').format(_concat(legend)) if legend else Markup()
    return _block("scatter", block.title, svg + named)


# -- words, texts, tables, radar, notes -----------------------------------------------------


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
    rows = [
        Markup("<tr>{}</tr>").format(
            _concat(Markup('<td dir="auto">{}</td>').format(one_line(cell)) for cell in row)
        )
        for row in block.rows
    ]
    return _block("table", block.title, _table([_cells("th", map(one_line, block.headers))], rows))


RADAR_CENTRE, RADAR_RADIUS, RADAR_LABEL_RADIUS = 100.0, 70.0, 84.0


def _radar_point(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return RADAR_CENTRE + radius * math.cos(angle), RADAR_CENTRE + radius * math.sin(angle)


def _polygon(css: str, points: Iterable[tuple[float, float]]) -> Markup:
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return Markup('<polygon class="{}" points="{}"/>').format(css, coordinates)


def _radar_anchor(x: float) -> str:
    if x < RADAR_CENTRE - 5:
        return "end"
    if x > RADAR_CENTRE + 5:
        return "start"
    return "middle"


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
    labels = []
    for i, axis in enumerate(block.axes):
        x, y = _radar_point(i, count, RADAR_LABEL_RADIUS)
        labels.append(
            Markup('<text x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>').format(
                x, y + 3, _radar_anchor(x), one_line(axis)
            )
        )
    svg = Markup('<svg viewBox="-60 0 320 200" role="img" aria-label="{}">{}{}{}</svg>').format(
        one_line(block.title), rings, values, _concat(labels)
    )
    return _block("radar", block.title, svg)


@WEB.draws(Note)
def _note(block: Note, t: Translator) -> Markup:
    return Markup('<p class="block note" dir="auto">{}</p>').format(one_line(block.text))


def render_view(view: Iterable[Block], t: Translator) -> Markup:
    """A result's blocks as HTML, one after another."""
    return _concat(WEB.draw(block, t) for block in view)
