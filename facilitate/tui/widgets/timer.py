"""The item's countdown in big digits, coloured (and labelled) near and past its end."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Label

from facilitate.model import format_clock
from facilitate.tui.render import plain

WARNING_SECONDS = 120
"""The timer turns amber (and says so) in an item's last two minutes."""


class BigTimer(Vertical):
    """Big digits and a caption; colour never carries the meaning alone."""

    DEFAULT_CSS = """
    BigTimer { height: auto; width: auto; }
    BigTimer Digits { width: auto; }
    BigTimer Label { width: auto; }
    """

    def __init__(
        self, *, room: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.room = room
        """Captions for the room: no key hints."""
        self.words: dict[str, str] = {}
        """The captions in another language, by their English words (the projector's)."""
        self._shown: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Digits("00:00")
        yield Label("")

    def show(self, remaining: float, *, running: bool, started: bool) -> bool:
        """Show the time; returns whether what is shown changed."""
        digits = format_clock(remaining)
        word = self._word
        paused = "" if running else " · " + word("paused")
        if remaining < 0:
            state, caption = "over", word("OVER TIME") + paused
        elif remaining <= WARNING_SECONDS and started:
            state, caption = "warning", word("last minutes") + paused
        elif running:
            state, caption = "running", word("running")
        else:
            state, caption = "paused", word("paused") if started else "not started"
            if self.room and not started:
                caption = ""
            elif not started:
                caption += " · space starts"
        if self._shown == (digits, caption):
            return False
        self._shown = (digits, caption)
        self.query_one(Digits).update(digits)
        self.query_one(Label).update(plain(caption))
        for name in ("over", "warning", "running", "paused"):
            self.set_class(name == state, f"-{name}")
        return True

    def _word(self, english: str) -> str:
        return self.words.get(english, english)
