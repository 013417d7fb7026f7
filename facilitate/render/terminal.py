"""View blocks as Rich renderables, for the console and the terminal projector.

One drawing function per block kind, registered on :data:`TERMINAL`; :func:`render_view`
draws a whole view. The figures (shares, means, point names, shades) come from
:mod:`facilitate.render.figures`, so the terminal prints what the web page and the
report print; the drawing's own words ("mean", "no words yet") come from the translator
it is given: the room's on the projector, the facilitator's on the console.

Every string that reaches the terminal from here is stripped of control characters and
bidi overrides and goes into a ``Text`` object, never through markup, so participant
text shows literally and cannot move the cursor, write the clipboard or fire an action.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from facilitate.i18n import Translator, translator
from facilitate.render import Medium
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

# Okabe-Ito, a palette people with any common colour-vision deficiency can tell apart.
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SERIES = (SKY_BLUE, ORANGE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE)

# A single-hue sequential ramp (light to dark blue) for counts in a grid.
RAMP = ("#f7fbff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
DARK_INK_SHADES = 3
"""The lightest shades of the ramp take black digits, the darker ones white."""

_EIGHTHS = " ▏▎▍▌▋▊▉"


def safe(text: object) -> str:
    """A string fit for the terminal: no control characters, no bidi overrides."""
    return strip_controls(str(text))


def plain(text: object, style: str = "") -> Text:
    """Untrusted or not, text as a ``Text`` object: never parsed as markup."""
    return Text(safe(text), style=style)


def line(text: object, style: str = "") -> Text:
    """Text squeezed to one line (lists, labels, titles)."""
    return Text(one_line(str(text)), style=style)


def bar(fraction: float, width: int) -> str:
    """A horizontal bar ``fraction`` of ``width`` cells long, to an eighth of a cell."""
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _truncate(text: Text, width: int) -> Text:
    text = text.copy()
    text.truncate(max(1, width), overflow="ellipsis")
    return text


def _unknown(block: object, t: Translator, *, big: bool = False) -> RenderableType:
    """A block kind this version does not know (a newer plugin's): say so, do not fail."""
    kind = type(block).__name__
    return Text(t.gettext("({kind} cannot be drawn here)", kind=kind), style="italic")


TERMINAL: Medium[RenderableType] = Medium("terminal", _unknown)


# -- bars ------------------------------------------------------------------------------


class BarsRenderable:
    """Labelled horizontal bars that use whatever width they are given."""

    def __init__(
        self, block: Bars, t: Translator, *, big: bool = False, rows: range | None = None
    ) -> None:
        self.block = block
        self.t = t
        self.big = big
        self.rows = rows
        """Only these bars (a page's share), drawn to the whole block's scale and widths."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from facilitate.render import figures

        shown = figures.bars(self.block, self.t)
        if not shown:
            yield Text(self.t.gettext("no options"), style="italic")
            return
        width = options.max_width
        counts = [f"{b.number} {b.share}" if b.share else b.number for b in shown]
        count_width = max(len(c) for c in counts)
        unit = figures.bars_unit(self.block)
        if unit:
            # Points, risk scores, marks: say what the numbers are, above their column.
            legend = line(unit, style="dim")
            legend.truncate(width, overflow="ellipsis")
            legend.justify = "right"
            yield legend
        labels = [line(("✓ " if b.marked else "") + b.label) for b in shown]
        # Bars keep at least a third of the width; labels may take the rest, so an
        # option reads whole wherever it can.
        room = width - count_width - 3 - max(10, width // 3)
        longest = max(len(label) for label in labels)
        stacked = longest > max(8, room)
        label_width = width if stacked else min(longest, max(8, room))
        bar_width = max(4, width - count_width - 3 - (0 if stacked else label_width))
        for index, (figure, label, count) in enumerate(zip(shown, labels, counts, strict=True)):
            if self.rows is not None and index not in self.rows:
                continue
            colour = GREEN if figure.marked else SKY_BLUE
            label = _truncate(label, label_width)
            if figure.marked:
                label.stylize("bold")
            drawn = bar(figure.fraction, bar_width)
            tail = Text.assemble(
                (drawn, colour),
                " " * (bar_width - len(drawn) + 1),
                (count.rjust(count_width), "bold"),
            )
            if stacked:  # options too long to sit beside their bars: each on its own line
                yield label
                yield Text.assemble("  ", tail)
                continue
            label.pad_right(label_width - len(label))
            yield Text.assemble(label, " ", tail)
            if self.big:
                yield Text.assemble(" " * (label_width + 1), (drawn, colour))


@TERMINAL.draws(Bars)
def _bars(block: Bars, t: Translator, *, big: bool = False) -> RenderableType:
    return BarsRenderable(block, t, big=big)


# -- spread ----------------------------------------------------------------------------


@TERMINAL.draws(Spread)
def _spread(block: Spread, t: Translator, *, big: bool = False) -> RenderableType:
    from facilitate.render import figures

    if len(block.rows) == 1:
        return _one_spread(block, t, big=big)
    table = RichTable(box=None, pad_edge=False, show_edge=False, expand=False)
    # The statement may wrap; the scale's headers stay on one line each, cut if need be.
    table.add_column("", ratio=1, min_width=12)
    for name in figures.point_names(block):
        table.add_column(
            line(name), justify="right", overflow="ellipsis", no_wrap=True, max_width=10
        )
    table.add_column(line(t.gettext("mean")), justify="right")
    table.add_column("")
    for row in figures.spread(block, t):
        cells = [
            Text(t.number(count), style=f"bold {SKY_BLUE}" if count == row.peak and count else "")
            for count in row.counts
        ]
        if row.mean is None:
            table.add_row(line(row.label), *cells, Text(row.mean_text), Text(""))
        else:
            table.add_row(
                line(row.label),
                *cells,
                Text(row.mean_text, style="bold"),
                Text(bar(row.fraction, 12), style=ORANGE),
            )
    return table


def _one_spread(block: Spread, t: Translator, *, big: bool) -> RenderableType:
    """One statement (a scale question): a bar for each point reads best at any width."""
    from facilitate.render import figures

    row = block.rows[0]
    bars = Bars(
        [
            Bar(name, count)
            for name, count in zip(figures.point_names(block), row.counts, strict=False)
        ],
        of_answers=True,
    )
    drawn = BarsRenderable(bars, t, big=big)
    # The title names the statement already; on the projector, so does the question.
    if block.title or not row.label or big:
        return drawn
    return Group(line(row.label, style="bold"), drawn)


# -- heat map --------------------------------------------------------------------------


class HeatmapRenderable:
    """A grid of counts whose labels stay on one line each, cut short on a narrow screen."""

    def __init__(self, block: Heatmap, t: Translator) -> None:
        self.block = block
        self.t = t

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield _heatmap_table(self.block, self.t, options.max_width)


def _heatmap_table(block: Heatmap, t: Translator, width: int) -> RenderableType:
    from facilitate.render import figures

    columns = max(1, len(block.column_labels))
    longest = max((len(one_line(label)) for label in block.row_labels), default=4)
    # Row labels ("5 Critical") read whole wherever the cells can still take 3 columns.
    # Each column is padded by one cell either side (but the outer edges): 2 a column.
    label_width = max(1, min(longest, max(6, width - columns * 5)))
    cell_width = max(3, min(16, (width - label_width - 2 * columns) // columns))
    table = RichTable(
        box=None,
        pad_edge=False,
        show_edge=False,
        title=line(f"{block.column_title} →") if block.column_title else None,
        title_justify="right",
        title_style="",
    )
    table.add_column(
        line(f"{block.row_title} ↓") if block.row_title else "",
        no_wrap=True,
        overflow="ellipsis",
        width=label_width,
    )
    # Column labels that do not fit become numbers, spelled out in a legend underneath.
    numbered = any(len(one_line(label)) > cell_width for label in block.column_labels)
    for number, label in enumerate(block.column_labels, start=1):
        table.add_column(
            str(number) if numbered else line(label),
            justify="center",
            no_wrap=True,
            overflow="ellipsis",
            width=cell_width,
        )
    peak = figures.heat_peak(block)
    for label, row in zip(block.row_labels, block.cells, strict=False):
        cells = []
        for count in row:
            level = figures.shade(count, peak, len(RAMP))
            ink = "#000000" if level < DARK_INK_SHADES else "#ffffff"
            cells.append(Text(f" {t.number(count)} ", style=f"bold {ink} on {RAMP[level]}"))
        table.add_row(line(label), *cells)
    if not numbered:
        return table
    legend = numbered_legend([one_line(label) for label in block.column_labels])
    return Group(table, *_flowed(legend, width, style="dim"))


def _without_number(label: str, number: int) -> str:
    """ "1 Very unlikely" -> "Very unlikely", so the legend does not say "1 1 Very ..."."""
    prefix = f"{number} "
    if label.strip() == str(number):
        return ""
    return label[len(prefix) :].strip() if label.startswith(prefix) else label


def numbered_legend(labels: list[str]) -> list[Text]:
    """What the numbers of numbered ticks or columns stand for: only those with a name
    ("1 Very unlikely   5 Very likely", never "2 2 3 3")."""
    entries = []
    for number, label in enumerate(labels, start=1):
        name = _without_number(label, number)
        if name:
            entries.append(Text.assemble(f"{number} ", line(name)))
    return entries


@TERMINAL.draws(Heatmap)
def _heatmap(block: Heatmap, t: Translator, *, big: bool = False) -> RenderableType:
    return HeatmapRenderable(block, t)


# -- scatter ---------------------------------------------------------------------------


MARKER_KEYS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz"
"""What marks each labelled point on the plot and in its legend: letters, since numbers
are the axes' ticks and the counts (no I, O, i, l, o: they read as 1 and 0)."""


class ScatterRenderable:
    """Points on a character grid between two labelled axes, with a legend of what each is.

    Labelled points (threats, actors) are marked by a key spelled out in the legend with
    their counts; unlabelled ones (ratings) show their counts on the plot. Bigger counts
    are drawn bolder, but the number always says it too.
    """

    def __init__(
        self, block: Scatter, t: Translator, *, big: bool = False, rows: int | None = None
    ) -> None:
        self.block = block
        self.t = t
        self.big = big
        self.rows = rows
        """The plot's height in lines, if a page has less room than it would take."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from facilitate.render import figures

        block, width = self.block, options.max_width
        y_ticks = figures.ticks(block.y_labels, *block.y_range)
        x_ticks = figures.ticks(block.x_labels, *block.x_range)
        y_names = [one_line(label) for _, label in y_ticks]
        margin = min(max((len(name) for name in y_names), default=0), max(4, width // 3))
        plot = Plot(max(8, width - margin - 2), self.plot_rows(len(y_ticks)))
        for fx, _ in x_ticks:
            for fy, _ in y_ticks:
                plot.put(plot.row(fy), plot.column(fx), "·", "dim")
        legend = self._mark_points(plot)
        if block.y_title:
            yield line(f"{block.y_title} ↑", style="dim")
        at_row = {plot.row(fy): name for (fy, _), name in zip(y_ticks, y_names, strict=True)}
        for row, cells in enumerate(plot.cells):
            name = _truncate(Text(at_row.get(row, "")), margin) if margin else Text("")
            name.align("right", margin)
            yield Text.assemble(name, (" │", "dim"), *cells)
        yield Text(" " * margin + " └" + "─" * plot.width, style="dim")
        yield from self._x_axis(plot, margin, x_ticks)
        if block.x_title:
            yield Text(one_line(f"{block.x_title} →"), style="dim", justify="right")
        yield from _flowed(legend, width)

    def plot_rows(self, ticks: int) -> int:
        """How many lines the plot takes for this many ticks on its y axis."""
        if self.rows is not None:
            return max(ticks, 3, self.rows)
        if ticks <= 2:
            return 13 if self.big else 9
        return min(19, max(5, (3 if self.big else 2) * (ticks - 1) + 1))

    def _mark_points(self, plot: Plot) -> list[Text]:
        """Put each point on the plot; returns the legend's entries."""
        from facilitate.render import figures

        shown = figures.scatter(self.block)
        labelled = any(point.label.strip() for point in shown)
        by_cell: dict[tuple[int, int], list[int]] = {}
        for index, point in enumerate(shown):
            by_cell.setdefault((plot.row(point.y), plot.column(point.x)), []).append(index)
        for (row, column), indexes in by_cell.items():
            if labelled:
                mark = ",".join(_key(index) for index in indexes)
            else:
                mark = self.t.number(sum(shown[index].count for index in indexes))
            size = max(shown[index].size for index in indexes)
            style = (
                f"bold reverse {ORANGE}"
                if size > 2 / 3
                else f"bold {ORANGE}"
                if size > 1 / 3
                else ORANGE
            )
            plot.write(row, column, mark, style)
        if not labelled:
            return []
        return [
            Text.assemble(
                (_key(index), f"bold {ORANGE}"),
                " ",
                line(point.label),
                (f" ×{self.t.number(point.count)}", SKY_BLUE),
            )
            for index, point in enumerate(shown)
        ]

    def _x_axis(self, plot: Plot, margin: int, ticks: list[tuple[float, str]]) -> RenderResult:
        """The x axis's tick labels under their columns; numbered with a legend if too long."""
        names = [one_line(label) for _, label in ticks]
        axis = _tick_line(plot, ticks, names)
        numbered = axis is None
        if axis is None:
            axis = _tick_line(plot, ticks, [str(n) for n in range(1, len(names) + 1)]) or ""
        yield Text(" " * (margin + 2) + axis, style="dim")
        if numbered:
            entries = numbered_legend(names)
            yield from _flowed(entries, plot.width, indent=margin + 2, style="dim")


def _tick_line(plot: Plot, ticks: list[tuple[float, str]], names: list[str]) -> str | None:
    """Tick labels centred under their columns, or ``None`` if two would touch."""
    axis = [" "] * plot.width
    end = -1
    for (fx, _), name in zip(ticks, names, strict=True):
        start = min(max(0, plot.column(fx) - len(name) // 2), max(0, plot.width - len(name)))
        if start <= end or len(name) > plot.width:
            return None
        axis[start : start + len(name)] = name
        end = start + len(name)
    return "".join(axis)


class Plot:
    """A grid of styled characters, row 0 at the top (the high end of the y axis)."""

    def __init__(self, width: int, rows: int) -> None:
        self.width = width
        self.rows = rows
        self.cells: list[list[tuple[str, str]]] = [[(" ", "")] * width for _ in range(rows)]

    def row(self, fraction: float) -> int:
        return round((1 - fraction) * (self.rows - 1))

    def column(self, fraction: float) -> int:
        return round(fraction * (self.width - 1))

    def put(self, row: int, column: int, char: str, style: str) -> None:
        self.cells[row][column] = (char, style)

    def write(self, row: int, column: int, text: str, style: str) -> None:
        """``text`` from ``column`` on, moved left where it would run off the plot."""
        text = text[: self.width]
        start = min(column, self.width - len(text))
        for offset, char in enumerate(text):
            self.put(row, start + offset, char, style)


def _key(index: int) -> str:
    return MARKER_KEYS[index] if index < len(MARKER_KEYS) else "•"


def _flowed(entries: list[Text], width: int, *, indent: int = 0, style: str = "") -> Iterator[Text]:
    """Entries side by side, three spaces apart, never split across lines."""
    current = Text(" " * indent, style=style)
    for entry in entries:
        entry = _truncate(entry, width)
        if len(current) > indent and len(current) + 3 + len(entry) > width + indent:
            yield current
            current = Text(" " * indent, style=style)
        if len(current) > indent:
            current.append("   ")
        current.append_text(entry)
    if len(current) > indent:
        yield current


@TERMINAL.draws(Scatter)
def _scatter(block: Scatter, t: Translator, *, big: bool = False) -> RenderableType:
    return ScatterRenderable(block, t, big=big)


# -- words and texts -------------------------------------------------------------------


class WordsRenderable:
    """Words by frequency, flowed into centred lines; a phrase is never split."""

    def __init__(self, block: Words, t: Translator) -> None:
        self.block = block
        self.t = t

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from facilitate.render import figures

        words = figures.words(self.block)
        if not words:
            yield Text(self.t.gettext("no words yet"), style="italic")
            return
        width = options.max_width
        peak = words[0][1] or 1
        current = Text(justify="center")
        for word, count in words:
            share = count / peak
            style = (
                f"bold reverse {YELLOW}"
                if share > 0.75
                else f"bold {YELLOW}"
                if share > 0.4
                else ""
            )
            chip = Text.assemble((word, style), (f" ×{self.t.number(count)}", SKY_BLUE))
            chip.truncate(width, overflow="ellipsis")
            if current and len(current) + 3 + len(chip) > width:
                yield current
                current = Text(justify="center")
            if current:
                current.append("   ")
            current.append_text(chip)
        if current:
            yield current


@TERMINAL.draws(Words)
def _words(block: Words, t: Translator, *, big: bool = False) -> RenderableType:
    return WordsRenderable(block, t)


@TERMINAL.draws(Texts)
def _texts(block: Texts, t: Translator, *, big: bool = False) -> RenderableType:
    if not block.texts:
        return Text(t.gettext("nothing approved yet"), style="italic")
    table = RichTable.grid(padding=(0, 1))
    table.add_column(width=1)
    table.add_column(ratio=1)
    for text in block.texts:
        table.add_row(Text("•", style=SKY_BLUE), plain(text))
    return table


# -- tables, radar, notes ----------------------------------------------------------------


@TERMINAL.draws(Table)
def _table(block: Table, t: Translator, *, big: bool = False) -> RenderableType:
    table = RichTable(box=None, header_style="bold", pad_edge=False)
    for header in block.headers:
        table.add_column(line(header), overflow="fold")
    for row in block.rows:
        table.add_row(*(plain(cell) for cell in row))
    return table


@TERMINAL.draws(Radar)
def _radar(block: Radar, t: Translator, *, big: bool = False) -> RenderableType:
    from facilitate.render import figures

    table = RichTable.grid(padding=(0, 1))
    table.add_column()
    table.add_column(width=20)
    table.add_column(justify="right")
    fractions = figures.radar(block)
    for axis, fraction, value in zip(block.axes, fractions, block.values, strict=False):
        table.add_row(line(axis), Text(bar(fraction, 20), style=SKY_BLUE), Text(t.number(value)))
    return table


@TERMINAL.draws(Note)
def _note(block: Note, t: Translator, *, big: bool = False) -> RenderableType:
    return line(block.text, style="italic")


# -- whole views -------------------------------------------------------------------------


def render_block(block: Block | Any, t: Translator, *, big: bool = False) -> RenderableType:
    """One block under its title; ``big`` doubles bar thickness for the projector."""
    body = TERMINAL.draw(block, t, big=big)
    title = getattr(block, "title", "")
    if title:
        return Group(line(title, style="bold"), body)
    return body


def render_view(
    view: Iterable[Block], t: Translator | None = None, *, big: bool = False
) -> RenderableType:
    """A whole view: its blocks one under another with a blank line between.

    ``t`` gives the drawing's own words and number formats: the room's language on the
    projector, the facilitator's on the console (English when not given, as in tests).
    """
    t = t or translator("en")
    parts: list[RenderableType] = []
    for index, block in enumerate(view):
        parts.append(Padding(render_block(block, t, big=big), (1 if index else 0, 0, 0, 0)))
    return Group(*parts)
