"""Value types shared by every part of facilitate: the agenda as loaded, and its items.

They are frozen attrs classes: once an agenda is loaded and checked, the rest of the
program trusts it and nothing changes it by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from facilitate.reprs import attrs_repr

DEFAULT_K = 5
"""Results of an item stay hidden until at least this many answers (the anonymity threshold)."""

_DURATION_PART = re.compile(r"(\d+)\s*([hms])")
_DURATION_WHOLE = re.compile(r"^\s*(?:\d+\s*[hms]\s*)+$")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
DURATION_EXAMPLE = '"15m", "1h30m" or "90s"'


class DurationError(ValueError):
    """A duration string that is not of the form "1h30m"."""


def parse_duration(text: str) -> int:
    """Seconds in a duration such as "15m", "1h30m", "45s" or "1h 5m 30s".

    Each unit may appear once, in the order h, m, s. Zero is refused: an item that
    takes no time is not an item.
    """
    if not isinstance(text, str) or not _DURATION_WHOLE.match(text):
        raise DurationError(f"expected a duration like {DURATION_EXAMPLE}, got {text!r}")
    parts = _DURATION_PART.findall(text)
    units = [unit for _, unit in parts]
    if len(set(units)) != len(units) or units != sorted(units, key="hms".index):
        raise DurationError(
            f"expected each unit once, in the order h, m, s ({DURATION_EXAMPLE}), got {text!r}"
        )
    seconds = sum(int(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    if seconds <= 0:
        raise DurationError(f"expected a duration longer than zero, like {DURATION_EXAMPLE}")
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest "1h30m"-style spelling of a positive number of seconds."""
    if seconds <= 0:
        raise DurationError("a duration must be longer than zero")
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = ""
    if hours:
        text += f"{hours}h"
    if minutes:
        text += f"{minutes}m"
    if secs:
        text += f"{secs}s"
    return text


def format_clock(seconds: float) -> str:
    """A timer reading: "12:05", "1:02:03", with a minus sign when over time."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds) + (0 if seconds < 0 else 0.999))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"


@frozen
class Activity:
    """What participants do during an item: an activity type and that type's settings.

    ``settings`` is the item's ``[items.activity]`` table without ``type``, kept as
    written so the agenda round-trips; ``config`` is the activity type's own checked
    config object built from it (``None`` until the plugin manager has built it).
    """

    __repr__ = attrs_repr

    type: str
    settings: Mapping[str, Any] = field(factory=dict)
    config: Any = field(default=None, eq=False, repr=False)


@frozen
class Item:
    """One timed step of a workshop: a talk, a break, a poll, an exercise."""

    __repr__ = attrs_repr

    id: str
    title: str
    duration: int
    notes: str = ""
    activity: Activity | None = None
    k: int | None = None

    @property
    def kind(self) -> str:
        return self.activity.type if self.activity else "talk"


@frozen
class Agenda:
    """A whole workshop, as loaded from a TOML file."""

    __repr__ = attrs_repr

    title: str
    items: tuple[Item, ...]
    language: str = "en"
    k: int = DEFAULT_K
    start: dt.time | None = None
    description: str = ""

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def index_of(self, item_id: str) -> int:
        for index, item in enumerate(self.items):
            if item.id == item_id:
                return index
        raise KeyError(item_id)

    def k_for(self, item: Item) -> int:
        return item.k if item.k is not None else self.k

    @property
    def planned_seconds(self) -> int:
        return sum(item.duration for item in self.items)
