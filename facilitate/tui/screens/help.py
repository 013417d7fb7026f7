"""The key list, one keypress away, in the facilitator's language."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from facilitate.i18n import N_
from facilitate.tui.screens.base import Dialog

KEYS = (
    (N_("space"), N_("start or pause the item's timer")),
    ("n / p", N_("next / previous item (n skips an item whose plugin failed)")),
    ("+ / -", N_("one minute more / less for this item (= works as +)")),
    ("] / [", N_("five minutes more / less")),
    (N_("PgDn / PgUp"), N_("next / previous page of a long result (. and , work too)")),
    ("o", N_("open or close answering")),
    ("r", N_("reveal results to the room, or hide them")),
    ("l", N_("lock the room (no new phones) or open it")),
    ("c", N_("new join code (phones already in stay in)")),
    ("m", N_("moderate free text before the room sees it")),
    ("w", N_("show a Wi-Fi QR code on the projector")),
    ("a", N_("the web projector's and the control page's addresses")),
    ("tab / s", N_("switch between console and projector")),
    ("?", N_("this help")),
    ("q", N_("quit; the session is kept and can be resumed")),
    ("!", N_("wipe the session for good and quit (asks first)")),
)


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", N_("close"))]

    def compose_dialog(self) -> ComposeResult:
        t = self.t
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, meaning in KEYS:
            table.add_row(Text(t.gettext(key)), Text(t.gettext(meaning)))
        # The way out is on the frame, so it shows however small the terminal; the
        # keys scroll inside it when they do not fit.
        with VerticalScroll(classes="dialog", id="help") as frame:
            frame.border_title = t.gettext("Keys")
            frame.border_subtitle = t.gettext("escape closes this help")
            yield Static(table)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
