"""Ask before quitting, and say how to come back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class QuitScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,q,enter", "answer(True)", "quit"),
        Binding("n,escape", "answer(False)", "stay"),
    ]

    def __init__(self, resume_hint: str) -> None:
        super().__init__()
        self.resume_hint = resume_hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Quit the workshop?", style="bold"))
            yield Static(Text(self.resume_hint))
            yield Static(Text("y or q: quit    n or escape: stay", style="italic"))

    def action_answer(self, quit: bool) -> None:
        self.dismiss(quit)
