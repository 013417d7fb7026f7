"""The facilitator's console: the day's agenda, the current item, its timer and live result."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

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
                yield Static(id="result")
                yield Static(id="moderation-queue")
                yield Static(id="notes")
        yield Footer(compact=True)

    @property
    def compact(self) -> bool:
        return self.size.width < COMPACT_WIDTH

    def on_resize(self) -> None:
        self.workshop.mark_dirty()

    def sync(self, *, full: bool) -> None:
        if not self.is_mounted:
            return
        app = self.workshop
        engine = app.engine
        timer = engine.current_run.timer
        ticked = self.query_one(BigTimer).show(
            timer.remaining, running=timer.running, started=timer.started
        )
        if not full:
            if ticked:  # the agenda's times and the projected end move with the clock
                self.query_one("#agenda", Static).update(
                    panels.agenda_table(engine, compact=self.compact)
                )
            return
        self.query_one("#status", Static).update(panels.status_bar(engine, app.join_url, app.note))
        self.query_one("#agenda", Static).update(panels.agenda_table(engine, compact=self.compact))
        self.query_one("#item-title", Static).update(panels.item_heading(engine))
        self.query_one("#item-state", Static).update(panels.item_state(engine))
        self.query_one("#hint", Static).update(panels.hint(engine, simulated=app.simulated))
        self.query_one("#result", Static).update(panels.console_result(engine))
        queue = self.query_one("#moderation-queue", Static)
        queue.update(panels.moderation_queue(engine))
        queue.display = bool(engine.all_pending())
        notes = self.query_one("#notes", Static)
        notes.update(panels.notes(engine))
        notes.display = bool(engine.current.notes)
