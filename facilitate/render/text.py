"""View blocks as plain text: for tests, logs and ``Rehearsal.text()``.

Participant text is stripped of control characters; nothing is read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from facilitate.i18n import Translator, translator
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


def _unknown(block: object, t: Translator, width: int) -> list[str]:
    return [t.gettext("({kind} cannot be drawn here)", kind=type(block).__name__)]


TEXT: Medium[list[str]] = Medium("text", _unknown)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


@TEXT.draws(Bars)
def _bars(block: Bars, t: Translator, width: int) -> list[str]:
    shown = figures.bars(block, t)
    label_width = min(30, max((len(one_line(b.label)) for b in shown), default=0))
    bar_width = max(10, width - label_width - 22)
    unit = f" {one_line(block.unit)}" if block.unit.strip() else ""
    lines = []
    for bar in shown:
        filled = round(bar_width * bar.fraction)
        mark = " ✓" if bar.marked else ""
        share = f" ({bar.share})" if bar.share else ""
        label = one_line(bar.label)[:label_width].ljust(label_width)
        lines.append(f"{label}  {'█' * filled}  {bar.number}{unit}{share}{mark}".rstrip())
    return lines


@TEXT.draws(Spread)
def _spread(block: Spread, t: Translator, width: int) -> list[str]:
    rows = [["", *figures.point_names(block), t.gettext("mean")]]
    for row in figures.spread(block, t):
        rows.append([one_line(row.label), *map(str, row.counts), row.mean_text])
    return _columns(rows)


@TEXT.draws(Heatmap)
def _heatmap(block: Heatmap, t: Translator, width: int) -> list[str]:
    corner = one_line(f"{block.row_title} \\ {block.column_title}") if block.row_title else ""
    rows = [[corner, *map(one_line, block.column_labels)]]
    for label, cells in zip(block.row_labels, block.cells, strict=False):
        rows.append([one_line(label), *map(str, cells)])
    return _columns(rows)


@TEXT.draws(Scatter)
def _scatter(block: Scatter, t: Translator, width: int) -> list[str]:
    rows = [["", one_line(block.x_title) or "x", one_line(block.y_title) or "y", "n"]]
    for point in block.points:
        rows.append([one_line(point.label), t.number(point.x), t.number(point.y), str(point.count)])
    return _columns(rows)


@TEXT.draws(Words)
def _words(block: Words, t: Translator, width: int) -> list[str]:
    return [f"{word} ×{count}" for word, count in figures.words(block)]


@TEXT.draws(Texts)
def _texts(block: Texts, t: Translator, width: int) -> list[str]:
    return [f"• {strip_controls(text)}" for text in block.texts]


@TEXT.draws(Table)
def _table(block: Table, t: Translator, width: int) -> list[str]:
    rows = [list(map(one_line, block.headers)), *[list(map(one_line, r)) for r in block.rows]]
    return _columns(rows)


@TEXT.draws(Radar)
def _radar(block: Radar, t: Translator, width: int) -> list[str]:
    return [
        f"{one_line(axis)}: {t.number(value)} / {t.number(block.maximum)}"
        for axis, value in zip(block.axes, block.values, strict=False)
    ]


@TEXT.draws(Note)
def _note(block: Note, t: Translator, width: int) -> list[str]:
    return [one_line(block.text)]


def render_text(view: Iterable[Block], *, width: int = 72, t: Translator | None = None) -> str:
    """View blocks as plain text, one block after another, each under its title."""
    t = t or translator("en")
    parts = []
    for block in view:
        title = getattr(block, "title", "")
        lines = [one_line(title)] if title else []
        parts.append("\n".join([*lines, *TEXT.draw(block, t, width)]))
    return "\n\n".join(parts)
