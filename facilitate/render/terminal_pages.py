"""A result cut into pages that fit a terminal region, for the terminal projector.

A projector cannot scroll, and what runs off the bottom of the screen is not seen from
the back of the room. :func:`terminal_pages` lays a view out with
:func:`facilitate.render.pages.paginate` (the web projector's pagination), measuring each
piece in terminal lines at the region's width, so every page fits; with more than one
page, a line under the page says which it is ("1/2"), so nothing is ever cut silently.

Measuring is rendering: a long block of free text or bars is measured row by row once
(rows add up), not once for every way of cutting it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from attrs import evolve, frozen
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from facilitate.i18n import Translator
from facilitate.render import figures
from facilitate.render.pages import Page, Piece, paginate, parts, sliced
from facilitate.render.terminal import BarsRenderable, ScatterRenderable, line, render_block
from facilitate.reprs import attrs_repr
from facilitate.views import Bars, Block, Scatter, Texts

GAP = 1
"""Blank lines between two blocks, as :func:`facilitate.render.terminal.render_view`."""


@frozen
class PagedView:
    """One page of a view, drawn, with where it is among the view's pages."""

    __repr__ = attrs_repr

    body: RenderableType
    page: int
    """Which page this is, from 0 (the page asked for, or the last there is)."""
    pages: int

    @property
    def paged(self) -> bool:
        return self.pages > 1


class Pager:
    """Draws and measures pieces of blocks at one width (one pagination's worth)."""

    def __init__(self, t: Translator, width: int, height: int, *, big: bool) -> None:
        self.t = t
        self.big = big
        self.width = max(1, width)
        self.height = max(1, height)
        """The page's height: a plot taller than this is drawn lower to fit it."""
        self.console = Console(
            file=io.StringIO(), width=self.width, color_system=None, legacy_windows=False
        )
        self.options = self.console.options.update(width=self.width)
        self._whole: dict[int, int] = {}
        self._rows: dict[int, tuple[int, list[int]]] = {}
        self._plot_rows: dict[int, int | None] = {}

    def lines(self, renderable: RenderableType) -> int:
        return len(self.console.render_lines(renderable, self.options, pad=False))

    def draw(self, piece: Piece) -> RenderableType:
        block = piece.block
        if isinstance(block, Scatter):
            plot = ScatterRenderable(block, self.t, big=self.big, rows=self._fitted_rows(block))
            return Group(line(block.title, style="bold"), plot) if block.title else plot
        if piece.whole:
            return render_block(block, self.t, big=self.big)
        if isinstance(block, Bars):
            body: RenderableType = BarsRenderable(block, self.t, big=self.big, rows=piece.rows())
            return Group(line(block.title, style="bold"), body) if block.title else body
        stop = parts(block) if piece.stop is None else piece.stop
        return render_block(sliced(block, piece.start, stop), self.t, big=self.big)

    def measure(self, piece: Piece, half: bool = False) -> float:
        block = piece.block
        if piece.whole:
            key = id(block)
            if key not in self._whole:
                self._whole[key] = self.lines(self.draw(piece))
            return self._whole[key]
        if isinstance(block, Texts | Bars):
            overhead, rows = self._row_heights(block)
            return overhead + sum(rows[index] for index in piece.rows())
        return self.lines(self.draw(piece))

    def _fitted_rows(self, block: Scatter) -> int | None:
        """A plot's height that lets it fit a page (``None``: its own height fits)."""
        key = id(block)
        if key not in self._plot_rows:
            self._plot_rows[key] = None
            natural = ScatterRenderable(block, self.t, big=self.big)
            title = 1 if block.title else 0
            taken = self.lines(natural) + title
            if taken > self.height:
                ticks = figures.ticks(block.y_labels, *block.y_range)
                rows = natural.plot_rows(len(ticks))
                self._plot_rows[key] = max(3, rows - (taken - self.height))
        return self._plot_rows[key]

    def _row_heights(self, block: Texts | Bars) -> tuple[int, list[int]]:
        """The lines a block takes besides its rows (title, legend), and each row's."""
        key = id(block)
        if key not in self._rows:
            if isinstance(block, Bars):
                # Every bar takes the same lines, drawn to the whole block's widths.
                one = self.lines(self.draw(Piece(block, 0, 1)))
                two = self.lines(self.draw(Piece(block, 0, 2))) if parts(block) > 1 else one
                each = two - one if parts(block) > 1 else one
                self._rows[key] = (one - each, [each] * parts(block))
            else:
                bare = evolve(block, title="")
                rows = [
                    self.lines(render_block(sliced(bare, i, i + 1), self.t))
                    for i in range(parts(block))
                ]
                title = self.lines(line(block.title)) if block.title else 0
                self._rows[key] = (title, rows)
        return self._rows[key]

    def draw_page(self, page: Page) -> RenderableType:
        drawn: list[RenderableType] = []
        for row in page:
            for unit in row:
                for piece in unit:
                    body = self.draw(piece)
                    drawn.append(Padding(body, (GAP, 0, 0, 0)) if drawn else body)
        return Group(*drawn)


def page_indicator(page: int, pages: int, t: Translator) -> Text:
    """ "1/2 ▸" under a page: which page, and that there is more."""
    more = " ▸" if page + 1 < pages else ""
    text = Text(f"{t.number(page + 1)}/{t.number(pages)}{more}", style="bold")
    text.justify = "right"
    return text


def terminal_pages(
    view: Sequence[Block], t: Translator, *, width: int, height: int, big: bool = False
) -> list[RenderableType]:
    """The view as pages no taller than ``height`` lines (the last line of each kept for
    the page indicator when there is more than one page)."""
    pager = Pager(t, width, height, big=big)
    pages = _paginate(view, pager, height)
    if len(pages) > 1:
        pager = Pager(t, width, height - 1, big=big)
        pages = _paginate(view, pager, height - 1)
    if len(pages) == 1:
        return [_fitted(pager, pager.draw_page(pages[0]), height, t)]
    drawn: list[RenderableType] = []
    for index, page in enumerate(pages):
        body = _fitted(pager, pager.draw_page(page), height - 1, t)
        # The indicator keeps its place at the bottom, whatever the page's length.
        blank = [Text("") for _ in range(max(0, height - 1 - pager.lines(body)))]
        drawn.append(Group(body, *blank, page_indicator(index, len(pages), t)))
    return drawn


def _paginate(view: Sequence[Block], pager: Pager, budget: int) -> list[Page]:
    return paginate(
        view, budget=max(1, budget), measure=pager.measure, narrow=lambda _: False, gap=GAP
    )


def _fitted(pager: Pager, page: RenderableType, height: int, t: Translator) -> RenderableType:
    """A page that still does not fit (a block that cannot be cut, on a tiny screen):
    its first lines, and a last line that says the rest is cut off."""
    lines = pager.console.render_lines(page, pager.options, pad=False)
    if len(lines) <= height:
        return page
    cut = Text(t.gettext("… (cut: the screen is too small)"), style="italic")
    cut.justify = "right"
    # The note may wrap on a narrow region (in a long language): it keeps its lines.
    room = max(0, height - pager.lines(cut))
    kept = [Text.assemble(*((s.text, s.style or "") for s in row)) for row in lines[:room]]
    return Group(*kept, cut)


def view_page(
    view: Sequence[Block],
    t: Translator,
    *,
    width: int,
    height: int,
    page: int = 0,
    big: bool = False,
) -> PagedView:
    """Page ``page`` of the view (or its last, if it has fewer) at this size."""
    pages = terminal_pages(view, t, width=width, height=height, big=big)
    shown = min(max(0, page), len(pages) - 1)
    return PagedView(pages[shown], shown, len(pages))
