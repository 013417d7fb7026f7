"""What the room sees: the item, its timer, how to join, and results once revealed.

Everything on this screen comes from :func:`facilitate.room.room_view`, in the room's
language: it never decides itself whether a result may be shown. It shows no
notification either; those are the facilitator's, and wait for the console.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from facilitate.engine.runs import CLOSED, OPEN
from facilitate.render.terminal import GREEN, ORANGE, line
from facilitate.room import RoomView, read_timer, room_translator, room_view
from facilitate.tui import redraw
from facilitate.tui.screens.base import WorkshopScreen
from facilitate.tui.widgets import BigTimer, QRCode
from facilitate.tui.widgets.paged import PagedResult
from facilitate.tui.widgets.qr import TOO_SMALL

MAX_QR_SHARE = 0.6
"""The join column may take this share of the width; the rest is the item and results."""
COMPACT_JOIN_WIDTH = 30
ROOMY_WIDTH = 100
"""Below this width, shown results take the QR code's place (the URL and code stay)."""
CALL_STYLES = {OPEN: f"bold {GREEN}", CLOSED: f"bold {ORANGE}"}


class ProjectorScreen(WorkshopScreen):
    """Big, plain, high contrast; shows nothing that could single out a participant."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="projector-body"):
            with Vertical(id="stage"):
                yield Static(id="projector-title")
                yield BigTimer(id="projector-timer")
                yield Static(id="projector-prompt")
                yield Static(id="projector-room")
                yield PagedResult(id="projector-result")
            with Vertical(id="join"):
                yield QRCode(id="join-qr")
                yield Static(id="join-code")
                yield Static(id="join-url")
                yield QRCode(id="wifi-qr")
                yield Static(id="wifi-caption")

    def sync(self, *, full: bool, answers: bool = True) -> None:
        if not self.is_mounted:
            return
        engine = self.workshop.engine
        reading = read_timer(engine.current_run.timer, room_translator(engine))
        self.query_one(BigTimer).show(reading)
        if not full:  # the clock alone: no need to ask the activity type for its view
            return
        app = self.workshop
        page = app.result_page_of(engine.current.id)
        # The words (title, prompt, call, how to join) change with the facilitator's
        # keys, or when answers cross k; the result with every answer. Answers alone
        # draw the result, and lay nothing out.
        joining = (engine.join_code, engine.locked)  # how many joined is not shown here
        words = (redraw.disclosed(engine), joining, app.join_url, app.wifi, page)
        result = (redraw.result(engine), page)
        new_words = self.drawn.changed("room", words)
        if not self.drawn.changed("result", result) and not new_words:
            return
        room = room_view(engine)
        if new_words:
            self.query_one("#projector-title", Static).update(line(room.title, style="bold"))
            self.query_one("#projector-prompt", Static).update(line(room.prompt))
            call = Text(room.call_to_action, style=CALL_STYLES.get(room.phase, ""))
            self.query_one("#projector-room", Static).update(call)
        self._show_result(room)
        if new_words:
            self._show_join(room)

    def on_mount(self) -> None:
        self.workshop.projector_result = self.query_one(PagedResult)

    def _show_result(self, room: RoomView) -> None:
        engine = self.workshop.engine
        result = self.query_one(PagedResult)
        if room.shows_result:
            page = self.workshop.result_page_of(engine.current.id)
            result.show(room.blocks, room_translator(engine), page=page)
        else:
            result.show(None, room_translator(engine), message=self._withheld(room))

    @staticmethod
    def _withheld(room: RoomView) -> RenderableType:
        return line(room.withheld_message, style="italic")

    def _show_join(self, room: RoomView) -> None:
        app = self.workshop
        compact = room.shows_result and self.size.width < ROOMY_WIDTH
        too_small = room_translator(app.engine).gettext(TOO_SMALL)
        join_qr = self.query_one("#join-qr", QRCode)
        join_qr.set_data(app.join_url)
        join_qr.too_small = too_small
        join_qr.display = not compact and not room.locked
        self.set_class(compact, "-compact")
        both = self._size_join_column(compact, two_codes=app.wifi is not None and not room.locked)
        self.query_one("#join-code", Static).update(_code_text(room))
        self.query_one("#join-url", Static).update(line(app.join_url))
        wifi_qr = self.query_one("#wifi-qr", QRCode)
        wifi_qr.set_data(app.wifi.payload if app.wifi else "")
        wifi_qr.too_small = too_small
        # Where only one code fits, it is the join code: the room can still join the
        # network by its name, and the facilitator can take the join code down with l.
        wifi_qr.display = app.wifi is not None and not compact and (both or room.locked)
        caption = self.query_one("#wifi-caption", Static)
        caption.display = app.wifi is not None
        if app.wifi:
            caption.update(line(f"{room.labels['wifi']}: {app.wifi.ssid}", style="bold"))

    def _size_join_column(self, compact: bool, *, two_codes: bool) -> bool:
        """Give the QR code(s) as many whole-module cells as the screen allows.

        Returns whether two codes fit one above the other.
        """
        width, height = self.size
        column = self.query_one("#join")
        # The URL is read on one line, never wrapped mid-address.
        narrowest = max(COMPACT_JOIN_WIDTH, len(self.workshop.join_url) + 2)
        if compact:
            column.styles.width = narrowest
            return False
        qr = self.query_one("#join-qr", QRCode)
        code = qr.code_size(int(width * MAX_QR_SHARE), (height - 4) // 2) if two_codes else None
        both = bool(code)
        if not both:
            code = qr.code_size(int(width * MAX_QR_SHARE), height - 3 - (1 if two_codes else 0))
        assert code is not None
        column.styles.width = max(narrowest, code.width + 2)
        return both

    def on_resize(self) -> None:
        self.drawn.forget()
        self.workshop.mark_dirty()

    def on_screen_resume(self) -> None:
        # Textual calls WorkshopScreen's handler after this one: it draws the screen.
        self.drawn.forget()

    def join_margin(self) -> tuple[int, int, int, int]:
        join = self.query_one("#join")
        return (0, join.region.width, 0, 0) if join.display else (0, 0, 0, 0)


def _code_text(room: RoomView) -> Text:
    if room.locked:
        return Text(room.join_caption, style="bold")
    return Text.assemble((room.join_caption + " ", ""), (room.join_code, "bold"))
