"""The running workshop as a library object: no TUI, no server, no I/O but the store.

The engine holds the current item, each item's timer and phase, the answers under
their pseudonyms with running tallies, the moderation decisions and the room's state.
Every facilitator action is appended to the store's log; every answer is committed
before it is counted. Subscribers (the TUI, the server, plugin observers) hear of
each change as an event from :mod:`facilitate.events`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from attrs import define, field, frozen

from facilitate import anonymity, events
from facilitate.activity import ActivityType, Tally
from facilitate.agenda import dumps_agenda, loads_agenda
from facilitate.clock import (
    Clock,
    ItemTiming,
    SystemClock,
    Timer,
    TimerState,
    agenda_drift,
    projected_end,
)
from facilitate.forms import AnswerError, Form, RawForm
from facilitate.model import Agenda, Item
from facilitate.plugins import Plugins, default_plugins
from facilitate.store import Store
from facilitate.views import View

log = logging.getLogger(__name__)

WAITING, OPEN, CLOSED = "waiting", "open", "closed"
APPROVED, REJECTED, PENDING = "approved", "rejected", "pending"


class RoomLocked(Exception):
    """The room is locked: no new device can join."""


class NotJoined(Exception):
    """The device has no valid token for this session."""


class PluginError(Exception):
    """A plugin raised while handling an item; the item shows an error."""


def text_id(item_id: str, text: str) -> str:
    """A short stable id for a piece of free text, for moderation."""
    return hashlib.blake2b(f"{item_id}\x00{text}".encode(), digest_size=6).hexdigest()


@frozen
class PendingText:
    id: str
    text: str
    count: int
    """How many answers carry this text (the same words from several people)."""


@define
class ItemRun:
    """What happened to one item so far."""

    item: Item
    timer: Timer
    phase: str = WAITING
    revealed: bool = False
    answers: dict[str, Any] = field(factory=dict)
    decisions: dict[str, str] = field(factory=dict)
    """text id -> approved / rejected."""
    tally: Tally[Any] | None = None
    error: str | None = None
    moderated: list[str] | None = None
    """Names of the form's moderated text fields, found once."""
    version: int = 0
    """Goes up whenever the item's answers or moderated result change."""
    form_cache: tuple[Form, tuple[tuple[str, int], ...]] | None = None
    """The item's form and the versions of the items it read while being built."""

    @property
    def count(self) -> int:
        return len(self.answers)

    @property
    def state(self) -> str:
        return "revealed" if self.revealed else self.phase


class _Context:
    def __init__(self, engine: Engine, item_id: str) -> None:
        self._engine = engine
        self.item_id = item_id
        self.language = engine.agenda.language
        self.read: dict[str, int] = {}
        """Items whose results were read, with their versions then (see Engine.form)."""

    def result_of(self, item_id: str) -> Any | None:
        run = self._engine.runs.get(item_id)
        if run is not None:
            self.read.setdefault(item_id, run.version)
        try:
            return self._engine.result(item_id)
        except (KeyError, PluginError):
            return None


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
    ) -> None:
        self.agenda = agenda
        self.store = store
        self.plugins = plugins
        self.clock = clock
        self.secret = secret
        self.facilitator_secret = facilitator_secret
        self.join_code = join_code
        self.index = 0
        self.locked = False
        self.joined = 0
        self.runs: dict[str, ItemRun] = {
            item.id: ItemRun(item, Timer(clock, item.duration)) for item in agenda.items
        }
        self._subscribers: list[Callable[[events.Event], None]] = []
        self._members: set[str] = set()
        """Tokens already checked against the secret, so each HMAC is computed once."""
        for run in self.runs.values():
            self._reset_tally(run)

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
        for key, value in {
            "schema": 1,
            "title": agenda.title,
            "created": wall.date().isoformat(),
            "agenda": dumps_agenda(agenda),
            "items": len(agenda.items),
            "secret": engine.secret,
            "facilitator_secret": engine.facilitator_secret,
            "join_code": engine.join_code,
            "joined": 0,
        }.items():
            store.set_meta(key, value)
        store.append("item", {"index": 0})
        return engine

    @classmethod
    def resume(
        cls, store: Store, *, plugins: Plugins | None = None, clock: Clock | None = None
    ) -> Engine:
        """Bring a stored session back: same item, timers, phases, answers and decisions."""
        plugins = plugins or default_plugins()
        clock = clock or SystemClock()
        meta = store.meta()
        agenda = loads_agenda(meta["agenda"], f"session {store.id}", plugins)
        engine = cls(
            agenda,
            store,
            plugins=plugins,
            clock=clock,
            secret=meta["secret"],
            facilitator_secret=meta["facilitator_secret"],
            join_code=meta["join_code"],
        )
        engine.joined = int(meta.get("joined", 0))
        now_wall = clock.wall().timestamp()
        for record in store.log():
            data = record.data
            if record.kind == "item":
                engine.index = data["index"]
            elif record.kind == "timer":
                run = engine.runs[data["item_id"]]
                elapsed = data["elapsed"]
                if data["running"] and data.get("wall") is not None:
                    # The workshop went on while the laptop was down: count that time.
                    elapsed += max(0.0, now_wall - data["wall"])
                run.timer = Timer.restore(
                    clock, TimerState(data["planned"], elapsed, data["adjustment"], data["running"])
                )
            elif record.kind == "phase":
                run = engine.runs[data["item_id"]]
                run.phase, run.revealed = data["phase"], data["revealed"]
            elif record.kind == "moderation":
                engine.runs[data["item_id"]].decisions[data["text_id"]] = data["decision"]
            elif record.kind == "room":
                engine.locked = data["locked"]
                engine.join_code = data.get("join_code", engine.join_code)
        for item_id, answers in store.answers().items():
            if item_id in engine.runs:
                engine.runs[item_id].answers.update(answers)
        for run in engine.runs.values():
            engine._reset_tally(run)
        return engine

    def close(self) -> None:
        current = self.current_run
        if current.timer.running:
            self._record_timer(current)
        self.store.close()

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
                log.exception("event subscriber failed on %s", type(event).__name__)
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
            old.timer.pause()
            self._record_timer(old)
        self.index = index
        self.store.append("item", {"index": index})
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

    # -- timer ---------------------------------------------------------------

    def _record_timer(self, run: ItemRun) -> None:
        state = run.timer.state()
        self.store.append(
            "timer",
            {
                "item_id": run.item.id,
                "planned": state.planned,
                "elapsed": state.elapsed,
                "adjustment": state.adjustment,
                "running": state.running,
                # Facilitator's timer only; answers never carry a time.
                "wall": round(self.clock.wall().timestamp(), 1) if state.running else None,
            },
        )
        self._publish(events.TimerChanged(run.item.id, state.running, run.timer.remaining))

    def start_timer(self) -> None:
        run = self.current_run
        if not run.timer.running:
            run.timer.start()
            self._record_timer(run)

    def pause_timer(self) -> None:
        run = self.current_run
        if run.timer.running:
            run.timer.pause()
            self._record_timer(run)

    def toggle_timer(self) -> None:
        if self.current_run.timer.running:
            self.pause_timer()
        else:
            self.start_timer()

    def extend(self, seconds: int) -> None:
        """Give the current item more time; a negative number shortens it."""
        run = self.current_run
        run.timer.extend(seconds)
        self._record_timer(run)

    def timings(self) -> list[ItemTiming]:
        return [
            ItemTiming(run.item.duration, run.timer.elapsed if run.timer.started else None)
            for run in (self.runs[item.id] for item in self.agenda.items)
        ]

    def drift(self) -> float:
        return agenda_drift(self.timings(), self.index)

    def projected_end(self) -> Any:
        return projected_end(
            self.clock.wall(), self.timings(), self.index, self.current_run.timer.remaining
        )

    # -- answering phases ------------------------------------------------------

    def _set_phase(self, run: ItemRun, phase: str, revealed: bool) -> None:
        run.phase, run.revealed = phase, revealed
        self.store.append("phase", {"item_id": run.item.id, "phase": phase, "revealed": revealed})
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

    # -- the room --------------------------------------------------------------

    def join(self) -> str:
        """A new device token; raises :class:`RoomLocked` when the room is locked."""
        if self.locked:
            raise RoomLocked()
        self.joined += 1
        self.store.set_meta("joined", self.joined)
        self._publish(events.RoomChanged(self.joined, self.locked))
        return anonymity.new_token(self.secret)

    def is_member(self, token: str | None) -> bool:
        if token in self._members:
            return True
        if token is None or not anonymity.token_is_valid(self.secret, token):
            return False
        if len(self._members) >= 100_000:
            self._members.clear()
        self._members.add(token)
        return True

    def code_matches(self, code: str) -> bool:
        return anonymity.normalise_code(code) == self.join_code

    def lock(self, locked: bool = True) -> None:
        self.locked = locked
        self._record_room()

    def toggle_lock(self) -> None:
        self.lock(not self.locked)

    def rotate_code(self) -> str:
        self.join_code = anonymity.join_code()
        self.store.set_meta("join_code", self.join_code)
        self._record_room()
        return self.join_code

    def _record_room(self) -> None:
        self.store.append("room", {"locked": self.locked, "join_code": self.join_code})
        self._publish(events.RoomChanged(self.joined, self.locked))

    # -- answers ---------------------------------------------------------------

    def activity_type(self, item: Item) -> ActivityType[Any, Any]:
        assert item.activity is not None
        return self.plugins.activity_type(item.activity.type)

    def _config(self, item: Item) -> Any:
        assert item.activity is not None
        return item.activity.config

    def context(self, item_id: str) -> _Context:
        return _Context(self, item_id)

    def _guard(self, run: ItemRun, action: str, call: Callable[[], Any]) -> Any:
        """Run plugin code; a plugin that raises marks its item as failed, not the app."""
        try:
            return call()
        except AnswerError:
            raise
        except Exception as error:
            plugin = self.plugins.owner(run.item.kind)
            run.error = f"plugin {plugin!r} failed in {action}: {type(error).__name__}: {error}"
            log.warning("%s (item %r)", run.error, run.item.id)
            self._publish(events.PluginFailed(run.item.id, plugin, run.error))
            raise PluginError(run.error) from error

    def form(self, item_id: str) -> Form:
        """The item's form, built once and again only when a result it read has changed."""
        run = self.runs[item_id]
        cached = run.form_cache
        if cached is not None:
            form, read = cached
            if not read or all(self.runs[i].version == v for i, v in read):
                return form
        item = run.item
        if item.activity is None:
            raise KeyError(f"item {item_id!r} has no activity")
        activity_type = self.activity_type(item)
        context = self.context(item_id)
        built: Form = self._guard(
            run, "form", lambda: activity_type.form(self._config(item), context)
        )
        run.form_cache = (built, tuple(context.read.items()))
        return built

    def pseudonym(self, token: str, item_id: str) -> str:
        return anonymity.pseudonym(self.secret, token, item_id)

    def answer_of(self, token: str, item_id: str) -> Any | None:
        """This device's current answer to an item, to show it back for changing."""
        return self.runs[item_id].answers.get(self.pseudonym(token, item_id))

    def validate(self, item_id: str, raw: RawForm) -> dict[str, Any]:
        """Parse and check an answer without storing it; raises :class:`AnswerError`."""
        run = self.runs[item_id]
        if run.phase != OPEN or run.item.activity is None:
            raise AnswerError("closed")
        form = self.form(item_id)
        value = form.parse(raw)
        activity_type = self.activity_type(run.item)
        return self._guard(
            run,
            "accept",
            lambda: activity_type.accept(self._config(run.item), value, self.context(item_id)),
        )

    async def submit(self, token: str, item_id: str, raw: RawForm) -> dict[str, Any]:
        """Validate, store durably, then count one device's answer to an item.

        Returns once the answer is committed. Raises :class:`AnswerError` for a bad or
        late answer, :class:`NotJoined` for a token this session did not issue.
        """
        if not self.is_member(token):
            raise NotJoined()
        if item_id not in self.runs:
            raise AnswerError("closed")
        value = self.validate(item_id, raw)
        pseudonym = self.pseudonym(token, item_id)
        await self.store.put_answer_durably(item_id, pseudonym, value)
        self._apply_answer(self.runs[item_id], pseudonym, value)
        return value

    async def retract(self, token: str, item_id: str) -> bool:
        """Withdraw this device's answer to an open item. Returns whether there was one."""
        if not self.is_member(token):
            raise NotJoined()
        run = self.runs.get(item_id)
        if run is None or run.phase != OPEN:
            raise AnswerError("closed")
        pseudonym = self.pseudonym(token, item_id)
        if pseudonym not in run.answers:
            return False
        await self.store.put_answer_durably(item_id, pseudonym, None)
        self._apply_answer(run, pseudonym, None)
        return True

    def _apply_answer(self, run: ItemRun, pseudonym: str, value: Any | None) -> None:
        run.version += 1
        old = run.answers.get(pseudonym)
        if value is None:
            run.answers.pop(pseudonym, None)
        else:
            run.answers[pseudonym] = value
        tally = run.tally
        if tally is not None and run.error is None:

            def update() -> None:
                if old is not None:
                    tally.remove(self._visible(run, old))
                if value is not None:
                    tally.add(self._visible(run, value))

            try:
                self._guard(run, "tally", update)
            except PluginError:
                run.tally = None
        self._publish(events.AnswersChanged(run.item.id, run.count))
        if any(v is not None and self._texts(run, v) for v in (old, value)):
            self._publish(events.ModerationChanged(run.item.id, len(self.pending(run.item.id))))

    # -- tallies and results ---------------------------------------------------

    def _moderated(self, run: ItemRun) -> list[str]:
        if run.item.activity is None:
            return []
        if run.moderated is None:
            try:
                run.moderated = self.form(run.item.id).moderated_fields()
            except PluginError:
                return []
        return run.moderated

    def _texts(self, run: ItemRun, value: dict[str, Any]) -> list[str]:
        texts = []
        for name in self._moderated(run):
            text = value.get(name)
            if isinstance(text, str) and text:
                texts.append(text)
        return texts

    def _visible(self, run: ItemRun, value: dict[str, Any]) -> dict[str, Any]:
        """The answer as a tally may see it: moderated text only once approved."""
        moderated = self._moderated(run)
        if not moderated:
            return value
        shown = dict(value)
        for name in moderated:
            text = shown.get(name)
            if isinstance(text, str) and run.decisions.get(text_id(run.item.id, text)) != APPROVED:
                shown[name] = None
        return shown

    def _reset_tally(self, run: ItemRun) -> None:
        run.version += 1
        if run.item.activity is None:
            return
        activity_type = self.activity_type(run.item)
        config = self._config(run.item)

        def build() -> Tally[Any]:
            tally = activity_type.new_tally(config)
            for value in run.answers.values():
                tally.add(self._visible(run, value))
            return tally

        try:
            run.tally = self._guard(run, "tally", build)
            run.error = None
        except PluginError:
            run.tally = None

    def result(self, item_id: str) -> Any:
        """The item's current result (moderated text only once approved)."""
        run = self.runs[item_id]
        if run.item.activity is None:
            raise KeyError(f"item {item_id!r} has no activity")
        if run.tally is None:
            raise PluginError(run.error or "no tally")
        tally = run.tally
        return self._guard(run, "tally", tally.result)

    def enough_answers(self, item_id: str) -> bool:
        run = self.runs[item_id]
        return run.count >= self.agenda.k_for(run.item)

    def view(self, item_id: str) -> View:
        """What the result looks like now, whoever is looking (see :meth:`public_view`)."""
        run = self.runs[item_id]
        activity_type = self.activity_type(run.item)
        result = self.result(item_id)
        return self._guard(run, "view", lambda: activity_type.view(self._config(run.item), result))

    def public_view(self, item_id: str) -> View | None:
        """What the room may see: only once revealed, with enough answers, if the type allows."""
        run = self.runs[item_id]
        if run.item.activity is None or not run.revealed or not self.enough_answers(item_id):
            return None
        activity_type = self.activity_type(run.item)
        if not activity_type.on_projector(self._config(run.item)):
            return None
        try:
            return self.view(item_id)
        except PluginError:
            return None

    def skip_failed(self) -> None:
        """Leave an item whose plugin failed: clear its error and move on."""
        self.current_run.error = None
        self.next()

    # -- moderation ------------------------------------------------------------

    def pending(self, item_id: str) -> list[PendingText]:
        """Distinct free texts waiting for approval, most frequent first."""
        run = self.runs[item_id]
        counts: dict[str, int] = {}
        for value in run.answers.values():
            for text in self._texts(run, value):
                if text_id(item_id, text) not in run.decisions:
                    counts[text] = counts.get(text, 0) + 1
        return [
            PendingText(text_id(item_id, text), text, count)
            for text, count in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))
        ]

    def all_pending(self) -> list[tuple[str, PendingText]]:
        return [(item.id, p) for item in self.agenda.items for p in self.pending(item.id)]

    def moderate(self, item_id: str, text_ids: list[str] | str, decision: str) -> int:
        """Approve or reject free texts by id; returns how many decisions changed."""
        if decision not in (APPROVED, REJECTED):
            raise ValueError(f"decision must be {APPROVED!r} or {REJECTED!r}")
        run = self.runs[item_id]
        ids = [text_ids] if isinstance(text_ids, str) else text_ids
        known = {text_id(item_id, t) for v in run.answers.values() for t in self._texts(run, v)}
        changed = 0
        for tid in ids:
            if tid in known and run.decisions.get(tid) != decision:
                run.decisions[tid] = decision
                self.store.append(
                    "moderation", {"item_id": item_id, "text_id": tid, "decision": decision}
                )
                changed += 1
        if changed:
            self._reset_tally(run)
            self._publish(events.ModerationChanged(item_id, len(self.pending(item_id))))
            self._publish(events.AnswersChanged(item_id, run.count))
        return changed

    def approve(self, item_id: str, text_ids: list[str] | str) -> int:
        return self.moderate(item_id, text_ids, APPROVED)

    def reject(self, item_id: str, text_ids: list[str] | str) -> int:
        return self.moderate(item_id, text_ids, REJECTED)

    def decision(self, item_id: str, text: str) -> str:
        return self.runs[item_id].decisions.get(text_id(item_id, text), PENDING)
