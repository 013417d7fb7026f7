"""Ask before quitting, and say how to come back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from facilitate.i18n import N_
from facilitate.tui.screens.base import Dialog


class QuitScreen(Dialog[bool]):
    BINDINGS = [
        Binding("y,q,enter", "answer(True)", N_("quit")),
        Binding("n,escape", "answer(False)", N_("stay")),
    ]

    def __init__(self, resume_hint: str) -> None:
        super().__init__()
        self.resume_hint = resume_hint

    def compose_dialog(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Text(t.gettext("Quit the workshop?"), style="bold"))
            yield Static(Text(self.resume_hint))
            yield Static(Text(t.gettext("y or q: quit    n or escape: stay"), style="italic"))

    def action_answer(self, quit: bool) -> None:
        self.dismiss(quit)
