"""The Markdown medium: each view block as Markdown lines, for pasting into a report or a wiki.

One function per block kind, registered with ``@MARKDOWN.draws(Kind)``; each returns its
lines without the block's title (:func:`block_lines` adds it) and without a trailing
blank line. Figures come from :mod:`facilitate.render.figures`, words from the
translator ``t``. Participant text is escaped with :func:`md` so that it stays text
wherever the Markdown is rendered: no links, no emphasis, no HTML, no table broken by a
stray "|". Addresses are neutralised as well, since common renderers (GitHub's, and
markdown-it with linkify) turn bare ``example.org``, ``www.`` and ``https://`` text and
e-mail addresses into links a reader might follow: the dot of a host name is written
``[.]`` and a scheme's colon ``[:]``, as security reports write addresses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_SCHEME = re.compile(
    r"(?i)(?<![^\W_])([a-z][a-z0-9+.-]{0,31}):(?=//)"
    r"|(?<![^\W_])(mailto|xmpp|tel|sms|callto|javascript|data|file):"
)
_HOST_DOT = re.compile(r"(?<=[^\W_])\.(?=[^\W\d_]{2})|(?i:(?<![^\W_])www)\.")
_BARE_SLASHES = re.compile(r"(?<![:\w\]])//(?=[^\W_])")
_LINE_START = re.compile(r"^(\s*)([-+=#])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")
BAR_CELLS = 20


def unlinked(text: str) -> str:
    """Text with its addresses written so no renderer makes them links:
    ``https://example.org`` -> ``https[:]//example[.]org``, ``a@b.org`` -> ``a@b[.]org``."""
    text = _SCHEME.sub(lambda m: (m[1] or m[2]) + "[:]", text)
    text = _HOST_DOT.sub(lambda m: m[0][:-1] + "[.]", text)
    return _BARE_SLASHES.sub("/[/]", text)


def md(text: object) -> str:
    """One line of plain text, escaped so Markdown renders it as the same text, with
    addresses neutralised (:func:`unlinked`)."""
    escaped = _INLINE.sub(r"\\\1", unlinked(one_line(str(text))))
    escaped = _LINE_START.sub(lambda m: m[1] + "\\" + m[2], escaped)
    return _NUMBERED.sub(lambda m: m[1] + "\\" + m[2], escaped)


def md_lines(text: str) -> list[str]:
    """Multi-line text, each line escaped; blank lines dropped."""
    lines = [md(line) for line in strip_controls(text).split("\n")]
    return [line for line in lines if line] or [""]


def pipe_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A pipe table of cells already escaped; ``align`` has one letter per column: l or r."""
    align = align.ljust(len(headers), "l")
    rule = ["---:" if a == "r" else "---" for a in align[: len(headers)]]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _unknown(block: object, t: Translator) -> list[str]:
    return [md(t.gettext("({kind} cannot be drawn here)", kind=type(block).__name__))]


MARKDOWN: Medium[list[str]] = Medium("markdown", _unknown)


def block_lines(block: Block, t: Translator) -> list[str]:
    """One view block as Markdown lines, under its title in bold (no trailing blank line)."""
    title = one_line(getattr(block, "title", ""))
    heading = [f"**{md(title)}**", ""] if title else []
    return heading + MARKDOWN.draw(block, t)


def _bar(fraction: float) -> str:
    return "█" * max(1, round(fraction * BAR_CELLS)) if fraction > 0 else ""


@MARKDOWN.draws(Bars)
def bars(block: Bars, t: Translator) -> list[str]:
    shown = figures.bars(block, t)
    unit = figures.bars_unit(block)
    shares = any(bar.share for bar in shown)
    if unit:
        header = md(unit[:1].upper() + unit[1:])
    else:
        header = md(t.gettext("Answers") if figures.counts_answers(block) else t.gettext("Value"))
    rows = []
    for bar in shown:
        label = md(bar.label) + (" ✓" if bar.marked else "")
        rows.append([label, bar.number, *([bar.share] if shares else []), _bar(bar.fraction)])
    headers = ["", header, *(["%"] if shares else []), ""]
    return pipe_table(headers, rows, "lrrl" if shares else "lrl")


@MARKDOWN.draws(Spread)
def spread(block: Spread, t: Translator) -> list[str]:
    names = [md(name) for name in figures.point_names(block)]
    rows = [
        [md(row.label), *(t.number(c) for c in row.counts), t.number(row.total), row.mean_text]
        for row in figures.spread(block, t)
    ]
    headers = ["", *names, md(t.gettext("Answers")), md(t.gettext("Mean"))]
    return pipe_table(headers, rows, "l" + "r" * (len(names) + 2))


@MARKDOWN.draws(Heatmap)
def heatmap(block: Heatmap, t: Translator) -> list[str]:
    corner = " ".join(
        part
        for part in (
            f"{md(block.row_title)} ↓" if block.row_title else "",
            f"{md(block.column_title)} →" if block.column_title else "",
        )
        if part
    )
    rows = []
    for index, label in enumerate(block.row_labels):
        cells = block.cells[index] if index < len(block.cells) else ()
        rows.append([md(label), *(t.number(c) for c in cells)])
    headers = [corner, *(md(c) for c in block.column_labels)]
    return pipe_table(headers, rows, "l" + "r" * len(block.column_labels))


def _tick_name(value: float, labels: Sequence[str], low: float, high: float) -> str:
    """A position on an axis as its nearest tick's label, or as a number without labels."""
    if not labels:
        return ""
    ticks = figures.ticks(labels, low, high)
    fraction = (value - low) / ((high - low) or 1)
    nearest = min(ticks, key=lambda tick: abs(tick[0] - fraction))
    return nearest[1] if abs(nearest[0] - fraction) < 1e-9 else ""


@MARKDOWN.draws(Scatter)
def scatter(block: Scatter, t: Translator) -> list[str]:
    """One row per point, largest count first: its label, both positions and its count."""

    def position(value: float, labels: Sequence[str], axis: tuple[float, float]) -> str:
        return md(figures.point_name(t.number(value), _tick_name(value, labels, *axis)))

    order = sorted(block.points, key=lambda p: (-p.count, one_line(p.label), p.x, p.y))
    rows = [
        [
            md(point.label),
            position(point.x, block.x_labels, block.x_range),
            position(point.y, block.y_labels, block.y_range),
            t.number(point.count),
        ]
        for point in order
    ]
    headers = ["", md(block.x_title) or "x", md(block.y_title) or "y", md(t.gettext("Answers"))]
    return pipe_table(headers, rows, "lllr")


@MARKDOWN.draws(Words)
def words(block: Words, t: Translator) -> list[str]:
    shown = figures.words(block)
    return [", ".join(f"{md(word)} ({t.number(count)})" for word, count in shown) or "–"]


@MARKDOWN.draws(Texts)
def texts(block: Texts, t: Translator) -> list[str]:
    if not block.texts:
        return [f"*{md(t.gettext('No approved texts.'))}*"]
    lines = []
    for text in block.texts:
        first, *rest = md_lines(text)
        lines.append(f"- {first}")
        lines += [f"  {line}" for line in rest]
    return lines


@MARKDOWN.draws(Table)
def table(block: Table, t: Translator) -> list[str]:
    rows = [[md(cell) for cell in row] for row in block.rows]
    return pipe_table([md(h) for h in block.headers], rows)


@MARKDOWN.draws(Radar)
def radar(block: Radar, t: Translator) -> list[str]:
    rows = [
        [md(axis), t.number(value)] for axis, value in zip(block.axes, block.values, strict=False)
    ]
    scale = f"{t.number(block.minimum)}–{t.number(block.maximum)}"
    return pipe_table(["", md(t.gettext("Value ({scale})", scale=scale))], rows, "lr")


@MARKDOWN.draws(Note)
def note(block: Note, t: Translator) -> list[str]:
    return [md(block.text)]
