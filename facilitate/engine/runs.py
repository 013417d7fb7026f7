"""What the engine knows of each item: its timer, phase, answers, tally and moderation."""

from __future__ import annotations

import hashlib
from typing import Any

from attrs import define, field, frozen

from facilitate.activity import Tally
from facilitate.clock import Timer
from facilitate.engine.moderation import APPROVED as APPROVED
from facilitate.engine.moderation import PENDING as PENDING
from facilitate.engine.moderation import REJECTED as REJECTED
from facilitate.engine.moderation import TextIndex
from facilitate.forms import Form
from facilitate.model import Item
from facilitate.reprs import attrs_repr

WAITING, OPEN, CLOSED = "waiting", "open", "closed"

ABSENT: Any = object()
"""In :attr:`ItemRun.since_mark`: the device had no answer at the mark."""


class RoomLocked(Exception):
    """The room is locked: no new device can join."""


class NotJoined(Exception):
    """The device has no valid token for this session."""


class PluginError(Exception):
    """A plugin raised while handling an item; the item shows an error."""


def text_key(secret: str) -> bytes:
    """The key of a session's text ids, derived from its secret."""
    return hashlib.blake2b(secret.encode(), digest_size=32, person=b"text-id").digest()


def text_id(key: bytes, item_id: str, text: str) -> str:
    """A short id for a piece of free text, for moderation: the console, the control
    page and their requests name a text by it.

    Keyed, so it tells nothing about the text to someone who does not hold the
    session's key; it is never written to the session file (a moderation decision is
    kept with the answers it applies to, see :class:`~facilitate.store.Store`).
    """
    return hashlib.blake2b(f"{item_id}\x00{text}".encode(), digest_size=8, key=key).hexdigest()


def legacy_text_id(item_id: str, text: str) -> str:
    """The unkeyed id facilitate 0.1 wrote into moderation records; only to read those."""
    return hashlib.blake2b(f"{item_id}\x00{text}".encode(), digest_size=6).hexdigest()


@frozen
class PendingText:
    __repr__ = attrs_repr

    id: str
    text: str
    count: int
    """How many answers carry this text (the same words from several people)."""


@define
class ItemRun:
    """What happened to one item so far."""

    __repr__ = attrs_repr

    item: Item
    timer: Timer
    phase: str = WAITING
    revealed: bool = False
    answers: dict[str, Any] = field(factory=dict)
    decisions: dict[str, str] = field(factory=dict)
    """text id -> approved / rejected. Rejections are known only while the session
    runs: the rejected words are erased, and the file keeps no id of them."""
    rejected: int = 0
    """How many distinct texts were rejected (and erased) in this item."""
    tally: Tally[Any] | None = None
    error: str | None = None
    moderated: list[str] | None = None
    """Names of the form's moderated text fields, found once."""
    version: int = 0
    """Goes up whenever the item's answers or moderated result change."""
    form_cache: tuple[Form, tuple[tuple[str, int], ...]] | None = None
    """The item's form and the versions of the items it read while being built."""
    context_cache: tuple[tuple[str, bool], Any] | None = None
    """The item's context for plugin calls, and the (phase, revealed) it was made for."""
    texts: TextIndex = field(factory=TextIndex)
    """The free texts the answers carry now, kept up to date answer by answer."""
    decided: int = 0
    """Goes up with every moderation decision (a cheap way to see that one was made)."""
    since_mark: dict[str, Any] = field(factory=dict)
    """Each device whose answer changed since :meth:`mark`, with its answer then
    (:data:`ABSENT` if it had none): the room's steps of ``k`` read it (see
    :mod:`facilitate.room`), so a step costs what changed, not every answer."""

    touched: set[str] = field(factory=set)
    """Devices whose answers changed since the room last counted the changes since the
    mark: it recounts only these (see :func:`facilitate.room.changes_since_step`)."""

    def mark(self) -> None:
        """Start counting changes afresh (the room took a step)."""
        self.since_mark.clear()
        self.touched.clear()

    @property
    def count(self) -> int:
        return len(self.answers)

    @property
    def state(self) -> str:
        return "revealed" if self.revealed else self.phase
