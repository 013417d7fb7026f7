"""The item's countdown in big digits, coloured (and labelled) near and past its end."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Label

from facilitate.render.terminal import plain
from facilitate.room import TimerReading
from facilitate.tui.redraw import update

STATE_CLASSES = {"over": "over", "warning": "warning", "running": "running"}
"""The reading's state as a style class; a paused or unstarted timer reads "paused"."""


class BigTimer(Vertical):
    """Big digits and a caption; colour never carries the meaning alone.

    It draws a :class:`~facilitate.room.TimerReading` as it is given: the room's words on
    the projector, the facilitator's on the console.
    """

    DEFAULT_CSS = """
    BigTimer { height: auto; width: auto; }
    BigTimer Digits { width: auto; }
    BigTimer Label { width: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[str, str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Digits("00:00")
        yield Label("")

    def show(self, reading: TimerReading, caption: str | None = None) -> bool:
        """Show the time with ``caption`` (the reading's own by default); returns whether
        what is shown changed."""
        caption = reading.caption if caption is None else caption
        state = STATE_CLASSES.get(reading.state, "paused")
        if self._shown == (reading.digits, caption, state):
            return False
        self._shown = (reading.digits, caption, state)
        self.query_one(Digits).update(reading.digits)  # lays out only if its width changes
        label = self.query_one(Label)
        if label.styles.width is not None and label.styles.width.is_auto:
            label.update(plain(caption))  # its width follows its text
        else:  # a fixed width (the console's): "paused" after "running" lays nothing out
            update(label, plain(caption), reserve=True)
        for name in ("over", "warning", "running", "paused"):
            self.set_class(name == state, f"-{name}")
        return True
