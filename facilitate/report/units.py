"""How the reports spell durations, drifts and numbers, the same way in every format."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitate.report.model import ItemReport, Report


def duration(seconds: float | None) -> str:
    """A duration for people: "45 s", "12 min", "1 h 05 min" (rounded to the minute from 1 min)."""
    if seconds is None:
        return "–"
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def drift(planned: int, actual: float | None) -> str:
    """Actual against planned: "on time", "+3 min", "−2 min"."""
    if actual is None:
        return ""
    difference = round(actual) - planned
    if abs(difference) < 30:
        return "on time"
    sign = "+" if difference > 0 else "−"
    return f"{sign}{duration(abs(difference))}"


def number(value: float) -> str:
    """An integer without ".0"; anything else with at most one decimal."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def day(iso: str) -> str:
    """A session's date for people: "8 March 2026" (as stored, if it is not a date)."""
    try:
        date = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{date.day} {date:%B %Y}"


def withheld_note(item: ItemReport) -> str:
    """What moderation left out of an item, in one sentence."""
    parts = []
    if item.pending:
        parts.append(plural(item.pending, "text") + " not yet approved")
    if item.rejected:
        parts.append(plural(item.rejected, "text") + " rejected")
    return "Left out of this report: " + " and ".join(parts) + "."


def privacy_note(report: Report) -> str:
    """The closing note on what the report leaves out, and why."""
    parts = [
        "Answers are anonymous: none is linked to a person, a device or a time, and answers"
        " to different items cannot be linked to one another.",
        f"Results of an item with fewer than its anonymity threshold (here {report.k} unless"
        " the agenda set another) are not shown"
        + (", except where asked for with --include-small." if report.include_small else "."),
        "Free text appears only once the facilitator approved it.",
    ]
    if report.withheld_texts:
        parts.append(
            plural(report.withheld_texts, "text") + " that were rejected or never"
            " approved are left out."
        )
    if report.generator:
        parts.append(f"Made with {report.generator}.")
    return " ".join(parts)
