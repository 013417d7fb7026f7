"""The panic key's question: erase this session for good, stop the server and quit?

It asks once, with a key of its own (``w``), so a stray ``y`` or Enter kept from the
quit dialog never erases a workshop.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from facilitate.i18n import N_
from facilitate.tui.screens.base import Dialog


class WipeScreen(Dialog[bool]):
    BINDINGS = [
        Binding("w", "answer(True)", N_("wipe and quit")),
        Binding("n,escape,q", "answer(False)", N_("keep")),
    ]

    def __init__(self, *, ephemeral: bool = False) -> None:
        super().__init__()
        self.ephemeral = ephemeral

    def compose_dialog(self) -> ComposeResult:
        t = self.t
        if self.ephemeral:
            what = t.gettext(
                "This session lives in memory only: it ends now, the participant server"
                " stops and facilitate quits."
            )
        else:
            what = t.gettext(
                "Every answer, the moderation and the session's files on this laptop are"
                " erased for good, the participant server stops and facilitate quits."
                " This cannot be undone."
            )
        with Vertical(classes="dialog"):
            yield Static(Text(t.gettext("Wipe this session and quit?"), style="bold"))
            yield Static(Text(what))
            keys = t.gettext("w: wipe and quit    n or escape: keep it")
            yield Static(Text(keys, style="italic"))

    def action_answer(self, wipe: bool) -> None:
        self.dismiss(wipe)
