"""The session log: every facilitator action as a record, and replaying them on resume.

Answers are not in the log (they live in the store's answers table, keyed by pseudonym);
the log holds what the facilitator did, so ``resume`` brings back the same item, timers,
phases, moderation decisions and room state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from facilitate.clock import Timer, TimerState
from facilitate.store import Store

if TYPE_CHECKING:
    from facilitate.engine import Engine


class RecordKind(enum.StrEnum):
    """The kinds of record in a session's log (stored as these strings)."""

    ITEM = "item"
    """The current item changed: ``{"index": n}``."""
    TIMER = "timer"
    """An item's timer was started, paused or extended (its whole state)."""
    PHASE = "phase"
    """Answering opened or closed, results revealed or hidden."""
    MODERATION = "moderation"
    """Free texts were approved or rejected: ``{"item_id", "decision", "texts": n}``, how
    many, never which (an approval is stored with the answers it applies to)."""
    ROOM = "room"
    """The room was locked or unlocked, or its join code rotated."""


class SessionLog:
    """Appends facilitator actions to the store's log."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def append(self, kind: RecordKind, data: dict[str, Any]) -> Future[None]:
        return self.store.append(kind.value, data)


class DamagedSession(ValueError):
    """A stored session's log cannot be replayed: it names what the agenda does not have."""


def replay(engine: Engine, now_wall: float) -> None:
    """Apply every stored record to a freshly built engine, in order.

    A record that does not fit the agenda (an item index past its end, an unknown item,
    a missing field) raises :class:`DamagedSession` naming it, before anything is shown.
    """
    handlers: dict[str, Callable[[dict[str, Any]], None]] = {
        RecordKind.ITEM: lambda data: _restore_item(engine, data),
        RecordKind.TIMER: lambda data: _restore_timer(engine, data, now_wall),
        RecordKind.PHASE: lambda data: _restore_phase(engine, data),
        RecordKind.MODERATION: engine.answers.replay_moderation,
        RecordKind.ROOM: lambda data: engine.access.restore(
            data["locked"], data.get("join_code", engine.access.join_code)
        ),
    }
    for record in engine.store.log():
        handle = handlers.get(record.kind)
        if handle is None:
            continue
        try:
            handle(record.data)
        except DamagedSession as error:
            raise DamagedSession(f"log record {record.seq}: {error}") from None
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            raise DamagedSession(
                f"log record {record.seq} ({record.kind}) does not fit the agenda:"
                f" {type(error).__name__}: {error}"
            ) from None


def _restore_item(engine: Engine, data: dict[str, Any]) -> None:
    index = data["index"]
    count = len(engine.agenda.items)
    if not isinstance(index, int) or not 0 <= index < count:
        raise DamagedSession(f"it names item {index!r}, but the agenda has items 0 to {count - 1}")
    engine.index = index


def _restore_timer(engine: Engine, data: dict[str, Any], now_wall: float) -> None:
    run = engine.runs[data["item_id"]]
    elapsed = data["elapsed"]
    if data["running"] and data.get("wall") is not None:
        # The workshop went on while the laptop was down: count that time.
        elapsed += max(0.0, now_wall - data["wall"])
    run.timer = Timer.restore(
        engine.clock, TimerState(data["planned"], elapsed, data["adjustment"], data["running"])
    )


def _restore_phase(engine: Engine, data: dict[str, Any]) -> None:
    run = engine.runs[data["item_id"]]
    run.phase, run.revealed = data["phase"], data["revealed"]
