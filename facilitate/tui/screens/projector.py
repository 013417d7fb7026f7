"""What the room sees: the item, its timer, how to join, and results once revealed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from facilitate.tui.render import line
from facilitate.tui.screens.base import WorkshopScreen
from facilitate.tui.widgets import BigTimer, QRCode, panels

if TYPE_CHECKING:
    from facilitate.server.i18n import Translator

MAX_QR_SHARE = 0.6
"""The join column may take this share of the width; the rest is the item and results."""
COMPACT_JOIN_WIDTH = 30
ROOMY_WIDTH = 100
"""Below this width, revealed results take the QR code's place (the URL and code stay)."""


class ProjectorScreen(WorkshopScreen):
    """Big, plain, high contrast; shows nothing that could single out a participant."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="projector-body"):
            with Vertical(id="stage"):
                yield Static(id="projector-title")
                yield BigTimer(room=True, id="projector-timer")
                yield Static(id="projector-prompt")
                yield Static(id="projector-room")
                yield Static(id="projector-result")
            with Vertical(id="join"):
                yield QRCode(id="join-qr")
                yield Static(id="join-code")
                yield Static(id="join-url")
                yield QRCode(id="wifi-qr")
                yield Static(id="wifi-caption")

    def sync(self, *, full: bool) -> None:
        if not self.is_mounted:
            return
        app = self.workshop
        engine = app.engine
        run = engine.current_run
        timer = run.timer
        big_timer = self.query_one(BigTimer)
        if not big_timer.words:
            big_timer.words = timer_words(panels.room_words(engine))
        big_timer.show(timer.remaining, running=timer.running, started=timer.started)
        if not full:
            return
        self.query_one("#projector-title", Static).update(line(run.item.title, style="bold"))
        self.query_one("#projector-prompt", Static).update(line(panels.prompt_of(engine, run)))
        self.query_one("#projector-room", Static).update(panels.room_line(engine))
        self.query_one("#projector-result", Static).update(panels.projector_result(engine))
        revealed = run.revealed and engine.public_view(run.item.id) is not None
        compact = revealed and self.size.width < ROOMY_WIDTH
        join_qr = self.query_one("#join-qr", QRCode)
        join_qr.set_data(app.join_url)
        join_qr.display = not compact and not engine.locked
        self.set_class(compact, "-compact")
        both = self._size_join_column(compact, two_codes=app.wifi is not None and not engine.locked)
        self.query_one("#join-code", Static).update(self._code_text())
        self.query_one("#join-url", Static).update(line(app.join_url))
        wifi_qr = self.query_one("#wifi-qr", QRCode)
        wifi_qr.set_data(app.wifi.payload if app.wifi else "")
        # Where only one code fits, it is the join code: the room can still join the
        # network by its name, and the facilitator can take the join code down with l.
        wifi_qr.display = app.wifi is not None and not compact and (both or engine.locked)
        caption = self.query_one("#wifi-caption", Static)
        caption.display = app.wifi is not None
        if app.wifi:
            wifi = panels.room_words(engine)("screen_wifi")
            caption.update(line(f"{wifi}: {app.wifi.ssid}", style="bold"))

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
        self.workshop.mark_dirty()

    def _code_text(self) -> Text:
        engine = self.workshop.engine
        t = panels.room_words(engine)
        if engine.locked:
            return Text(t("screen_closed_to_phones"), style="bold")
        return Text.assemble(
            (t("screen_join_code") + " ", ""), (panels.format_code(engine.join_code), "bold")
        )


def timer_words(t: Translator) -> dict[str, str]:
    """The room timer's captions in the projector's language, by their English words."""
    return {
        "OVER TIME": t("screen_timer_over"),
        "last minutes": t("screen_timer_last_minutes"),
        "running": t("screen_timer_running"),
        "paused": t("screen_timer_paused"),
    }
