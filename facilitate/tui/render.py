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
        total = sum(values)
        top = max(values) or 1.0
        counts = [
            f"{_number(v)}" + (f" {round(100 * v / total)}%" if total else "") for v in values
        ]
        count_width = max(len(c) for c in counts)
        labels = [line(("✓ " if row.marked else "") + row.label) for row in rows]
        label_width = min(max(len(label) for label in labels), max(8, width // 3))
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


def _spread(block: Spread) -> RenderableType:
    table = RichTable(box=None, pad_edge=False, show_edge=False, expand=False)
    table.add_column("")
    labels = block.point_labels or tuple(str(p) for p in block.points)
    for point_label in labels:
        table.add_column(line(point_label), justify="right", overflow="ellipsis", max_width=12)
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


def _heatmap(block: Heatmap) -> RenderableType:
    table = RichTable(box=None, pad_edge=False, show_edge=False)
    corner = line(
        block.row_title
        + (" \\ " if block.row_title and block.column_title else "")
        + block.column_title
    )
    table.add_column(corner)
    for label in block.column_labels:
        table.add_column(line(label), justify="center", overflow="ellipsis", max_width=14)
    peak = max((c for row in block.cells for c in row), default=0) or 1
    for label, row in zip(block.row_labels, block.cells, strict=False):
        cells = []
        for count in row:
            shade = RAMP[min(len(RAMP) - 1, math.ceil(count / peak * (len(RAMP) - 1)))]
            ink = "#000000" if RAMP.index(shade) < 3 else "#ffffff"
            cells.append(Text(f" {count} ", style=f"bold {ink} on {shade}"))
        table.add_row(line(label), *cells)
    return table


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
        body = _spread(block)
    elif isinstance(block, Heatmap):
        body = _heatmap(block)
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
