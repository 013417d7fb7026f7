"""The day at a glance: one SVG chart of each item's planned and actual time."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from facilitate.i18n import Translator
from facilitate.render import svg as s
from facilitate.report.model import ItemReport

WIDTH = 720


def _tick_step(total_minutes: float) -> int:
    """Minutes between grid lines: no more than eight lines across."""
    for step in (1, 2, 5, 10, 15, 30, 60, 120):
        if total_minutes / step <= 8:
            return step
    return 240


def _summary(t: Translator, item: ItemReport) -> str:
    planned = t.duration(item.planned)
    if item.actual is None:
        return t.gettext("not run ({planned} planned)", planned=planned)
    return t.gettext("{actual} of {planned}", actual=t.duration(item.actual), planned=planned)


def _legend(t: Translator, left: float) -> list[Markup]:
    keys = [
        (t.gettext("planned"), s.PLANNED, 14),
        (t.gettext("actual"), s.ACCENT, 6),
        (t.gettext("over plan"), s.HIGHLIGHT, 6),
    ]
    body = []
    x = left
    for name, color, height in keys:
        body.append(s.rect(x, 12 - height / 2, 22, height, color, rx=2))
        body.append(s.text(x + 28, 16, name, size=12, fill=s.MUTED))
        x += 28 + s.text_width(name, 12) + 22
    return body


def timing_chart(items: Sequence[ItemReport], t: Translator) -> Markup:
    """Planned (pale band) against actual (bar; the part over plan in orange) per item."""
    summaries = [_summary(t, item) for item in items]
    label_width = 230.0
    summary_width = max([150.0] + [s.text_width(summary, 12) + 16 for summary in summaries])
    left, right = label_width + 14, WIDTH - summary_width
    longest = max([item.planned for item in items] + [item.actual or 0 for item in items] + [60])
    step = _tick_step(longest / 60)
    scale_max = math.ceil(longest / 60 / step) * step * 60

    def x_of(seconds: float) -> float:
        return left + seconds / scale_max * (right - left)

    body = _legend(t, left)
    top, row_height = 32.0, 30.0
    bottom = top + row_height * len(items)
    for tick in range(0, int(scale_max / 60) + 1, step):
        tx = x_of(tick * 60)
        body.append(s.line(tx, top - 4, tx, bottom))
        minutes = t.pgettext("duration", "{minutes} min", minutes=tick)
        body.append(s.text(tx, bottom + 16, minutes, anchor="middle", size=11, fill=s.MUTED))
    for row, (item, summary) in enumerate(zip(items, summaries, strict=True)):
        center = top + row_height * (row + 0.5)
        label = s.wrap(f"{item.number}. {item.title}", label_width, 13, 1)
        parts = [
            s.lines(label_width, center, label, size=13),
            s.rect(left, center - 8, x_of(item.planned) - left, 16, s.PLANNED, rx=2),
        ]
        if item.actual is not None:
            within = min(item.actual, item.planned)
            parts.append(s.rect(left, center - 3, x_of(within) - left, 6, s.ACCENT, rx=1))
            if item.actual > item.planned:
                over = x_of(item.actual) - x_of(item.planned)
                parts.append(s.rect(x_of(item.planned), center - 3, over, 6, s.HIGHLIGHT, rx=1))
        parts.append(s.text(right + 10, center + 4, summary, size=12, fill=s.MUTED))
        body.append(s.group(f"{item.number}. {item.title}: {summary}", parts))
    name = t.gettext("Planned and actual time of each item")
    return s.svg(WIDTH, bottom + 24, name, body)
