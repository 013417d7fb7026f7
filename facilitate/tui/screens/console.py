"""The facilitator's console: the day's agenda, the current item, its timer and live result.

Its words are the facilitator's; a one-line preview quotes what the room sees now, from
the same room model as the projector, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widgets import Static

from facilitate.room import read_timer, room_view
from facilitate.tui import redraw
from facilitate.tui.screens.base import FOOTER_ORDER, FOOTER_PRIORITY, WorkshopScreen
from facilitate.tui.widgets import panels
from facilitate.tui.widgets.footer import PriorityFooter
from facilitate.tui.widgets.timer import BigTimer

COMPACT_WIDTH = 100
"""Below this width the agenda shows titles and plans only."""
RESERVING = ("status", "item-state", "hint", "room-preview", "result")
"""Panels whose text a key or an answer changes: each keeps the height it has grown to
while the item is shown, so such a key (or the line saying newer answers wait for the
next step, coming and going) lays nothing out (:func:`redraw.update`)."""
RESERVING_SELECTOR = ", ".join([*(f"#{panel}" for panel in RESERVING), "#console-timer Label"])


class ItemDetails(Vertical):
    """The current item's hint, room preview, result, moderation queue and notes.

    Mounted just after the console's first frame (:class:`textual.lazy.Lazy`): the
    facilitator sees the agenda, the status line and the timer at once, and these a
    frame later, drawn as soon as they are there.
    """

    def on_mount(self) -> None:
        screen = self.screen
        if isinstance(screen, ConsoleScreen):
            screen.details_mounted()


class ConsoleScreen(WorkshopScreen):
    """Everything the facilitator needs at a glance; the room sees the projector screen.

    Each panel is drawn again only when what it is drawn from changed
    (:mod:`facilitate.tui.redraw`): an answer redraws the item's state and result, never
    the agenda; a second of the clock redraws the timer and the agenda's times.
    """

    def __init__(self) -> None:
        super().__init__()
        self._phones: tuple[Hashable, ...] | None = None
        """What phones had changed when the panels were last drawn (:func:`redraw.phones`)."""
        self._drawn_size: tuple[int, int] | None = None
        """The screen's size when every panel was last drawn."""
        self._details = False
        """Whether :class:`ItemDetails` is mounted (it comes a frame after the rest)."""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="console-body"):
            yield Static(id="agenda")
            with VerticalScroll(id="current"):
                yield Static(id="item-title")
                with Horizontal(id="timer-row"):
                    yield BigTimer(id="console-timer")
                    yield Static(id="item-state")
                yield Lazy(
                    ItemDetails(
                        Static(id="hint"),
                        Static(id="room-preview"),
                        Static(id="result"),
                        Static(id="moderation-queue"),
                        Static(id="notes"),
                        id="item-details",
                    )
                )
        yield PriorityFooter(FOOTER_PRIORITY, FOOTER_ORDER)

    def details_mounted(self) -> None:
        self._details = True
        self.sync(full=True)

    def join_margin(self) -> tuple[int, int, int, int]:
        status = self.query_one("#status")
        return (status.region.bottom, 0, 0, 0)

    @property
    def compact(self) -> bool:
        return self.size.width < COMPACT_WIDTH

    def on_resize(self) -> None:
        if (self.size.width, self.size.height) == self._drawn_size:
            return  # drawn at this size already (the Resize that follows the first draw)
        self._release()
        self.workshop.mark_dirty()

    def on_screen_resume(self) -> None:
        # Textual calls WorkshopScreen's handler after this one: it draws the screen.
        self._release()

    def _release(self) -> None:
        """Draw every panel again, each at its own text's height."""
        self.drawn.forget()
        self._phones = None
        if self.is_mounted:
            redraw.release(self.query(RESERVING_SELECTOR).results(Static))

    def _show_timer(self) -> bool:
        reading = read_timer(self.workshop.engine.current_run.timer, self.t)
        caption = None if reading.started else self.t.gettext("not started · space starts")
        return self.query_one(BigTimer).show(reading, caption)

    def _update(self, panel: str, fingerprint: Hashable, draw: Callable[[], Any]) -> bool:
        """Draw ``panel`` with ``draw()`` if its fingerprint changed; returns whether."""
        if not self.drawn.changed(panel, fingerprint):
            return False
        widget = self.query_one(f"#{panel}", Static)
        redraw.update(widget, draw(), reserve=panel in RESERVING)
        return True

    def _seen_phones(self, answers: bool) -> tuple[Hashable, ...]:
        """What phones changed, as drawn now: as they are if ``answers``, else as last
        drawn (a key is drawn at once; answers that came meanwhile at the next tick)."""
        now = redraw.phones(self.workshop.engine)
        if self._phones is not None and now[0] != self._phones[0]:  # another item
            redraw.release(self.query(RESERVING_SELECTOR).results(Static))
        elif not answers and self._phones is not None:
            return self._phones
        self._phones = now
        return now

    def sync(self, *, full: bool, answers: bool = True) -> None:
        if not self.is_mounted:
            return
        app, t = self.workshop, self.t
        engine = app.engine
        if full:
            self._drawn_size = (self.size.width, self.size.height)
        self._show_timer()
        phones = self._seen_phones(answers and full)
        clock, joining = redraw.clock(engine), redraw.room(engine, phones)
        compact = self.compact
        self._update(
            "agenda", (clock, compact), lambda: panels.agenda_table(engine, t, compact=compact)
        )
        url, note = app.join_url, app.note
        self._update(
            "status",
            (clock, joining, url, note),
            lambda: panels.status_bar(engine, t, url, note),
        )
        if not full:  # the clock alone
            return
        self._update("item-title", engine.index, lambda: panels.item_heading(engine, t))
        result = redraw.result(engine, phones)
        self._update("item-state", (result, joining), lambda: panels.item_state(engine, t))
        if not self._details:
            return
        self._sync_room(result, redraw.disclosed(engine, phones))
        if answers:  # the whole agenda's queue: phones' texts and decisions only
            queue = redraw.moderation(engine)
            if self._update("moderation-queue", queue, lambda: panels.moderation_queue(engine, t)):
                self.query_one("#moderation-queue").display = bool(engine.all_pending_count())
        if self._update("notes", engine.index, lambda: panels.notes(engine, t)):
            self.query_one("#notes").display = bool(engine.current.notes)

    def _sync_room(self, result: Hashable, disclosed: Hashable) -> None:
        """The panels drawn from the room model: asked for only when one changed (the
        hint and preview only when what they say can have changed, not for each answer)."""
        app, t = self.workshop, self.t
        engine = app.engine
        run = engine.current_run
        pages = app.projector_pages()
        fingerprints = {
            "hint": (disclosed, run.timer.started, app.simulated),
            "room-preview": (disclosed, engine.locked, engine.join_code, pages),
            "result": result,
        }
        stale = [name for name, key in fingerprints.items() if self.drawn.changed(name, key)]
        if not stale:
            return
        drawers: dict[str, Callable[[], Any]] = {
            "result": lambda: panels.console_result(engine, t),
        }
        if stale != ["result"]:  # the room model, asked once for the words about the item
            room = room_view(engine)
            drawers["hint"] = lambda: panels.hint(engine, t, room, simulated=app.simulated)
            drawers["room-preview"] = lambda: panels.room_preview(room, t, pages=pages)
        for name in stale:
            widget = self.query_one(f"#{name}", Static)
            redraw.update(widget, drawers[name](), reserve=name in RESERVING)
