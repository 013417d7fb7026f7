"""Rich's :class:`~rich.table.Table`, drawn without measuring every cell twice.

The console's agenda is a borderless table of one-line cells that fills its panel, and it
is drawn again every second (its times move). Rich measures each cell, renders it into
its column and pads it, which cost the console about 3 ms a draw for a short agenda and
6 ms for a day's (most of the drawing before the console's first frame). A table of that
shape is drawn here directly, cell by cell, exactly as Rich draws it (the same widths,
justification, ellipses and styles, down to the styled spaces; ``tests/tui/test_quick_table``
compares the two). Any other table, or one too narrow for its fixed columns, is left to
Rich.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text


class QuickTable:
    """Draws ``table`` as Rich would, quickly when it is of the shape this module draws."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = _draw(self.table, console, options.max_width)
        if lines is None:
            yield self.table
            return
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line


def _drawable(table: Table) -> bool:
    """Whether the table has the shape drawn here: no box, edge, title or row styles, one
    column sharing the width, padding (0, 1), columns justified left or right, and cells
    of one line of plain text."""
    if (
        table.box is not None
        or table.pad_edge
        or not table.expand
        or table.title
        or table.caption
        or table.row_styles
        or table.min_width is not None
        or table.width is not None
        or tuple(table.padding) != (0, 1, 0, 1)
        or table.collapse_padding
        or table.style not in ("", "none", None)
        or table.leading
    ):
        return False
    columns = table.columns
    if len(columns) < 2 or sum(1 for column in columns if column.ratio) != 1:
        return False
    if any(
        column.ratio not in (None, 1)
        or column.style not in ("", None)
        or column.justify not in ("left", "default", "right")
        for column in columns
    ):
        return False
    if any(row.style is not None or row.end_section for row in table.rows):
        return False
    return all(_plain(cell) for column in columns for cell in _cells(table, column))


def _plain(cell: object) -> bool:
    """One line of text (a string with no markup or emoji codes Rich would read)."""
    if isinstance(cell, str):
        return not any(mark in cell for mark in "[:\n\t")
    return isinstance(cell, Text) and "\n" not in cell.plain and "\t" not in cell.plain


def _cells(table: Table, column: Column) -> Iterable[object]:
    if table.show_header:
        yield column.header
    yield from column.cells
    if table.show_footer:
        yield column.footer


def _draw(table: Table, console: Console, max_width: int) -> list[list[Segment]] | None:
    """The table's lines, or None if it is not one drawn here (or too narrow for it)."""
    if not _drawable(table):
        return None
    columns = table.columns
    last = len(columns) - 1
    pads = [(0 if index == 0 else 1, 0 if index == last else 1) for index in range(len(columns))]
    widths = []
    for index, column in enumerate(columns):
        padding = sum(pads[index])
        if column.ratio:
            widths.append(0)
        elif column.width is not None:
            widths.append(column.width + padding)
        else:
            content = max((_width(cell) for cell in _cells(table, column)), default=0)
            widths.append(max(content + padding, 1))
    flexible = columns.index(next(column for column in columns if column.ratio))
    minimum = (columns[flexible].width or 1) + sum(pads[flexible])
    left = max_width - sum(widths)
    if left < minimum:
        return None  # Rich narrows the other columns: its own way
    widths[flexible] = left
    for index, column in enumerate(columns):
        inner = widths[index] - sum(pads[index])
        if not column.no_wrap and any(_width(cell) > inner for cell in _cells(table, column)):
            return None  # Rich wraps such a cell onto more lines: its own way

    get_style = console.get_style
    rows: list[tuple[list[object], list[Style]]] = []
    if table.show_header:
        header = get_style(table.header_style or "")
        styles = [header + get_style(column.header_style or "") for column in columns]
        rows.append(([column.header for column in columns], styles))
    plain = [Style.null()] * len(columns)
    rows += [(list(row), plain) for row in zip(*(column.cells for column in columns), strict=True)]
    if table.show_footer:
        footer = get_style(table.footer_style or "")
        styles = [footer + get_style(column.footer_style or "") for column in columns]
        rows.append(([column.footer for column in columns], styles))

    lines = []
    for row, styles in rows:
        line: list[Segment] = []
        for column, cell, width, (before, after), base in zip(
            columns, row, widths, pads, styles, strict=True
        ):
            if before:
                line.append(Segment(" " * before, base))
            line.extend(_cell(console, cell, width - before - after, column, base))
            if after:
                line.append(Segment(" " * after, base))
        lines.append(line)
    return lines


def _width(cell: object) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def _cell(console: Console, cell: object, width: int, column: Column, base: Style) -> list[Segment]:
    """One cell's text in ``width`` cells, justified and cut as Rich's ``Lines.justify``
    does it, with the cell's style under the text's own."""
    if width <= 0:
        return []
    text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
    justify = column.justify
    overflow = text.overflow or column.overflow or "fold"
    text.rstrip_end(width)
    if justify == "right":
        text.rstrip()
        text.truncate(width, overflow=overflow)
        text.pad_left(width - text.cell_len)
    else:
        text.truncate(width, overflow=overflow, pad=True)
    joined = Text("\n").join([text])  # as Text.__rich_console__: its style becomes a span
    segments = list(Segment.apply_style(joined.render(console, end=""), base))
    filled = sum(segment.cell_length for segment in segments)
    if filled < width:
        segments.append(Segment(" " * (width - filled), base))
    return segments
