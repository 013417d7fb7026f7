"""The agenda's clockwork: each item's timer, recorded on every change, and the day's drift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from facilitate import events
from facilitate.clock import Clock, ItemTiming, agenda_drift, projected_end
from facilitate.engine.runs import ItemRun
from facilitate.engine.session_log import RecordKind, SessionLog
from facilitate.model import Agenda


class Timing:
    """Starts, pauses and extends item timers; every change is logged and published."""

    def __init__(
        self,
        agenda: Agenda,
        runs: Mapping[str, ItemRun],
        clock: Clock,
        log: SessionLog,
        publish: Callable[[events.Event], None],
    ) -> None:
        self.agenda = agenda
        self.runs = runs
        self.clock = clock
        self.log = log
        self.publish = publish

    def record(self, run: ItemRun) -> None:
        state = run.timer.state()
        self.log.append(
            RecordKind.TIMER,
            {
                "item_id": run.item.id,
                "planned": state.planned,
                "elapsed": state.elapsed,
                "adjustment": state.adjustment,
                "running": state.running,
                # Facilitator's timer only; answers never carry a time.
                "wall": round(self.clock.wall().timestamp(), 1) if state.running else None,
            },
        )
        self.publish(events.TimerChanged(run.item.id, state.running, run.timer.remaining))

    def start(self, run: ItemRun) -> None:
        if not run.timer.running:
            run.timer.start()
            self.record(run)

    def pause(self, run: ItemRun) -> None:
        if run.timer.running:
            run.timer.pause()
            self.record(run)

    def extend(self, run: ItemRun, seconds: int) -> None:
        """Give the item more time; a negative number shortens it."""
        run.timer.extend(seconds)
        self.record(run)

    def timings(self) -> list[ItemTiming]:
        return [
            ItemTiming(run.item.duration, run.timer.elapsed if run.timer.started else None)
            for run in (self.runs[item.id] for item in self.agenda.items)
        ]

    def drift(self, index: int) -> float:
        return agenda_drift(self.timings(), index)

    def projected_end(self, index: int) -> dt.datetime:
        current = self.runs[self.agenda.items[index].id]
        return projected_end(self.clock.wall(), self.timings(), index, current.timer.remaining)
