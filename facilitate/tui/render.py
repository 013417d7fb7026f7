"""Draw :mod:`facilitate.views` blocks as Rich renderables for the console and the projector.

Every string that reaches the terminal from here goes through :func:`safe` (control
characters and bidi overrides stripped) and into a ``Text`` object, never through markup,
so participant text shows literally and cannot move the cursor, write the clipboard or
fire a Textual action.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from facilitate.text import one_line, strip_controls
from facilitate.views import (
    Bar,
    Bars,
    Block,
    Heatmap,
    Note,
    Radar,
    Spread,
    Table,
    Texts,
    View,
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


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _truncate(text: Text, width: int) -> Text:
    text = text.copy()
    text.truncate(max(1, width), overflow="ellipsis")
    return text


ANSWERS = "answers"


def share_of(block: Bars, values: list[float]) -> float:
    """What a bar's percentage is a share of, or 0 where a percentage means nothing.

    Only counts of answers make sense as shares: of all answers when each answer is one
    bar, of the answers given (not of the picks) when one answer can be in several bars.
    A share of a risk score, of Borda points or of marks would mislead, so those get none.
    """
    if block.answers is not None:
        return float(max(0, block.answers))
    if block.unit.strip() == ANSWERS:
        return sum(values)
    return 0.0


class BarsRenderable:
    """Labelled horizontal bars that use whatever width they are given."""

    def __init__(self, block: Bars, *, big: bool = False) -> None:
        self.block = block
        self.big = big

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = self.block.rows
        if not rows:
            yield Text("no options", style="italic")
            return
        width = options.max_width
        values = [max(0.0, float(row.value)) for row in rows]
        top = max(values) or 1.0
        whole = share_of(self.block, values)
        counts = [_number(v) + (f" {round(100 * v / whole)}%" if whole else "") for v in values]
        count_width = max(len(c) for c in counts)
        unit = self.block.unit.strip()
        if unit and unit != ANSWERS:
            # Points, risk scores, marks: say what the numbers are, above their column.
            legend = line(unit, style="dim")
            legend.truncate(width, overflow="ellipsis")
            legend.justify = "right"
            yield legend
        labels = [line(("✓ " if row.marked else "") + row.label) for row in rows]
        # Bars keep at least a third of the width; labels may take the rest, so an
        # option reads whole wherever it can.
        room = width - count_width - 3 - max(10, width // 3)
        longest = max(len(label) for label in labels)
        if longest > max(8, room):
            yield from self._stacked(rows, labels, values, counts, width)
            return
        label_width = min(longest, max(8, room))
        bar_width = max(4, width - label_width - count_width - 3)
        for row, label, value, count in zip(rows, labels, values, counts, strict=True):
            colour = GREEN if row.marked else SKY_BLUE
            label = _truncate(label, label_width)
            label.pad_right(label_width - len(label))
            if row.marked:
                label.stylize("bold")
            drawn = bar(value / top, bar_width)
            text = Text.assemble(
                label,
                " ",
                (drawn, colour),
                " " * (bar_width - len(drawn) + 1),
                (count.rjust(count_width), "bold"),
            )
            yield text
            if self.big:
                yield Text.assemble(" " * (label_width + 1), (drawn, colour))

    def _stacked(
        self,
        rows: tuple[Bar, ...],
        labels: list[Text],
        values: list[float],
        counts: list[str],
        width: int,
    ) -> RenderResult:
        """Options too long to sit beside their bars: each label on its own line above."""
        top = max(values) or 1.0
        count_width = max(len(c) for c in counts)
        bar_width = max(4, width - count_width - 3)
        for row, label, value, count in zip(rows, labels, values, counts, strict=True):
            colour = GREEN if row.marked else SKY_BLUE
            label = _truncate(label, width)
            if row.marked:
                label.stylize("bold")
            yield label
            drawn = bar(value / top, bar_width)
            yield Text.assemble(
                "  ",
                (drawn, colour),
                " " * (bar_width - len(drawn) + 1),
                (count.rjust(count_width), "bold"),
            )


def _spread(block: Spread, *, big: bool = False) -> RenderableType:
    if len(block.rows) == 1:
        return _one_spread(block, big=big)
    table = RichTable(box=None, pad_edge=False, show_edge=False, expand=False)
    # The statement may wrap; the scale's headers stay on one line each, cut if need be.
    table.add_column("", ratio=1, min_width=12)
    labels = block.point_labels or tuple(str(p) for p in block.points)
    for point_label in labels:
        table.add_column(
            line(point_label), justify="right", overflow="ellipsis", no_wrap=True, max_width=10
        )
    table.add_column("mean", justify="right")
    table.add_column("")
    low, high = (min(block.points), max(block.points)) if block.points else (0, 1)
    for row in block.rows:
        mean = row.mean(block.points)
        peak = max(row.counts, default=0) or 1
        cells = [
            Text(str(count), style=f"bold {SKY_BLUE}" if count == peak and count else "")
            for count in row.counts
        ]
        if mean is None:
            table.add_row(line(row.label), *cells, Text("–"), Text(""))
        else:
            fraction = (mean - low) / ((high - low) or 1)
            table.add_row(
                line(row.label),
                *cells,
                Text(f"{mean:.1f}", style="bold"),
                Text(bar(fraction, 12), style=ORANGE),
            )
    return table


def _one_spread(block: Spread, *, big: bool) -> RenderableType:
    """One statement (a scale question): a bar for each point reads best at any width."""
    row = block.rows[0]
    names = (
        block.point_labels
        if len(block.point_labels) == len(block.points)
        else ("",) * len(block.points)
    )
    bars = Bars(
        [
            Bar(f"{point} {name}" if name and name != str(point) else str(point), count)
            for point, name, count in zip(block.points, names, row.counts, strict=False)
        ],
        unit="answers",
    )
    # The title names the statement already; on the projector, so does the question.
    if block.title or not row.label or big:
        return BarsRenderable(bars, big=big)
    return Group(line(row.label, style="bold"), BarsRenderable(bars, big=big))


class HeatmapRenderable:
    """A grid of counts whose labels stay on one line each, cut short on a narrow screen."""

    def __init__(self, block: Heatmap) -> None:
        self.block = block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield _heatmap(self.block, options.max_width)


def _heatmap(block: Heatmap, width: int) -> RenderableType:
    columns = max(1, len(block.column_labels))
    longest = max((len(one_line(label)) for label in block.row_labels), default=4)
    label_width = min(longest, max(6, width // 4))
    cell_width = max(3, min(16, (width - label_width - columns) // columns))
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
    peak = max((c for row in block.cells for c in row), default=0) or 1
    for label, row in zip(block.row_labels, block.cells, strict=False):
        cells = []
        for count in row:
            shade = RAMP[min(len(RAMP) - 1, math.ceil(count / peak * (len(RAMP) - 1)))]
            ink = "#000000" if RAMP.index(shade) < 3 else "#ffffff"
            cells.append(Text(f" {count} ", style=f"bold {ink} on {shade}"))
        table.add_row(line(label), *cells)
    if not numbered:
        return table
    legend = Text(style="dim")
    for number, label in enumerate(block.column_labels, start=1):
        if number > 1:
            legend.append("  ")
        legend.append(f"{number} ")
        legend.append(line(_without_number(one_line(label), number)))
    return Group(table, legend)


def _without_number(label: str, number: int) -> str:
    """ "1 Very unlikely" -> "Very unlikely", so the legend does not say "1 1 Very ..."."""
    prefix = f"{number} "
    return label[len(prefix) :] if label.startswith(prefix) else label


class WordsRenderable:
    """Words by frequency, flowed into centred lines; a phrase is never split."""

    def __init__(self, block: Words) -> None:
        self.block = block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.block.words:
            yield Text("no words yet", style="italic")
            return
        width = options.max_width
        words = sorted(self.block.words, key=lambda wc: (-wc[1], wc[0]))
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
            chip = Text.assemble((one_line(word), style), (f" ×{count}", SKY_BLUE))
            chip.truncate(width, overflow="ellipsis")
            if current and len(current) + 3 + len(chip) > width:
                yield current
                current = Text(justify="center")
            if current:
                current.append("   ")
            current.append_text(chip)
        if current:
            yield current


def _texts(block: Texts) -> RenderableType:
    if not block.texts:
        return Text("nothing approved yet", style="italic")
    table = RichTable.grid(padding=(0, 1))
    table.add_column(width=1)
    table.add_column(ratio=1)
    for text in block.texts:
        table.add_row(Text("•", style=SKY_BLUE), plain(text))
    return table


def _table(block: Table) -> RenderableType:
    table = RichTable(box=None, header_style="bold", pad_edge=False)
    for header in block.headers:
        table.add_column(line(header), overflow="fold")
    for row in block.rows:
        table.add_row(*(plain(cell) for cell in row))
    return table


def _radar(block: Radar) -> RenderableType:
    span = (block.maximum - block.minimum) or 1.0
    rows = tuple(
        (axis, max(0.0, value - block.minimum) / span)
        for axis, value in zip(block.axes, block.values, strict=False)
    )
    table = RichTable.grid(padding=(0, 1))
    table.add_column()
    table.add_column(width=20)
    table.add_column(justify="right")
    for (axis, fraction), value in zip(rows, block.values, strict=False):
        table.add_row(line(axis), Text(bar(fraction, 20), style=SKY_BLUE), Text(f"{value:.1f}"))
    return table


def render_block(block: Block, *, big: bool = False) -> RenderableType:
    """One block, drawn; ``big`` doubles bar thickness for the projector."""
    if isinstance(block, Bars):
        body: RenderableType = BarsRenderable(block, big=big)
    elif isinstance(block, Spread):
        body = _spread(block, big=big)
    elif isinstance(block, Heatmap):
        body = HeatmapRenderable(block)
    elif isinstance(block, Words):
        body = WordsRenderable(block)
    elif isinstance(block, Texts):
        body = _texts(block)
    elif isinstance(block, Table):
        body = _table(block)
    elif isinstance(block, Radar):
        body = _radar(block)
    elif isinstance(block, Note):
        return line(block.text, style="italic")
    else:  # a block kind this version does not know: say so rather than fail
        return Text(f"({type(block).__name__} cannot be drawn here)", style="italic")
    title = getattr(block, "title", "")
    if title:
        return Group(line(title, style="bold"), body)
    return body


def render_view(view: View | Iterable[Block], *, big: bool = False) -> RenderableType:
    """A whole view: its blocks one under another with a blank line between."""
    parts: list[RenderableType] = []
    for index, block in enumerate(view):
        rendered = render_block(block, big=big)
        parts.append(Padding(rendered, (1 if index else 0, 0, 0, 0)))
    return Group(*parts)
