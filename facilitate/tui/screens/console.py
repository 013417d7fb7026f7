"""The facilitator's console: the day's agenda, the current item, its timer and live result.

Its words are the facilitator's; a one-line preview quotes what the room sees now, from
the same room model as the projector, so the two cannot disagree.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from facilitate.room import read_timer, room_view
from facilitate.tui.screens.base import WorkshopScreen
from facilitate.tui.widgets import BigTimer, panels

COMPACT_WIDTH = 100
"""Below this width the agenda shows titles and plans only."""


class ConsoleScreen(WorkshopScreen):
    """Everything the facilitator needs at a glance; the room sees the projector screen."""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="console-body"):
            yield Static(id="agenda")
            with VerticalScroll(id="current"):
                yield Static(id="item-title")
                with Horizontal(id="timer-row"):
                    yield BigTimer(id="console-timer")
                    yield Static(id="item-state")
                yield Static(id="hint")
                yield Static(id="room-preview")
                yield Static(id="result")
                yield Static(id="moderation-queue")
                yield Static(id="notes")
        yield Footer(compact=True)

    @property
    def compact(self) -> bool:
        return self.size.width < COMPACT_WIDTH

    def on_resize(self) -> None:
        self.workshop.mark_dirty()

    def _show_timer(self) -> bool:
        reading = read_timer(self.workshop.engine.current_run.timer, self.t)
        caption = None if reading.started else self.t.gettext("not started · space starts")
        return self.query_one(BigTimer).show(reading, caption)

    def sync(self, *, full: bool) -> None:
        if not self.is_mounted:
            return
        app, t = self.workshop, self.t
        engine = app.engine
        ticked = self._show_timer()
        agenda = self.query_one("#agenda", Static)
        if not full:
            if ticked:  # the agenda's times and the projected end move with the clock
                agenda.update(panels.agenda_table(engine, t, compact=self.compact))
            return
        room = room_view(engine)
        self.query_one("#status", Static).update(
            panels.status_bar(engine, t, app.join_url, app.note)
        )
        agenda.update(panels.agenda_table(engine, t, compact=self.compact))
        self.query_one("#item-title", Static).update(panels.item_heading(engine, t))
        self.query_one("#item-state", Static).update(panels.item_state(engine, t))
        self.query_one("#hint", Static).update(
            panels.hint(engine, t, room, simulated=app.simulated)
        )
        self.query_one("#room-preview", Static).update(panels.room_preview(room, t))
        self.query_one("#result", Static).update(panels.console_result(engine, t))
        queue = self.query_one("#moderation-queue", Static)
        queue.update(panels.moderation_queue(engine, t))
        queue.display = bool(engine.all_pending())
        notes = self.query_one("#notes", Static)
        notes.update(panels.notes(engine, t))
        notes.display = bool(engine.current.notes)
