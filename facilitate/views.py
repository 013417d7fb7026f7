"""The declarative result vocabulary: what an activity type shows, not how it is drawn.

An activity type's ``view`` returns a tuple of these blocks; each medium (terminal,
web page, report HTML with SVG, Markdown, plain text) draws every block kind with exactly
one function, gathered in :mod:`facilitate.render`. A plugin never writes markup, so
participant text cannot become markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import field, frozen

from facilitate.reprs import attrs_repr


def as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """An attrs converter; plain ``tuple`` leaves mypy with an unbound type variable."""
    return tuple(items)


@frozen
class Bar:
    __repr__ = attrs_repr

    label: str
    value: float
    marked: bool = False
    """Drawn highlighted: the correct option of a quiz, say."""


@frozen
class Bars:
    """Horizontal bars, one per row, longest first if ``sort`` was asked by the type."""

    __repr__ = attrs_repr

    rows: tuple[Bar, ...] = field(converter=as_tuple)
    title: str = ""
    unit: str = ""
    """What the numbers count ("answers", "points"); shown in reports."""
    answers: int | None = None
    """How many answers the bars come from, when one answer can count in several bars
    (multiple choice): shares are then of answers, not of the bars' total."""
    of_answers: bool = False
    """The values count answers, so each bar also shows its share as a percentage (of
    the bars' total, or of ``answers`` when given). Points, scores and marks are not
    shares of anything and show none."""


@frozen
class SpreadRow:
    __repr__ = attrs_repr

    label: str
    counts: tuple[int, ...] = field(converter=as_tuple)
    """How many answers gave each point of the scale, lowest point first."""

    @property
    def total(self) -> int:
        return sum(self.counts)

    def mean(self, points: tuple[int, ...]) -> float | None:
        if not self.total:
            return None
        return sum(p * c for p, c in zip(points, self.counts, strict=True)) / self.total


@frozen
class Spread:
    """For each row, how answers spread over a scale: Likert items, the 5 Ps."""

    __repr__ = attrs_repr

    rows: tuple[SpreadRow, ...] = field(converter=as_tuple)
    points: tuple[int, ...] = field(converter=as_tuple)
    point_labels: tuple[str, ...] = field(default=(), converter=as_tuple)
    title: str = ""


@frozen
class Heatmap:
    """A grid of counts: rows by columns, e.g. impact by likelihood."""

    __repr__ = attrs_repr

    row_labels: tuple[str, ...] = field(converter=as_tuple)
    column_labels: tuple[str, ...] = field(converter=as_tuple)
    cells: tuple[tuple[int, ...], ...] = field(converter=lambda rows: tuple(map(tuple, rows)))
    row_title: str = ""
    column_title: str = ""
    title: str = ""


@frozen
class Words:
    """Words sized by how often they were given."""

    __repr__ = attrs_repr

    words: tuple[tuple[str, int], ...] = field(converter=lambda ws: tuple(map(tuple, ws)))
    title: str = ""


@frozen
class Texts:
    """Free text, already approved; in an order that does not reveal who wrote first."""

    __repr__ = attrs_repr

    texts: tuple[str, ...] = field(converter=as_tuple)
    title: str = ""


@frozen
class Table:
    __repr__ = attrs_repr

    headers: tuple[str, ...] = field(converter=as_tuple)
    rows: tuple[tuple[str, ...], ...] = field(converter=lambda rows: tuple(map(tuple, rows)))
    title: str = ""


@frozen
class Radar:
    """Values on axes around a circle, from 0 to ``maximum``: a report chart."""

    __repr__ = attrs_repr

    axes: tuple[str, ...] = field(converter=as_tuple)
    values: tuple[float, ...] = field(converter=as_tuple)
    maximum: float = 5.0
    minimum: float = 0.0
    title: str = ""


@frozen
class ScatterPoint:
    """One position on a scatter plot, with how many answers it stands for."""

    __repr__ = attrs_repr

    x: float
    y: float
    count: int = 1
    label: str = ""


@frozen
class Scatter:
    """Positions on two axes with counts: a risk matrix, an actor or stakeholder map.

    ``x_labels`` and ``y_labels`` name evenly spaced ticks from the axis's low end to
    its high end (``x_range``, ``y_range``); a point's ``label`` names what it stands
    for (a threat, an actor) and its ``count`` sizes its marker.
    """

    __repr__ = attrs_repr

    points: tuple[ScatterPoint, ...] = field(converter=as_tuple)
    x_range: tuple[float, float] = field(default=(1.0, 5.0), converter=as_tuple)
    y_range: tuple[float, float] = field(default=(1.0, 5.0), converter=as_tuple)
    x_title: str = ""
    y_title: str = ""
    x_labels: tuple[str, ...] = field(default=(), converter=as_tuple)
    y_labels: tuple[str, ...] = field(default=(), converter=as_tuple)
    title: str = ""

    def fraction(self, point: ScatterPoint) -> tuple[float, float]:
        """Where a point falls, from 0 to 1 along each axis (clamped)."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        fx = (point.x - x0) / ((x1 - x0) or 1)
        fy = (point.y - y0) / ((y1 - y0) or 1)
        return min(1.0, max(0.0, fx)), min(1.0, max(0.0, fy))


@frozen
class Note:
    """A short line of plain text: "3 answers", "Correct answer: B"."""

    __repr__ = attrs_repr

    text: str


Block = Bars | Spread | Heatmap | Scatter | Words | Texts | Table | Radar | Note
View = tuple[Block, ...]

BLOCK_KINDS: tuple[type, ...] = (Bars, Spread, Heatmap, Scatter, Words, Texts, Table, Radar, Note)
"""Every block kind; :mod:`facilitate.render` has a drawing of each for every medium."""


def unordered(texts: list[str] | tuple[str, ...], *, salt: str = "") -> tuple[str, ...]:
    """Texts in an order that owes nothing to when they arrived.

    Sorting by a keyed hash looks shuffled to the room but stays the same from one
    redraw to the next, so the projector does not jump about.
    """
    import hashlib  # here: loading OpenSSL's hashes costs every command's start-up

    return tuple(
        sorted(texts, key=lambda t: hashlib.blake2b((salt + t).encode(), digest_size=8).digest())
    )
