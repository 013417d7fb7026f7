"""The web projector's results in pages that fit a 16:9 screen without scrolling.

The projector page is drawn in rem, and a rem is a 45th of the screen's height
(``screen.css``), so a 1280x720 and a 1920x1080 screen show the same layout, scaled: the
results area is about 64 rem wide and, under the heading, about 33 rem tall. This module
estimates how tall each block is drawn there (generously: the projector should never
need a scroll bar) and lets :func:`facilitate.render.pages.paginate` cut the result into
pages; the facilitator steps through them from the control page.
"""

from __future__ import annotations

import math

from attrs import evolve
from markupsafe import Markup

from facilitate.i18n import Translator
from facilitate.render import figures
from facilitate.render.pages import Page, Piece, paginate, parts, sliced
from facilitate.render.web import TWO_COLUMNS_OVER, WEB, bars_rows, scatter_named_below
from facilitate.text import one_line
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

SCREEN_HEIGHT = 45.0
"""The projector page's height in rem (``screen.css`` sets the rem to 1/45 of it)."""
FULL_WIDTH = 64.0
"""The results area's width in rem once the join code has moved to its corner."""
HALF_WIDTH = 31.0
"""Each of two blocks side by side."""
GAP = 0.9
"""Between two blocks, or two rows of blocks (``screen.css``: ``.page``, ``.slot``)."""
CHARACTER = 0.58
"""An average character's width in ems, as wide as bold type runs, so that estimates
err long."""
SAFETY = 1.5
"""Rem kept free under the results: fonts differ from one laptop to the next."""


def lines(text: str, width: float, size: float) -> int:
    """How many lines ``text`` takes at ``size`` rem in ``width`` rem, wrapped between
    words as a browser does (a word longer than a line takes as many as it needs)."""
    per_line = max(1.0, width / (size * CHARACTER))
    count, used = 0, 0.0
    for word in one_line(text).split():
        if used and used + 1 + len(word) <= per_line:
            used += 1 + len(word)
        else:
            count += max(1, math.ceil(len(word) / per_line))
            used = len(word) % per_line or per_line
    return count


def _title(block: Block, width: float) -> float:
    title = getattr(block, "title", "")
    return lines(title, width, 1.4) * 1.7 + 0.45 if title.strip() else 0.0


def _key(names: list[str], width: float) -> float:
    """A legend of scale points ("1 Not at all", "2", ...) wrapping over lines."""
    per_line = width / (1.1 * CHARACTER)
    used, count = 0.0, 1
    for name in names:
        size = len(name) + 4
        if used and used + size > per_line:
            count, used = count + 1, 0.0
        used += size
    return count * 1.65 + 0.3


def measure(piece: Piece, half: bool) -> float:
    """How tall a piece of a result is drawn, in rem, full width or at half the width."""
    block = piece.block
    if not piece.whole and parts(block):
        block = sliced(block, piece.start, parts(block) if piece.stop is None else piece.stop)
    width = HALF_WIDTH if half else FULL_WIDTH
    height = _title(block, width)
    if isinstance(block, Bars):  # beside another block, each label above its bar
        if half:
            rows = [lines(bar.label, width, 1.3) * 1.58 + 1.85 + 0.55 for bar in block.rows]
        else:
            rows = [max(1.75, lines(bar.label, 20.0, 1.3) * 1.58) + 0.45 for bar in block.rows]
        if parts(piece.block) > TWO_COLUMNS_OVER and not half:
            rows = rows[: math.ceil(len(rows) / 2)]
        unit = figures.bars_unit(block)
        return height + sum(rows) + (lines(unit, width, 1.1) * 1.5 + 0.35 if unit else 0.0)
    if isinstance(block, Spread):
        names = figures.point_names(block)
        if len(block.rows) == 1:
            label = 1.7 if block.rows[0].label.strip() else 0.0
            return height + label + 14.6 + _key(names, width)
        rows = [max(2.2, lines(row.label, 15.0, 1.3) * 1.58) + 0.5 for row in block.rows]
        return height + 1.6 + _key(names, width) + sum(rows)
    if isinstance(block, Heatmap):
        column = (width - 10.5) / max(1, len(block.column_labels))
        head = max((lines(label, column, 1.05) for label in block.column_labels), default=1)
        rows = [max(2.75, lines(label, 9.5, 1.2) * 1.5 + 0.6) for label in block.row_labels]
        return height + head * 1.3 + 0.8 + sum(rows)
    if isinstance(block, Scatter):  # 26 rem tall, or less where the width is short
        return height + min(26.0, width * 330 / 460) + _scatter_legend(block, width)
    if isinstance(block, Radar):
        return height + 22.0
    if isinstance(block, Words):
        return height + _words_height(block, width)
    if isinstance(block, Texts):
        return height + _texts_height(block.texts, width, columns=1 if half else 2)
    if isinstance(block, Table):
        return height + _table_height(block, width)
    if isinstance(block, Note):
        return lines(block.text, width, 1.2) * 1.62 + 0.35
    return height + 3.0


def _scatter_legend(block: Scatter, width: float) -> float:
    """The points named below the plot, where no place beside their marks was clear."""
    named = scatter_named_below(block)
    if not named:
        return 0.0
    columns = 1 if width < FULL_WIDTH else 2
    column = width / columns - 1.0
    heights = [lines(f"0 {name} (00)", column, 1.1) * 1.5 for name in named]
    return sum(heights) / columns + (max(heights) if columns > 1 else 0.0) + 0.4


def _words_height(block: Words, width: float) -> float:
    shown = figures.words(block)
    peak = max((count for _, count in shown), default=0)
    sizes = (1.3, 1.3, 1.7, 2.2, 2.9, 3.8)
    area = 0.0
    for word, count in shown:
        size = sizes[max(1, figures.shade(count, peak, 6))]
        area += (len(word) * CHARACTER * size + 1.2) * size * 1.45
    return area / (width * 0.85) + 4.0 + 0.6


def _texts_height(texts: tuple[str, ...], width: float, *, columns: int) -> float:
    column = (width - 2.0 * (columns - 1)) / columns - 1.6
    heights = [lines(text, column, 1.3) * 1.76 + 1.2 for text in texts]
    if columns == 1:
        return sum(heights)
    # CSS columns fill the first column, then the second, as evenly as whole texts allow.
    return min(
        (max(sum(heights[:cut]), sum(heights[cut:])) for cut in range(len(heights) + 1)),
        default=0.0,
    )


def _table_height(block: Table, width: float) -> float:
    count = max(1, len(block.headers), *(len(row) for row in block.rows))
    column = width / count - 1.0
    head = max((lines(cell, column, 1.15) for cell in block.headers), default=0) * 1.5 + 0.7
    body = sum(
        max((lines(c, column, 1.2) for c in row), default=1) * 1.6 + 0.7 for row in block.rows
    )
    return (head if block.headers else 0.0) + body


def narrow(block: Block) -> bool:
    """Whether a block reads well at half the width, beside another."""
    if isinstance(block, Bars):
        return len(block.rows) <= TWO_COLUMNS_OVER
    if isinstance(block, Spread):
        return len(block.rows) == 1
    if isinstance(block, Heatmap):
        column = (HALF_WIDTH - 10.5) / max(1, len(block.column_labels))
        words = [w for label in block.column_labels for w in one_line(label).split()]
        return all(len(word) * CHARACTER * 1.05 <= column - 0.8 for word in words)
    return isinstance(block, Scatter | Radar | Texts)


def heading_height(title: str, prompt: str) -> float:
    """The projector's heading: the item's title and, under it, its question."""
    width = FULL_WIDTH
    height = lines(title, width, 2.3) * 2.65 + 0.3
    if prompt.strip():
        height += lines(prompt, width, 1.5) * 1.95 + 0.3
    return height


TALL_COLUMNS = 7.0
"""How much taller (in rem) a scale's columns are drawn on a page with room to spare
(``screen.css``: ``.page.roomy``), so that a short result still fills the screen."""


def _budget(title: str, prompt: str) -> float:
    # Padding (1.9), two gaps between heading, results and status line (1.6), the status
    # line (1.6), and a margin for fonts that run wider than the estimate.
    budget = SCREEN_HEIGHT - 1.9 - 1.6 - 1.6 - heading_height(title, prompt) - SAFETY
    return max(12.0, budget)


def screen_pages(view: tuple[Block, ...], *, title: str, prompt: str) -> list[Page]:
    """The result's pages for a projector whose heading shows ``title`` and ``prompt``."""
    return paginate(view, budget=_budget(title, prompt), measure=measure, narrow=narrow, gap=GAP)


def page_height(page: Page) -> float:
    """How tall a page is drawn, in rem: its rows and the gaps between them."""
    heights = []
    for row in page:
        half = len(row) == 2
        heights.append(
            max(sum(measure(piece, half) for piece in unit) + GAP * (len(unit) - 1) for unit in row)
        )
    return sum(heights) + GAP * max(0, len(heights) - 1)


def roomy(page: Page, *, title: str, prompt: str) -> bool:
    """Whether the page has room for taller scale columns than the page was measured with."""
    charts = sum(
        1
        for row in page
        for unit in row
        for piece in unit
        if isinstance(piece.block, Spread) and len(piece.block.rows) == 1
    )
    return charts > 0 and page_height(page) + TALL_COLUMNS * charts <= _budget(title, prompt)


def _without_repeats(block: Block, said: str) -> Block:
    """A block without a title (or a single row's label) that repeats the question the
    heading already shows."""
    said = one_line(said)
    if not said:
        return block
    if one_line(getattr(block, "title", "")) == said:
        block = evolve(block, title="")  # type: ignore[arg-type]
    if isinstance(block, Spread) and len(block.rows) == 1 and one_line(block.rows[0].label) == said:
        block = evolve(block, rows=(evolve(block.rows[0], label=""),))
    return block


def _continued(title: str, t: Translator) -> str:
    if title.strip():
        return t.gettext("{title} (continued)", title=one_line(title))
    return t.gettext("(continued)")


def draw_piece(piece: Piece, t: Translator, said: str = "") -> Markup:
    """A piece of a result: the whole block, or some of its rows (with the whole block's
    scale, for bars), titled "(continued)" after the first page."""
    block = _without_repeats(piece.block, said)
    if piece.whole:
        return WEB.draw(block, t)
    rows = piece.rows()
    title = getattr(block, "title", "")
    if piece.continued:
        title = _continued(title, t)
    if isinstance(block, Bars):
        return bars_rows(block, figures.bars(block, t)[rows.start : rows.stop], title=title)
    part = sliced(block, rows.start, rows.stop)
    return WEB.draw(evolve(part, title=title), t)  # type: ignore[arg-type]


def draw_page(page: Page, t: Translator, said: str = "", *, spacious: bool = False) -> Markup:
    """One page: rows of one block across, or two side by side; ``spacious`` (see
    :func:`roomy`) draws a scale's columns taller."""
    drawn = []
    for row in page:
        units = Markup("").join(
            Markup('<div class="slot">{}</div>').format(
                Markup("").join(draw_piece(piece, t, said) for piece in unit)
            )
            for unit in row
        )
        drawn.append(
            Markup('<div class="row{}">{}</div>').format(
                Markup(" two") if len(row) == 2 else Markup(), units
            )
        )
    return Markup('<div class="page{}">{}</div>').format(
        Markup(" roomy") if spacious else Markup(), Markup("").join(drawn)
    )
