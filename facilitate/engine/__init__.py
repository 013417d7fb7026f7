"""The running workshop as a library object: no TUI, no server, no I/O but the store.

:class:`Engine` is a facade over four parts, each in its own module: the item timers
(:mod:`~facilitate.engine.timing`), who may join the room
(:mod:`~facilitate.engine.access`), answers with their tallies and moderation
(:mod:`~facilitate.engine.answers`) and the session log (:mod:`~facilitate.engine.session_log`).
Every facilitator action is logged; every answer is committed before it is counted.
Subscribers (the TUI, the server, plugin observers) hear of each change as an event
from :mod:`facilitate.events`. What the room may see of all this is decided in
:mod:`facilitate.room`, not here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from facilitate import anonymity, events
from facilitate.activity import ActivityType
from facilitate.agenda import agenda_from_data, agenda_to_data, loads_agenda
from facilitate.clock import Clock, ItemTiming, SystemClock, Timer
from facilitate.engine.access import RoomAccess
from facilitate.engine.answers import Answers, EngineContext
from facilitate.engine.durability import storage_changed
from facilitate.engine.runs import (
    APPROVED,
    CLOSED,
    OPEN,
    PENDING,
    REJECTED,
    WAITING,
    ItemRun,
    NotJoined,
    PendingText,
    PluginError,
    RoomLocked,
    text_id,
)
from facilitate.engine.session_log import DamagedSession, RecordKind, SessionLog, replay
from facilitate.engine.timing import Timing
from facilitate.faults import StorageFault
from facilitate.forms import ExportCell, Form, RawForm
from facilitate.model import Agenda, Item
from facilitate.plugins import Plugins, default_plugins
from facilitate.store import Store
from facilitate.views import View

__all__ = [
    "APPROVED",
    "CLOSED",
    "OPEN",
    "PENDING",
    "REJECTED",
    "WAITING",
    "DamagedSession",
    "Engine",
    "ItemRun",
    "NotJoined",
    "PendingText",
    "PluginError",
    "RecordKind",
    "RoomLocked",
    "text_id",
]

logger = logging.getLogger(__name__)


class Engine:
    """A workshop in progress. Build one with :meth:`new` or :meth:`resume`."""

    def __init__(
        self,
        agenda: Agenda,
        store: Store,
        *,
        plugins: Plugins,
        clock: Clock,
        secret: str,
        facilitator_secret: str,
        join_code: str,
        joined: int = 0,
        projector_secret: str | None = None,
    ) -> None:
        self.agenda = agenda
        self.store = store
        self.plugins = plugins
        self.clock = clock
        self.secret = secret
        self.facilitator_secret = facilitator_secret
        """In the control page's address: whoever has it drives the workshop."""
        self.projector_secret = projector_secret or anonymity.new_secret()[:32]
        """In the projector page's address, which the room may read: it opens nothing else."""
        self.index = 0
        self.runs: dict[str, ItemRun] = {
            item.id: ItemRun(item, Timer(clock, item.duration)) for item in agenda.items
        }
        self._subscribers: list[Callable[[events.Event], None]] = []
        self.log = SessionLog(store)
        self.timing = Timing(agenda, self.runs, clock, self.log, self._publish)
        self.access = RoomAccess(
            store, self.log, self._publish, secret=secret, join_code=join_code, joined=joined
        )
        self.answers = Answers(
            agenda, self.runs, plugins, store, self.log, self.access, self._publish
        )
        for run in self.runs.values():
            self.answers.reset_tally(run)
        self._stop_watching: Callable[[], None] | None = None

    # -- life cycle ----------------------------------------------------------

    @classmethod
    def new(
        cls,
        agenda: Agenda,
        store: Store | None = None,
        *,
        plugins: Plugins | None = None,
        clock: Clock | None = None,
    ) -> Engine:
        """Start a new session of an agenda (in memory only if no store is given)."""
        store = store or Store.create(ephemeral=True)
        engine = cls(
            agenda,
            store,
            plugins=plugins or default_plugins(),
            clock=clock or SystemClock(),
            secret=anonymity.new_secret(),
            facilitator_secret=anonymity.new_secret()[:32],
            join_code=anonymity.join_code(),
        )
        wall = engine.clock.wall()
        # In one write: until it is committed, the file is listed as incomplete (and
        # never taken for the latest session); once it is, the session is complete.
        store.set_metas(
            {
                "schema": 1,
                "title": agenda.title,
                "created": wall.date().isoformat(),
                # As data (stored as JSON): quicker to write than TOML, and it
                # spares a new session importing a TOML writer before its first frame.
                "agenda": agenda_to_data(agenda),
                "items": len(agenda.items),
                "secret": engine.secret,
                "facilitator_secret": engine.facilitator_secret,
                "projector_secret": engine.projector_secret,
                "join_code": engine.join_code,
                "joined": 0,
            }
        )
        engine.log.append(RecordKind.ITEM, {"index": 0})
        return engine

    @classmethod
    def resume(
        cls, store: Store, *, plugins: Plugins | None = None, clock: Clock | None = None
    ) -> Engine:
        """Bring a stored session back: same item, timers, phases, answers and decisions."""
        plugins = plugins or default_plugins()
        clock = clock or SystemClock()
        meta = store.meta()
        stored, where = meta["agenda"], f"session {store.id}"
        if isinstance(stored, str):  # sessions started before 0.2 kept it as TOML
            agenda = loads_agenda(stored, where, plugins)
        else:
            agenda = agenda_from_data(stored, where, plugins)
        engine = cls(
            agenda,
            store,
            plugins=plugins,
            clock=clock,
            secret=meta["secret"],
            facilitator_secret=meta["facilitator_secret"],
            join_code=meta["join_code"],
            joined=int(meta.get("joined", 0)),
            projector_secret=meta.get("projector_secret"),
        )
        if "projector_secret" not in meta:  # a session from before the projector had its own
            store.set_meta("projector_secret", engine.projector_secret)
        replay(engine, clock.wall().timestamp())
        for item_id, answers in store.answers().items():
            if item_id in engine.runs:
                engine.runs[item_id].answers.update(answers)
        for run in engine.runs.values():  # index the loaded answers' texts
            engine.answers.reindex(run)
        engine.answers.restore_moderation(store.approved_texts())
        for run in engine.runs.values():
            engine.answers.reset_tally(run)
        return engine

    def watch_storage(self) -> None:
        """Hear from the store, on the running loop, when saving fails or works again
        (:class:`~facilitate.events.StorageChanged`); the server and the console call it."""
        if self._stop_watching is None:
            self._stop_watching = self.store.watch(lambda fault: storage_changed(self, fault))

    @property
    def storage_fault(self) -> StorageFault | None:
        """Why saving fails now (answers are refused meanwhile), or ``None``."""
        return self.store.fault

    def close(self) -> None:
        """Stop: the running timer's state is logged, the file compacted and closed."""
        if self._stop_watching is not None:
            self._stop_watching()
            self._stop_watching = None
        if self.store.closed:  # wiped, or closed before
            return
        current = self.current_run
        if current.timer.running:
            self.timing.record(current)
        self.store.close()

    def wipe(self) -> None:
        """Erase the session now, files and all (the console's panic key). Nothing is
        written after; stop whatever takes answers (the server) first."""
        self.store.wipe()

    # -- events --------------------------------------------------------------

    def subscribe(self, callback: Callable[[events.Event], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on every change; returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _publish(self, event: events.Event) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                logger.exception("event subscriber failed on %s", type(event).__name__)
        self.plugins.notify(event)

    # -- items ---------------------------------------------------------------

    @property
    def current(self) -> Item:
        return self.agenda.items[self.index]

    @property
    def current_run(self) -> ItemRun:
        return self.runs[self.current.id]

    def run(self, item_id: str) -> ItemRun:
        return self.runs[item_id]

    def goto(self, index: int) -> None:
        """Make item ``index`` current. Answering on the item left is closed, its timer
        paused; the new item's timer starts if the old one was running."""
        if not 0 <= index < len(self.agenda.items):
            raise IndexError(f"no item {index + 1}; the agenda has {len(self.agenda.items)}")
        if index == self.index:
            return
        old = self.current_run
        was_running = old.timer.running
        if old.phase == OPEN:
            self._set_phase(old, CLOSED, old.revealed)
        if was_running:
            self.timing.pause(old)
        self.index = index
        self.log.append(RecordKind.ITEM, {"index": index})
        self._publish(events.ItemChanged(index, self.current.id))
        if was_running:
            self.start_timer()

    def next(self) -> bool:
        if self.index + 1 >= len(self.agenda.items):
            return False
        self.goto(self.index + 1)
        return True

    def previous(self) -> bool:
        if self.index == 0:
            return False
        self.goto(self.index - 1)
        return True

    def skip_failed(self) -> bool:
        """Leave an item whose plugin failed: clear its error and move on."""
        self.current_run.error = None
        return self.next()

    # -- timer ---------------------------------------------------------------

    def start_timer(self) -> None:
        self.timing.start(self.current_run)

    def pause_timer(self) -> None:
        self.timing.pause(self.current_run)

    def toggle_timer(self) -> None:
        if self.current_run.timer.running:
            self.pause_timer()
        else:
            self.start_timer()

    def extend(self, seconds: int) -> None:
        """Give the current item more time; a negative number shortens it."""
        self.timing.extend(self.current_run, seconds)

    def timings(self) -> list[ItemTiming]:
        return self.timing.timings()

    def drift(self) -> float:
        return self.timing.drift(self.index)

    def projected_end(self) -> dt.datetime:
        return self.timing.projected_end(self.index)

    # -- answering phases ------------------------------------------------------

    def _set_phase(self, run: ItemRun, phase: str, revealed: bool) -> None:
        closing = run.phase == OPEN and phase != OPEN
        run.phase, run.revealed = phase, revealed
        self.log.append(
            RecordKind.PHASE, {"item_id": run.item.id, "phase": phase, "revealed": revealed}
        )
        if closing:
            # Its answers are final: rebuild the file so no page or WAL frame keeps the
            # order they came in or a value they replaced (in the writer thread, after).
            self.store.compact()
        self._publish(events.PhaseChanged(run.item.id, run.state))

    def open_answering(self) -> None:
        run = self.current_run
        if run.item.activity is not None and run.phase != OPEN:
            self._set_phase(run, OPEN, run.revealed)

    def close_answering(self) -> None:
        run = self.current_run
        if run.phase == OPEN:
            self._set_phase(run, CLOSED, run.revealed)

    def toggle_open(self) -> None:
        if self.current_run.phase == OPEN:
            self.close_answering()
        else:
            self.open_answering()

    def reveal(self, revealed: bool = True) -> None:
        run = self.current_run
        if run.item.activity is not None and run.revealed != revealed:
            self._set_phase(run, run.phase, revealed)

    def toggle_reveal(self) -> None:
        self.reveal(not self.current_run.revealed)

    # -- the room (see engine.access) ----------------------------------------

    @property
    def join_code(self) -> str:
        return self.access.join_code

    @join_code.setter
    def join_code(self, code: str) -> None:  # tests fix the code to draw the same screen
        self.access.join_code = code

    @property
    def locked(self) -> bool:
        return self.access.locked

    @property
    def joined(self) -> int:
        return self.access.joined

    @joined.setter
    def joined(self, count: int) -> None:
        self.access.joined = count

    def join(self) -> str:
        """A new device token; raises :class:`RoomLocked` when the room is locked."""
        return self.access.join()

    def is_member(self, token: str | None) -> bool:
        return self.access.is_member(token)

    def code_matches(self, code: str) -> bool:
        return self.access.code_matches(code)

    def lock(self, locked: bool = True) -> None:
        self.access.lock(locked)

    def toggle_lock(self) -> None:
        self.access.lock(not self.access.locked)

    def rotate_code(self) -> str:
        return self.access.rotate_code()

    # -- answers, results and moderation (see engine.answers) -------------------

    def activity_type(self, item: Item) -> ActivityType[Any, Any]:
        return self.answers.activity_type(item)

    def context(self, item_id: str) -> EngineContext:
        return self.answers.context(item_id)

    def form(self, item_id: str) -> Form:
        return self.answers.form(item_id)

    def prompt(self, item: Item) -> str:
        return self.answers.prompt(item)

    def type_title(self, item: Item, language: str | None = None) -> str:
        return self.answers.type_title(item, language or self.agenda.language)

    def pseudonym(self, token: str, item_id: str) -> str:
        return self.answers.pseudonym(token, item_id)

    def answer_of(self, token: str, item_id: str) -> Any | None:
        return self.answers.answer_of(token, item_id)

    def validate(self, item_id: str, raw: RawForm) -> dict[str, Any]:
        return self.answers.validate(item_id, raw)

    async def submit(self, token: str, item_id: str, raw: RawForm) -> dict[str, Any]:
        """Validate, store durably, then count one device's answer to an item.

        Returns once the answer is committed. Raises ``AnswerError`` for a bad or late
        answer, :class:`NotJoined` for a token this session did not issue.
        """
        return await self.answers.submit(token, item_id, raw)

    async def retract(self, token: str, item_id: str) -> bool:
        """Withdraw this device's answer to an open item. Returns whether there was one."""
        return await self.answers.retract(token, item_id)

    def result(self, item_id: str) -> Any:
        return self.answers.result(item_id)

    def k_for(self, item_id: str) -> int:
        return self.agenda.k_for(self.runs[item_id].item)

    def view(self, item_id: str) -> View:
        """The item's view now, whoever is looking; :mod:`facilitate.room` decides who may."""
        return self.answers.view(item_id)

    def report(self, item_id: str) -> View:
        return self.answers.report(item_id)

    def export(self, item_id: str) -> list[list[ExportCell]]:
        return self.answers.export(item_id)

    def pending(self, item_id: str) -> list[PendingText]:
        """Every distinct text of the item waiting for approval, most frequent first
        (sorts the whole queue: a screen showing a few uses :meth:`first_pending`)."""
        return self.answers.pending(item_id)

    def first_pending(self, item_id: str, count: int) -> list[PendingText]:
        """The head of the item's queue: its first ``count`` texts of :meth:`pending`."""
        return self.answers.first_pending(item_id, count)

    def pending_count(self, item_id: str) -> int:
        """How many distinct texts of the item wait for approval, in O(1)."""
        return self.answers.pending_count(item_id)

    def all_pending_count(self) -> int:
        """How many texts wait for approval in the whole agenda (O(items))."""
        return sum(self.answers.pending_count(item.id) for item in self.agenda.items)

    def approved_texts(self, item_id: str) -> list[str]:
        """The distinct texts of the item's current answers that were approved."""
        return self.answers.approved_texts(item_id)

    def all_pending(self) -> list[tuple[str, PendingText]]:
        return [(item.id, p) for item in self.agenda.items for p in self.pending(item.id)]

    def moderate(self, item_id: str, text_ids: list[str] | str, decision: str) -> int:
        return self.answers.moderate(item_id, text_ids, decision)

    def approve(self, item_id: str, text_ids: list[str] | str) -> int:
        return self.moderate(item_id, text_ids, APPROVED)

    def reject(self, item_id: str, text_ids: list[str] | str) -> int:
        return self.moderate(item_id, text_ids, REJECTED)

    def decision(self, item_id: str, text: str) -> str:
        return self.answers.decision(item_id, text)

    def text_id(self, item_id: str, text: str) -> str:
        """The id moderation names ``text`` by in this session (see :meth:`approve`)."""
        return self.answers.text_id(item_id, text)

    def moderation_counts(self, item_id: str) -> tuple[int, int, int]:
        """Distinct free texts of the item: approved, rejected, still pending."""
        return self.answers.moderation_counts(item_id)
