"""Time for the agenda: an injectable clock, a pausable per-item timer, and the day's drift.

The engine never reads the system clock directly, so tests drive time with
:class:`ManualClock` and a rehearsal can run a whole day in seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Protocol

from attrs import define, frozen

from facilitate.reprs import attrs_repr


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes back."""
        ...

    def wall(self) -> dt.datetime:
        """Local wall-clock time, for projected end times."""
        ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> dt.datetime:
        return dt.datetime.now().astimezone()


class ManualClock:
    """A clock that moves only when told to: for tests and rehearsals."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = 0.0
        self._wall_start = start or dt.datetime(2026, 1, 1, 9, 0).astimezone()

    def monotonic(self) -> float:
        return self._now

    def wall(self) -> dt.datetime:
        return self._wall_start + dt.timedelta(seconds=self._now)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        self._now += seconds


@frozen
class TimerState:
    """What must be kept to bring a timer back after a crash."""

    __repr__ = attrs_repr

    planned: int
    elapsed: float = 0.0
    adjustment: int = 0
    running: bool = False


@define
class Timer:
    """The countdown of one item: start, pause, resume, extend or shorten."""

    __repr__ = attrs_repr

    clock: Clock
    planned: int
    adjustment: int = 0
    _elapsed_before: float = 0.0
    _started_at: float | None = None

    @property
    def running(self) -> bool:
        return self._started_at is not None

    @property
    def started(self) -> bool:
        return self.running or self._elapsed_before > 0

    @property
    def elapsed(self) -> float:
        if self._started_at is None:
            return self._elapsed_before
        return self._elapsed_before + self.clock.monotonic() - self._started_at

    @property
    def allowed(self) -> int:
        return max(0, self.planned + self.adjustment)

    @property
    def remaining(self) -> float:
        """Seconds left; negative once over time."""
        return self.allowed - self.elapsed

    @property
    def overrun(self) -> float:
        return max(0.0, -self.remaining)

    def start(self) -> None:
        if self._started_at is None:
            self._started_at = self.clock.monotonic()

    resume = start

    def pause(self) -> None:
        if self._started_at is not None:
            self._elapsed_before += self.clock.monotonic() - self._started_at
            self._started_at = None

    def extend(self, seconds: int) -> None:
        """Give the item more time (or less, with a negative number; never below zero)."""
        self.adjustment = max(-self.planned, self.adjustment + seconds)

    def state(self) -> TimerState:
        return TimerState(self.planned, round(self.elapsed, 3), self.adjustment, self.running)

    @classmethod
    def restore(cls, clock: Clock, state: TimerState) -> Timer:
        timer = cls(clock, state.planned, state.adjustment, state.elapsed)
        if state.running:
            timer.start()
        return timer


@frozen
class ItemTiming:
    __repr__ = attrs_repr

    planned: int
    actual: float | None
    """Seconds the item ran, or ``None`` if it has not been started."""

    @property
    def drift(self) -> float:
        return 0.0 if self.actual is None else self.actual - self.planned


def agenda_drift(timings: Sequence[ItemTiming], current: int) -> float:
    """Seconds behind plan (positive) or ahead (negative), counting items up to ``current``.

    Finished items count their actual time; the current one counts only once it has
    run over its plan, so a running item that is on time adds no drift.
    """
    drift = 0.0
    for index, timing in enumerate(timings[: current + 1]):
        if timing.actual is None:
            continue
        if index < current:
            drift += timing.drift
        else:
            drift += max(0.0, timing.drift)
    return drift


def projected_end(
    now: dt.datetime, timings: Sequence[ItemTiming], current: int, remaining_current: float
) -> dt.datetime:
    """When the day ends if the current item gets its remaining time and the rest their plan."""
    rest = sum(t.planned for t in timings[current + 1 :])
    return now + dt.timedelta(seconds=max(0.0, remaining_current) + rest)
