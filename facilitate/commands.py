"""One table of facilitator actions, for the terminal keys, the web control API and rehearsals.

Each action is a :class:`Command`: a name, its parameters and what it does to the
engine. The console's keys, ``POST /control/SECRET/<name>`` and the rehearsal driver all
go through :func:`perform`, so "next" on a failed item skips it from every surface, and
every surface tells the facilitator the same thing afterwards (:class:`Done`, worded
in the facilitator's language).

An action changes the room at once, and is *confirmed* only once its records are
committed, as an answer is: :func:`perform_durably` returns then, or raises
:class:`NotSaved` if saving failed (the room shows the action; the store saves it again
once saving works). The console, the control API and rehearsals all confirm through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from facilitate.faults import FAULT_WORDS, StorageError
from facilitate.i18n import N_, Translator
from facilitate.reprs import attrs_repr
from facilitate.room import Audience, Withheld, item_disclosure

if TYPE_CHECKING:
    from facilitate.engine import Engine

MAX_EXTEND_SECONDS = 6 * 3600
MAX_NUMBER = 10**9


@frozen
class Done:
    """What an action did, for the facilitator: a message (a catalog id) and its values."""

    __repr__ = attrs_repr

    message: str = ""
    params: Mapping[str, Any] = field(factory=dict)
    data: Mapping[str, Any] = field(factory=dict)
    """Machine-readable results for the control API (``{"changed": 2}``)."""

    def text(self, t: Translator) -> str:
        return t.gettext(self.message, **self.params) if self.message else ""


class CommandError(ValueError):
    """An action that cannot be done as asked; nothing changed."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params

    def text(self, t: Translator) -> str:
        return t.gettext(self.message, **self.params)


NOT_SAVED = N_("Not saved: {problem}. The room shows it; it is saved once saving works again.")


class NotSaved(Exception):
    """The action was done (the room shows it) but its records could not be saved."""

    def __init__(self, done: Done, error: StorageError) -> None:
        super().__init__(str(error))
        self.done = done
        self.error = error

    def text(self, t: Translator) -> str:
        return t.gettext(NOT_SAVED, problem=t.gettext(FAULT_WORDS[self.error.kind]))


@frozen
class Param:
    """One parameter of a command, read from a form field, a JSON value or a keyword."""

    __repr__ = attrs_repr

    name: str
    kind: type
    default: Any = None
    required: bool = False


@frozen
class Command:
    __repr__ = attrs_repr

    name: str
    label: str
    """What the action does, for buttons and help (a catalog id)."""
    run: Callable[[Engine, dict[str, Any]], Done | None]
    params: tuple[Param, ...] = ()


_FALSE = ("0", "false", "no", "off")


def _read(param: Param, given: Mapping[str, Any]) -> Any:
    if param.kind is list:
        getall = getattr(given, "getall", None)
        values = getall(param.name, []) if getall else given.get(param.name, [])
        if values is None:
            values = []
        elif not isinstance(values, list | tuple):
            values = [values]
        return [str(v) for v in values]
    value = given.get(param.name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if param.required:
            raise CommandError(N_("'{name}' is required"), name=param.name)
        return param.default
    if param.kind is bool:
        return value if isinstance(value, bool) else str(value).strip().lower() not in _FALSE
    if param.kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                number = None
        # Bounded: no action takes a number this large, and one would not even print.
        if number is None or abs(number) > MAX_NUMBER:
            raise CommandError(
                N_("'{name}' must be a whole number, got {value!r}"),
                name=param.name,
                value=str(value)[:40],
            )
        return number
    return str(value)


def perform(engine: Engine, name: str, given: Mapping[str, Any] | None = None) -> Done:
    """Run the command ``name`` with its parameters; raises :class:`CommandError`."""
    command = COMMANDS.get(name)
    if command is None:
        raise CommandError(N_("there is no action {name!r}"), name=name)
    values = {param.name: _read(param, given or {}) for param in command.params}
    return command.run(engine, values) or Done()


async def perform_durably(
    engine: Engine, name: str, given: Mapping[str, Any] | None = None
) -> Done:
    """:func:`perform`, returning once what it wrote is committed (the confirmation).

    Raises :class:`CommandError` (nothing changed) or :class:`NotSaved` (done, not saved).
    """
    mark = engine.store.mark()
    done = perform(engine, name, given)
    try:
        await engine.store.settled(mark)
    except StorageError as error:
        raise NotSaved(done, error) from error
    return done


# -- the actions ---------------------------------------------------------------------


def _next(engine: Engine, _: dict[str, Any]) -> Done:
    # A failed item is left behind with its error cleared, so coming back tries again.
    moved = engine.skip_failed() if engine.current_run.error else engine.next()
    if not moved:
        return Done(N_("This is the last item. Press q to end the session."))
    return Done()


def _previous(engine: Engine, _: dict[str, Any]) -> Done:
    if not engine.previous():
        return Done(N_("This is the first item."))
    return Done()


def _goto(engine: Engine, values: dict[str, Any]) -> None:
    if values["item"]:
        try:
            index = engine.agenda.index_of(values["item"])
        except KeyError:
            raise CommandError(N_("there is no item {item!r}"), item=values["item"]) from None
    elif values["index"] is not None:
        index = values["index"]
    else:
        raise CommandError(N_("give the item's 'index' (from 0) or its id as 'item'"))
    if not 0 <= index < len(engine.agenda.items):
        raise CommandError(
            N_("there is no item {number}; the agenda has {count}"),
            number=index + 1,
            count=len(engine.agenda.items),
        )
    engine.goto(index)


def _extend(engine: Engine, values: dict[str, Any]) -> None:
    seconds = values["seconds"]
    if values["minutes"] is not None:
        seconds = values["minutes"] * 60
    if abs(seconds) > MAX_EXTEND_SECONDS:
        raise CommandError(N_("'seconds' must be within six hours"))
    engine.extend(seconds)


def _needs_activity(engine: Engine, message: str) -> None:
    if engine.current.activity is None:
        raise CommandError(message)


def _open(engine: Engine, _: dict[str, Any]) -> None:
    _needs_activity(engine, N_("This item has no activity to answer."))
    engine.open_answering()


def _toggle_open(engine: Engine, _: dict[str, Any]) -> None:
    _needs_activity(engine, N_("This item has no activity to answer."))
    engine.toggle_open()


def _reveal(engine: Engine, values: dict[str, Any]) -> Done:
    _needs_activity(engine, N_("This item has no results to show."))
    engine.reveal(not values["hide"])
    return _after_reveal(engine)


def _toggle_reveal(engine: Engine, _: dict[str, Any]) -> Done:
    _needs_activity(engine, N_("This item has no results to show."))
    engine.toggle_reveal()
    return _after_reveal(engine)


def _after_reveal(engine: Engine) -> Done:
    """What revealing did for the room, as the room model decides it."""
    run = engine.current_run
    if not run.revealed:
        return Done(N_("Results hidden from the room."))
    reason = item_disclosure(engine, run.item.id, Audience.ROOM)
    if reason is Withheld.TOO_FEW:
        return Done(
            N_("Revealed, but the room sees results only from {k} answers on."),
            {"k": engine.agenda.k_for(run.item)},
        )
    if reason is Withheld.OFF_PROJECTOR:
        return Done(N_("Revealed, but this item keeps its results off the projector."))
    if reason is Withheld.FAILED:
        return Done(N_("Revealed, but this item's plugin failed; press n to skip it."))
    return Done(N_("The room sees the results."))


def _lock(engine: Engine, values: dict[str, Any]) -> Done:
    engine.lock(values["locked"])
    return _lock_done(engine)


def _toggle_lock(engine: Engine, _: dict[str, Any]) -> Done:
    engine.toggle_lock()
    return _lock_done(engine)


def _lock_done(engine: Engine) -> Done:
    if engine.locked:
        return Done(N_("Room locked: no new phones can join."))
    return Done(N_("Room open to join."))


def _rotate(engine: Engine, _: dict[str, Any]) -> Done:
    code = engine.rotate_code()
    return Done(N_("New join code; phones already in stay in."), data={"join_code": code})


def _moderate(decide: str) -> Callable[[Engine, dict[str, Any]], Done]:
    def run(engine: Engine, values: dict[str, Any]) -> Done:
        item_id = values["item"] or engine.current.id
        if item_id not in engine.runs:
            raise CommandError(N_("there is no item {item!r}"), item=item_id)
        ids = values["id"]
        if values["all"]:
            ids = [p.id for p in engine.pending(item_id)]
        elif not ids:
            raise CommandError(N_("give the text's 'id' (or all=1)"))
        changed = engine.moderate(item_id, ids, decide)
        return Done(data={"changed": changed})

    return run


def _simple(action: Callable[[Engine], Any]) -> Callable[[Engine, dict[str, Any]], None]:
    def run(engine: Engine, _: dict[str, Any]) -> None:
        action(engine)

    return run


ITEM = Param("item", str, "")
COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command("next", N_("Next item"), _next),
        Command("previous", N_("Previous item"), _previous),
        Command("goto", N_("Go to an item"), _goto, (ITEM, Param("index", int))),
        Command("start", N_("Start the timer"), _simple(lambda e: e.start_timer())),
        Command("pause", N_("Pause the timer"), _simple(lambda e: e.pause_timer())),
        Command(
            "toggle_timer", N_("Start or pause the timer"), _simple(lambda e: e.toggle_timer())
        ),
        Command(
            "extend",
            N_("Add time (or take it away)"),
            _extend,
            (Param("seconds", int, 60), Param("minutes", int)),
        ),
        Command("open", N_("Open answering"), _open),
        Command("close", N_("Close answering"), _simple(lambda e: e.close_answering())),
        Command("toggle_open", N_("Open or close answering"), _toggle_open),
        Command("reveal", N_("Reveal the results"), _reveal, (Param("hide", bool, False),)),
        Command("toggle_reveal", N_("Reveal or hide the results"), _toggle_reveal),
        Command("lock", N_("Lock the room"), _lock, (Param("locked", bool, True),)),
        Command("toggle_lock", N_("Lock or open the room"), _toggle_lock),
        Command("rotate", N_("New join code"), _rotate),
        Command(
            "approve",
            N_("Approve free text"),
            _moderate("approved"),
            (ITEM, Param("id", list), Param("all", bool, False)),
        ),
        Command(
            "reject",
            N_("Reject free text"),
            _moderate("rejected"),
            (ITEM, Param("id", list), Param("all", bool, False)),
        ),
    )
}
"""Every facilitator action by name: the terminal keys, ``/control`` and rehearsals use it."""
