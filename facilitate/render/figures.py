"""The numbers every medium prints, computed once: shares, means, point names, shades.

A phone, the web projector, the terminal and the report show the same figures because
they all take them from here, formatted by the same :class:`~facilitate.i18n.Translator`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from attrs import frozen

from facilitate.i18n import Translator
from facilitate.reprs import attrs_repr
from facilitate.text import one_line
from facilitate.views import Bars, Heatmap, Radar, Scatter, Spread, Words

OLD_ANSWERS_UNIT = "answers"
"""Before ``Bars.of_answers``, a unit of "answers" meant the same; such plugins still work."""


@frozen
class BarFigure:
    __repr__ = attrs_repr

    label: str
    value: float
    fraction: float
    """The bar's length, from 0 to 1, relative to the longest bar."""
    number: str
    """The value as the room's language writes it."""
    share: str
    """Its percentage of the answers ("40 %"), or "" where a share means nothing."""
    marked: bool


def share_base(block: Bars) -> float:
    """What a bar's percentage is a share of, or 0 where a percentage means nothing.

    Only counts of answers make sense as shares: of all answers when each answer is one
    bar, of the answers given (not of the picks) when one answer can be in several bars.
    A share of a risk score, of Borda points or of marks would mislead, so those get none.
    """
    if block.answers is not None:
        return float(max(0, block.answers))
    if block.of_answers or block.unit.strip() == OLD_ANSWERS_UNIT:
        return sum(max(0.0, float(bar.value)) for bar in block.rows)
    return 0.0


def bars(block: Bars, t: Translator) -> list[BarFigure]:
    values = [max(0.0, float(bar.value)) for bar in block.rows]
    top = max(values, default=0.0) or 1.0
    whole = share_base(block)
    return [
        BarFigure(
            label=bar.label,
            value=value,
            fraction=value / top,
            number=t.number(value),
            share=t.percent(value, whole) if whole else "",
            marked=bar.marked,
        )
        for bar, value in zip(block.rows, values, strict=True)
    ]


def counts_answers(block: Bars) -> bool:
    """Whether the bars' values are counts of answers (not points, scores or marks)."""
    return block.of_answers or block.answers is not None or block.unit.strip() == OLD_ANSWERS_UNIT


def bars_unit(block: Bars) -> str:
    """The unit worth printing above the numbers ("points"), or "" for plain counts."""
    unit = block.unit.strip()
    if block.of_answers or block.answers is not None or unit == OLD_ANSWERS_UNIT:
        return ""
    return unit


def point_name(point: str, label: str) -> str:
    """A scale point with its label ("1 Never"), once, however the label was written."""
    label = one_line(label)
    if not label or label == point:
        return point
    if label.startswith(point) and not label[len(point) :][:1].isdigit():
        return label
    return f"{point} {label}"


def point_names(block: Spread) -> list[str]:
    """A name for each point of a spread's scale: its number, with its label if it has one."""
    points = [str(p) for p in block.points]
    labels = list(block.point_labels)
    if len(labels) == len(points):
        return [point_name(p, label) for p, label in zip(points, labels, strict=True)]
    if len(labels) == 2 and len(points) >= 2:
        return [point_name(points[0], labels[0]), *points[1:-1], point_name(points[-1], labels[1])]
    return points


@frozen
class SpreadFigure:
    __repr__ = attrs_repr

    label: str
    counts: tuple[int, ...]
    total: int
    mean: float | None
    mean_text: str
    """The mean as the room writes it, or a dash with no answers."""
    fraction: float
    """Where the mean falls between the scale's ends, from 0 to 1."""
    peak: int
    """The largest count in the row (0 with no answers)."""


def spread(block: Spread, t: Translator) -> list[SpreadFigure]:
    low, high = (min(block.points), max(block.points)) if block.points else (0, 1)
    rows = []
    for row in block.rows:
        mean = row.mean(block.points) if len(row.counts) == len(block.points) else None
        rows.append(
            SpreadFigure(
                label=row.label,
                counts=row.counts,
                total=row.total,
                mean=mean,
                mean_text="–" if mean is None else t.number(mean),
                fraction=0.0 if mean is None else (mean - low) / ((high - low) or 1),
                peak=max(row.counts, default=0),
            )
        )
    return rows


def shade(count: int, peak: int, levels: int) -> int:
    """Which of ``levels`` shades (0 = none) a heat map cell takes."""
    if count <= 0 or peak <= 0:
        return 0
    return min(levels - 1, math.ceil(count / peak * (levels - 1)))


def heat_peak(block: Heatmap) -> int:
    return max((c for row in block.cells for c in row), default=0)


def words(block: Words) -> list[tuple[str, int]]:
    """The words, most given first, ties in alphabetical order, blank ones left out."""
    kept = [(one_line(str(word)), int(count)) for word, count in block.words]
    return sorted(((w, c) for w, c in kept if w), key=lambda wc: (-wc[1], wc[0]))


def radar(block: Radar) -> list[float]:
    """Each axis's value as a fraction from 0 (``minimum``) to 1 (``maximum``)."""
    span = (block.maximum - block.minimum) or 1.0
    values = [min(1.0, max(0.0, (float(v) - block.minimum) / span)) for v in block.values]
    return values + [0.0] * max(0, len(block.axes) - len(values))


@frozen
class PointFigure:
    __repr__ = attrs_repr

    x: float
    """From 0 (the low end of the x axis) to 1."""
    y: float
    count: int
    label: str
    size: float
    """The marker's area relative to the largest count, from 0 to 1."""


def scatter(block: Scatter) -> list[PointFigure]:
    peak = max((p.count for p in block.points), default=0) or 1
    figures = []
    for point in block.points:
        fx, fy = block.fraction(point)
        figures.append(PointFigure(fx, fy, point.count, point.label, max(0, point.count) / peak))
    return figures


def ticks(labels: Sequence[str], low: float, high: float) -> list[tuple[float, str]]:
    """Evenly spaced tick labels along an axis: (fraction, label); numbers if none given."""
    if labels:
        if len(labels) == 1:
            return [(0.5, labels[0])]
        return [(i / (len(labels) - 1), label) for i, label in enumerate(labels)]
    if float(low).is_integer() and float(high).is_integer() and 0 < high - low <= 10:
        steps = int(high - low)
        return [(i / steps, str(int(low) + i)) for i in range(steps + 1)]
    return [(0.0, f"{low:g}"), (1.0, f"{high:g}")]
