"""The key list, one keypress away."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("space", "start or pause the item's timer"),
    ("n / p", "next / previous item (n skips an item whose plugin failed)"),
    ("+ / -", "one minute more / less for this item (= works as +)"),
    ("] / [", "five minutes more / less"),
    ("o", "open or close answering"),
    ("r", "reveal results to the room, or hide them"),
    ("l", "lock the room (no new phones) or open it"),
    ("c", "new join code (phones already in stay in)"),
    ("m", "moderate free text before the room sees it"),
    ("w", "show a Wi-Fi QR code on the projector"),
    ("tab / s", "switch between console and projector"),
    ("?", "this help"),
    ("q", "quit; the session is kept and can be resumed"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "close")]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, meaning in KEYS:
            table.add_row(Text(key), Text(meaning))
        with Vertical(classes="dialog"):
            yield Static(Text("Keys", style="bold"))
            yield Static(table)
            yield Static(Text("escape closes this help", style="italic"))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
