"""Events the engine publishes when the workshop changes; the TUI and server subscribe.

They carry ids and counts, never participant identifiers, so any subscriber (a plugin
observer too) can see them.
"""

from __future__ import annotations

from attrs import frozen

from facilitate.reprs import attrs_repr


@frozen
class ItemChanged:
    """The current item is now ``index``."""

    __repr__ = attrs_repr

    index: int
    item_id: str


@frozen
class TimerChanged:
    """The current item's timer was started, paused, extended or shortened."""

    __repr__ = attrs_repr

    item_id: str
    running: bool
    remaining: float


@frozen
class PhaseChanged:
    """Answering was opened or closed, or results revealed or hidden."""

    __repr__ = attrs_repr

    item_id: str
    phase: str


@frozen
class AnswersChanged:
    """An answer was added, changed or retracted; the item's result is current again."""

    __repr__ = attrs_repr

    item_id: str
    answers: int


@frozen
class ModerationChanged:
    """Free text is waiting for approval, or was approved or rejected."""

    __repr__ = attrs_repr

    item_id: str
    pending: int


@frozen
class RoomChanged:
    """Someone joined, the room was locked or unlocked, or the join code rotated."""

    __repr__ = attrs_repr

    joined: int
    locked: bool


@frozen
class PluginFailed:
    """A plugin raised while handling an item; the item shows an error and can be skipped."""

    __repr__ = attrs_repr

    item_id: str
    plugin: str
    message: str


@frozen
class StorageChanged:
    """Saving the session started failing (``ok`` false: ``kind`` and ``cause`` say why),
    or works again. While it fails, answers are refused and actions are not saved."""

    __repr__ = attrs_repr

    ok: bool
    kind: str = ""
    cause: str = ""


Event = (
    ItemChanged
    | TimerChanged
    | PhaseChanged
    | AnswersChanged
    | ModerationChanged
    | RoomChanged
    | PluginFailed
    | StorageChanged
)
