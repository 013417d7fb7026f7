"""A result split into screens that fit: pages of rows of blocks, or pieces of a long block.

A projector cannot scroll: what does not fit the screen is not seen from the back of the
room. :func:`paginate` lays a view's blocks out in rows (two narrow blocks, such as a heat
map and a scatter plot, side by side) and the rows into pages no taller than the screen,
and cuts a block made of many rows (free texts, a long table, many bars) into pieces that
each fit. The medium says how tall a piece is (``measure``) and which blocks can share a
row (``narrow``); this module only decides where the breaks go, so a medium that draws
in rem (the web projector) and one that draws in terminal lines can both use it.

A note (``Note``) stays with the block it follows: "14 answers" under its chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from attrs import evolve, frozen

from facilitate.reprs import attrs_repr
from facilitate.views import Bars, Block, Note, Spread, Table, Texts


@frozen
class Piece:
    """A block, or the rows ``start`` to ``stop`` of it when it is cut across pages."""

    __repr__ = attrs_repr

    block: Block
    start: int = 0
    stop: int | None = None

    @property
    def whole(self) -> bool:
        return self.start == 0 and (self.stop is None or self.stop >= parts(self.block))

    @property
    def continued(self) -> bool:
        """Whether an earlier page showed the first rows of this block."""
        return self.start > 0

    def rows(self) -> range:
        end = parts(self.block) if self.stop is None else self.stop
        return range(self.start, end)


Unit = tuple[Piece, ...]
"""A piece with the notes that follow it: kept on one page, one above the other."""
Row = tuple[Unit, ...]
"""One unit across the width, or two narrow ones side by side."""
Page = tuple[Row, ...]

Measure = Callable[[Piece, bool], float]
"""How tall a piece is drawn, full width (``False``) or at half the width (``True``)."""


def parts(block: Block) -> int:
    """How many rows a block can be cut into (0 if it cannot be cut)."""
    if isinstance(block, Texts):
        return len(block.texts)
    if isinstance(block, Bars | Table):
        return len(block.rows)
    if isinstance(block, Spread):
        return len(block.rows)
    return 0


def sliced(block: Block, start: int, stop: int) -> Block:
    """The rows ``start`` to ``stop`` of a block that can be cut, as a block of its kind.

    Bars cut this way lose their common scale and shares: a medium drawing a piece of
    bars uses the whole block's figures (see :class:`Piece`).
    """
    if isinstance(block, Texts):
        return evolve(block, texts=block.texts[start:stop])
    if isinstance(block, Bars | Table | Spread):
        return evolve(block, rows=block.rows[start:stop])
    return block


def _units(view: Sequence[Block]) -> list[list[Block]]:
    """Each block with the notes after it."""
    units: list[list[Block]] = []
    for block in view:
        if isinstance(block, Note) and units:
            units[-1].append(block)
        else:
            units.append([block])
    return units


def _height(unit: Unit, measure: Measure, half: bool, gap: float) -> float:
    return sum(measure(piece, half) for piece in unit) + gap * (len(unit) - 1)


def _cut(
    blocks: list[Block], room: float, budget: float, measure: Measure, gap: float
) -> list[Unit]:
    """A unit too tall for a page, cut into units: the first fills ``room`` (what is left
    of the current page), the others whole pages; its notes go with the last piece."""
    head, notes = blocks[0], tuple(Piece(note) for note in blocks[1:])
    count = parts(head)
    units: list[Unit] = []
    start, space = 0, room
    while start < count:
        stop = start + 1  # at least one row a page, however tall
        while stop < count and measure(Piece(head, start, stop + 1), False) <= space:
            stop += 1
        units.append((Piece(head, start, stop),))
        start, space = stop, budget
    if notes:
        last = units[-1] + notes
        if _height(last, measure, False, gap) <= (room if len(units) == 1 else budget):
            units[-1] = last
        else:
            units.append(notes)
    return units


def paginate(
    view: Sequence[Block],
    *,
    budget: float,
    measure: Measure,
    narrow: Callable[[Block], bool],
    gap: float = 0.0,
) -> list[Page]:
    """Pages of rows of units, each page at most ``budget`` tall (in ``measure``'s unit).

    Two narrow blocks in a row share it when both fit at half the width; a block taller
    than a page is cut into pieces if it can be (``parts``), else it gets a page of its
    own (and the medium draws it as best it can). There is always at least one page.
    """
    rows: list[tuple[Row, float]] = []
    units = _units(view)
    index = 0
    while index < len(units):
        blocks = units[index]
        unit: Unit = tuple(Piece(block) for block in blocks)
        following = units[index + 1] if index + 1 < len(units) else None
        if following is not None and narrow(blocks[0]) and narrow(following[0]):
            pair = (unit, tuple(Piece(block) for block in following))
            height = max(_height(u, measure, True, gap) for u in pair)
            if height <= budget:
                rows.append((pair, height))
                index += 2
                continue
        height = _height(unit, measure, False, gap)
        if height > budget and parts(blocks[0]) > 1:
            used = _page_height(rows, budget, gap)
            room = budget - used - (gap if used else 0)
            if room < budget / 3:
                room = budget
            for piece in _cut(blocks, room, budget, measure, gap):
                rows.append(((piece,), _height(piece, measure, False, gap)))
        else:
            rows.append(((unit,), height))
        index += 1
    return _fill(rows, budget, gap)


def _page_height(rows: list[tuple[Row, float]], budget: float, gap: float) -> float:
    """How much of the last page the rows so far use."""
    used = 0.0
    for _, height in rows:
        step = height + (gap if used else 0)
        used = height if used and used + step > budget else used + step
    return used


def _fill(rows: list[tuple[Row, float]], budget: float, gap: float) -> list[Page]:
    pages: list[list[Row]] = [[]]
    used = 0.0
    for row, height in rows:
        step = height + (gap if pages[-1] else 0)
        if pages[-1] and used + step > budget:
            pages.append([])
            step = height
            used = 0.0
        pages[-1].append(row)
        used += step
    return [tuple(page) for page in pages]
