"""Saving the workshop: storage faults told to everyone, and the state saved again after.

Answers are counted only once committed (see :mod:`~facilitate.engine.answers`); a
facilitator's action changes the room at once and is *confirmed* once its records are
committed (:func:`facilitate.commands.perform_durably` awaits
:meth:`~facilitate.store.Store.settled`). When saving fails, the store says so once
(:class:`~facilitate.events.StorageChanged`); when it works again, :func:`resave` writes
the workshop as it is now, so ``resume`` finds every action taken meanwhile and no text
rejected meanwhile.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from facilitate import events
from facilitate.engine.runs import WAITING
from facilitate.engine.session_log import RecordKind
from facilitate.faults import StorageFault

if TYPE_CHECKING:
    from facilitate.engine import Engine

log = logging.getLogger(__name__)


def storage_changed(engine: Engine, fault: StorageFault | None) -> None:
    """The store's news, on the engine's loop: publish it; once saving works again,
    save the workshop as it is now."""
    if fault is None:
        try:
            resave(engine)
        except Exception:  # the store is closing, or failed again (it says so itself)
            log.warning("could not save the workshop again after a fault", exc_info=True)
        engine._publish(events.StorageChanged(ok=True))
    else:
        engine._publish(events.StorageChanged(ok=False, kind=fault.kind.value, cause=fault.cause))


def resave(engine: Engine) -> None:
    """Write the facilitator's state as it is now (current item, every phase and timer,
    the room) and put every answer on disk as it is in memory: records and erasures
    that failed during a fault are written over, then the file is compacted."""
    store = engine.store
    if store.closed:
        return
    engine.log.append(RecordKind.ITEM, {"index": engine.index})
    for run in engine.runs.values():
        if run.phase != WAITING or run.revealed:
            engine.log.append(
                RecordKind.PHASE,
                {"item_id": run.item.id, "phase": run.phase, "revealed": run.revealed},
            )
        if run.timer.started or run.timer.state().adjustment:
            engine.timing.record(run)
    access = engine.access
    store.set_metas({"join_code": access.join_code, "joined": access.joined})
    engine.log.append(RecordKind.ROOM, {"locked": access.locked, "join_code": access.join_code})
    stored = store.answers()
    for run in engine.runs.values():
        on_disk = stored.get(run.item.id, {})
        approved: dict[str, list[str]] = {}
        for pseudonym, value in run.answers.items():
            kept, fields = engine.answers.screen(run, value)
            if on_disk.get(pseudonym) != kept:
                store.put_answer(run.item.id, pseudonym, kept, fields)
            for name in fields:
                approved.setdefault(name, []).append(value[name])
        for name, texts in approved.items():
            store.approve_texts(run.item.id, [name], sorted(set(texts)))
    store.compact()
