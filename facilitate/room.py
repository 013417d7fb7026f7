"""What the room may see now: the one place where reveal, ``k`` and privacy are decided.

:func:`room_view` reads the engine and returns a :class:`RoomView`: the item's heading,
its timer, what the room is asked to do, how to join, and either the result's view or
the reason it is withheld, all worded in the room's language. The terminal projector,
the web projector (``/screen``) and the console's "what the room sees" preview draw
from it; the report asks :func:`disclosure` with its own audience. None of them
compares a count with ``k`` or reads ``revealed`` itself, so they cannot disagree.

While answering is open, a result the room (or the console, which may be mirrored to the
projector) sees moves in steps: it is drawn from the answers as they were at the last
step, and a new step is taken only once at least ``k`` answers have come, changed or
gone since. So nobody watching the screen can see one person's answer arrive. When
answering closes, the final result is shown.
"""

from __future__ import annotations

import enum
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen

from facilitate.activity import call
from facilitate.anonymity import enough_answers
from facilitate.clock import Timer
from facilitate.engine.runs import (
    ABSENT,
    CLOSED,
    OPEN,
    WAITING,
    ItemRun,
    PendingText,
    PluginError,
)
from facilitate.i18n import N_, Translator, translator
from facilitate.model import format_clock
from facilitate.reprs import attrs_repr
from facilitate.views import View

if TYPE_CHECKING:
    from facilitate.engine import Engine

WARNING_SECONDS = 120
"""A timer is in its last minutes (amber, and says so) from two minutes before its end."""
TALK = "talk"
"""The phase of an item with no activity."""


class Audience(enum.StrEnum):
    """Who is looking at a result."""

    ROOM = "room"
    """The projectors (terminal and web): only once revealed, with ``k`` answers, if the
    type lets its results be projected."""
    CONSOLE = "console"
    """The facilitator's own live result; consoles end up on projectors, so ``k`` holds."""
    REPORT = "report"
    """The report after the session: ``k`` holds unless the facilitator asks otherwise."""


class Withheld(enum.StrEnum):
    """Why a result is not shown."""

    NO_ACTIVITY = "no_activity"
    NO_ANSWERS = "no_answers"
    FAILED = "failed"
    NOT_REVEALED = "not_revealed"
    OFF_PROJECTOR = "off_projector"
    TOO_FEW = "too_few"


def disclosure(
    audience: Audience,
    *,
    has_activity: bool,
    failed: bool,
    count: int,
    k: int,
    revealed: bool = False,
    on_projector: bool = True,
    include_small: bool = False,
) -> Withheld | None:
    """Why ``audience`` may not see an item's result now, or ``None`` if it may."""
    if not has_activity:
        return Withheld.NO_ACTIVITY
    if failed:
        return Withheld.FAILED
    if audience is Audience.ROOM:
        if not revealed:
            return Withheld.NOT_REVEALED
        if not on_projector:
            return Withheld.OFF_PROJECTOR
    if audience is Audience.REPORT:
        if count == 0:
            return Withheld.NO_ANSWERS
        if include_small:
            return None
    if not enough_answers(count, k):
        return Withheld.TOO_FEW
    return None


def withheld_message(reason: Withheld | None, t: Translator, *, k: int) -> str:
    """What the room reads instead of a result."""
    if reason is Withheld.NOT_REVEALED:
        return t.gettext("Results are shown once revealed.")
    if reason is Withheld.TOO_FEW:
        return t.ngettext(
            "Results appear once {count} person has answered.",
            "Results appear once {count} people have answered.",
            k,
        )
    if reason is Withheld.OFF_PROJECTOR:
        return t.gettext("The results of this item stay private.")
    if reason is Withheld.FAILED:
        return t.gettext("These results cannot be shown right now.")
    if reason is Withheld.NO_ANSWERS:
        return t.gettext("No answers.")
    return ""


def item_disclosure(engine: Engine, item_id: str, audience: Audience) -> Withheld | None:
    """:func:`disclosure` for an item of a running (or resumed) workshop."""
    run = engine.runs[item_id]
    item = run.item
    on_projector = True
    if item.activity is not None and audience is Audience.ROOM:
        on_projector = bool(engine.activity_type(item).on_projector(item.activity.config))
    return disclosure(
        audience,
        has_activity=item.activity is not None,
        failed=run.error is not None or (item.activity is not None and run.tally is None),
        count=run.count,
        k=engine.agenda.k_for(item),
        revealed=run.revealed,
        on_projector=on_projector,
    )


def shown_view(
    engine: Engine, item_id: str, audience: Audience
) -> tuple[View | None, Withheld | None]:
    """The item's view if ``audience`` may see it, else the reason it is withheld.

    For the room and the console, while answering is open, the view is the last step's
    (see :func:`held_back`); the report always gets the whole result.
    """
    reason = item_disclosure(engine, item_id, audience)
    if reason is not None:
        return None, reason
    try:
        if audience is Audience.REPORT:
            return engine.view(item_id), None
        return _stepped_view(engine, engine.runs[item_id]), None
    except PluginError:
        return None, Withheld.FAILED


# -- results in steps of k while answering is open --------------------------------------


@define
class _Step:
    """What the screens show of an item while answering is open: the view drawn from the
    answers as they were at the last step. The answers then are the item's answers now,
    but for the devices in :attr:`ItemRun.since_mark <facilitate.engine.runs.ItemRun.since_mark>`
    (the engine notes each device's answer at the step as it changes), so a step costs
    what changed since, not every answer. ``decided`` is the count of moderation
    decisions the view was drawn with (approving a text shows it at once)."""

    __repr__ = attrs_repr

    view: View | None = None
    decided: int = -1


@define
class _Changes:
    """The room's running count of the answers changed since the step: which devices'
    changes show (``shows``), and the moderation decisions it was counted under (a
    decision can make a change show, or hide it)."""

    __repr__ = attrs_repr

    shows: dict[str, bool] = field(factory=dict)
    count: int = 0
    decided: int = -1


@define
class _Steps:
    __repr__ = attrs_repr

    by_item: dict[str, _Step] = field(factory=dict)
    changes: dict[str, _Changes] = field(factory=dict)


_STEPS: weakref.WeakKeyDictionary[Any, _Steps] = weakref.WeakKeyDictionary()
"""Each running engine's current steps; in memory only, gone with the engine."""
_MISSING = object()


def changed_answers(
    before: Mapping[str, Any],
    now: Mapping[str, Any],
    differ: Callable[[Any, Any], bool] | None = None,
) -> int:
    """How many devices' answers differ: new, changed or withdrawn (changed and changed
    back counts as none). ``differ(old, new)``, for two values that are not equal, says
    whether the change shows at all (a text rejected out of an answer does not)."""
    changed = 0
    for name, value in now.items():
        old = before.get(name, _MISSING)
        if old is _MISSING or (old != value and (differ is None or differ(old, value))):
            changed += 1
    return changed + sum(1 for name in before if name not in now)


def _changed_since(engine: Engine, run: ItemRun) -> int:
    """Answers changed since the step, as the room could tell: a text that was rejected
    (and erased from its answer) or is still waiting is no change the room sees.

    Counted as answers come: only the devices whose answers changed since the last
    count are looked at again (``run.touched``), so a free-text item whose texts wait
    costs the same to count at 20,000 answers as at 100. After a moderation decision
    every change since the step is looked at again, once."""
    counts = _STEPS.setdefault(engine, _Steps()).changes
    changes = counts.get(run.item.id)
    if changes is None or changes.decided != run.decided or not run.since_mark:
        changes = counts[run.item.id] = _Changes(decided=run.decided)
        names: Iterable[str] = run.since_mark
    else:
        names = run.touched
    for name in names:
        shows = _shows(engine, run, name)
        changes.count += shows - changes.shows.get(name, False)
        changes.shows[name] = shows
    run.touched.clear()
    return changes.count


def _shows(engine: Engine, run: ItemRun, name: str) -> bool:
    """Whether a device's change since the step is one the room could see."""
    old = run.since_mark.get(name, ABSENT)
    new = run.answers.get(name, _MISSING)
    if old is ABSENT or new is _MISSING:
        return (old is ABSENT) != (new is _MISSING)
    visible = engine.answers.visible
    return old != new and visible(run, old) != visible(run, new)


def _step_for(engine: Engine, run: ItemRun) -> _Step | None:
    """The item's current step, taking a new one if ``k`` answers changed since the last;
    ``None`` when the result is not moving in steps (answering is not open)."""
    kept = _STEPS.setdefault(engine, _Steps())
    steps = kept.by_item
    if run.phase != OPEN:
        if steps.pop(run.item.id, None) is not None:
            _mark(kept, run)
        return None
    step = steps.get(run.item.id)
    if step is None or enough_answers(_changed_since(engine, run), engine.k_for(run.item.id)):
        step = steps[run.item.id] = _Step()
        _mark(kept, run)
    return step


def _mark(kept: _Steps, run: ItemRun) -> None:
    """A new step: changes are counted afresh from here."""
    run.mark()
    kept.changes.pop(run.item.id, None)


def _stepped_view(engine: Engine, run: ItemRun) -> View:
    step = _step_for(engine, run)
    if step is None:
        return engine.view(run.item.id)
    if step.view is None or step.decided != run.decided:
        step.view = _view_of(engine, run)
        step.decided = run.decided
    return step.view


def _answers_at_step(run: ItemRun) -> dict[str, Any]:
    """The item's answers as they were at the last step (rejected texts already erased
    from them by the engine, see ``Answers._erase``)."""
    answers = dict(run.answers)
    for name, old in run.since_mark.items():
        if old is ABSENT:
            answers.pop(name, None)
        else:
            answers[name] = old
    return answers


def _view_of(engine: Engine, run: ItemRun) -> View:
    """The item's view drawn from the answers at the last step: from the live tally if
    none changed since, else (after a moderation decision between steps) from the live
    tally wound back to the step: each change since is taken out for the time of the
    drawing, so it costs what changed since the step, not every answer."""
    if not run.since_mark:
        return engine.view(run.item.id)
    tally = run.tally
    if tally is None:
        return _counted_again(engine, run)
    activity_type, config, context = _type_of(engine, run)
    visible = engine.answers.visible
    undo: list[tuple[Callable[[Any], None], Any]] = []

    def wound_back() -> View:
        for name, old in run.since_mark.items():
            new = run.answers.get(name)
            if new is not None:
                shown = visible(run, new)
                tally.remove(shown)
                undo.append((tally.add, shown))
            if old is not ABSENT:
                shown = visible(run, old)
                tally.add(shown)
                undo.append((tally.remove, shown))
        return tuple(call(activity_type, "view", config, tally.result(), context=context))

    def forward() -> None:
        for action, value in reversed(undo):
            action(value)

    try:
        drawn: View = engine.answers.guard(run, "view", wound_back)
    finally:
        try:
            engine.answers.guard(run, "tally", forward)
        except PluginError:  # the live tally is lost: count it again from the answers
            engine.answers.reset_tally(run)
    return drawn


def _type_of(engine: Engine, run: ItemRun) -> tuple[Any, Any, Any]:
    """The item's activity type, its configuration and its context, for plugin calls."""
    item = run.item
    assert item.activity is not None
    return engine.activity_type(item), item.activity.config, engine.context(item.id)


def _counted_again(engine: Engine, run: ItemRun) -> View:
    """The view at the step counted from every answer (when there is no live tally)."""
    answers = _answers_at_step(run)
    activity_type, config, context = _type_of(engine, run)
    visible = engine.answers.visible

    def draw() -> View:
        tally = call(activity_type, "new_tally", config, context=context)
        for value in answers.values():
            tally.add(visible(run, value))
        return tuple(call(activity_type, "view", config, tally.result(), context=context))

    drawn: View = engine.answers.guard(run, "view", draw)
    return drawn


def held_back(engine: Engine, item_id: str) -> int:
    """How many answers came, changed or went since the result the screens show was
    drawn (always fewer than ``k``); 0 when answering is not open."""
    run = engine.runs[item_id]
    steps = _STEPS.get(engine)
    step = steps.by_item.get(item_id) if steps is not None else None
    if step is None or run.phase != OPEN:
        return 0
    return _changed_since(engine, run)


# -- free text waiting for the facilitator ----------------------------------------------


def moderation_preview(
    engine: Engine, limit: int | None = None
) -> tuple[list[tuple[str, PendingText]], int]:
    """Free text waiting for approval that a console may show, and how many texts it
    may not: an item's text stays off the console until the item has ``k`` answers,
    since consoles end up on projectors (the moderation screen, opened on purpose,
    shows them). ``limit``: at most this many texts of each item, the head of its queue
    (a panel with room for a few need not sort a queue of thousands)."""
    shown: list[tuple[str, PendingText]] = []
    hidden = 0
    for item in engine.agenda.items:
        waiting = engine.pending_count(item.id)
        if not waiting:
            continue
        if enough_answers(engine.runs[item.id].count, engine.k_for(item.id)):
            head = engine.first_pending(item.id, waiting if limit is None else limit)
            shown += [(item.id, text) for text in head]
        else:
            hidden += waiting
    return shown, hidden


def public_view(engine: Engine, item_id: str) -> View | None:
    """What the projectors show of an item's result: ``None`` while it is withheld."""
    return shown_view(engine, item_id, Audience.ROOM)[0]


@frozen
class TimerReading:
    """A timer as a screen shows it: digits, a state for colour, and a caption."""

    __repr__ = attrs_repr

    remaining: float
    running: bool
    started: bool
    digits: str
    state: str
    """``"not_started"``, ``"running"``, ``"paused"``, ``"warning"`` or ``"over"``."""
    caption: str


TIMER_WORDS = {
    "over": N_("OVER TIME"),
    "warning": N_("last minutes"),
    "running": N_("running"),
    "paused": N_("paused"),
}


def read_timer(timer: Timer, t: Translator) -> TimerReading:
    """A timer's state and the room's caption for it (nothing before it starts)."""
    remaining, running, started = timer.remaining, timer.running, timer.started
    if remaining < 0:
        state = "over"
    elif remaining <= WARNING_SECONDS and started:
        state = "warning"
    elif running:
        state = "running"
    else:
        state = "paused" if started else "not_started"
    caption = t.gettext(TIMER_WORDS[state]) if state in TIMER_WORDS else ""
    if state in ("over", "warning") and not running:
        caption += " · " + t.gettext(TIMER_WORDS["paused"])
    return TimerReading(remaining, running, started, format_clock(remaining), state, caption)


def format_code(code: str) -> str:
    """A join code in groups of three digits, easier to read from the back of a room."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))


@frozen
class RoomView:
    """Everything the room may see now, in the room's language."""

    __repr__ = attrs_repr

    language: str
    direction: str
    number: int
    total: int
    title: str
    prompt: str
    kind: str | None
    """The item's activity type, or ``None`` for a talk or a break."""
    phase: str
    """``"waiting"``, ``"open"``, ``"closed"``, or ``"talk"`` for an item with no activity."""
    revealed: bool
    call_to_action: str
    """What the room is asked to do now ("Answer now on your phone"), or nothing."""
    timer: TimerReading
    answers: int
    joined: int
    locked: bool
    join_code: str
    """Grouped for reading aloud ("482 917")."""
    join_caption: str
    """"join code", or that the room is closed to new phones."""
    status: str
    """One line: item number, phase, answers, joined, lock."""
    blocks: View
    """The result's view, empty while withheld."""
    withheld: Withheld | None
    withheld_message: str
    """Why there is no result, for the room; empty when there is nothing to say."""
    labels: dict[str, str]
    """The screens' fixed words: ``join``, ``wifi``, ``join_code``, ``locked``."""

    @property
    def shows_result(self) -> bool:
        return self.withheld is None


def room_translator(engine: Engine) -> Translator:
    return translator(engine.agenda.language)


def room_view(engine: Engine) -> RoomView:
    """What the room may see now; the only place reveal, ``k`` and privacy are decided."""
    t = room_translator(engine)
    run = engine.current_run
    item = run.item
    phase = TALK if item.activity is None else run.phase
    blocks, withheld = shown_view(engine, item.id, Audience.ROOM)
    message = withheld_message(withheld, t, k=engine.agenda.k_for(item))
    return RoomView(
        language=t.language,
        direction=t.direction,
        number=engine.index + 1,
        total=len(engine.agenda.items),
        title=item.title,
        prompt=engine.prompt(item),
        kind=item.activity.type if item.activity is not None else None,
        phase=phase,
        revealed=run.revealed,
        call_to_action=_call_to_action(phase, run.revealed, run.error is not None, t),
        timer=read_timer(run.timer, t),
        answers=run.count,
        joined=engine.joined,
        locked=engine.locked,
        join_code=format_code(engine.join_code),
        join_caption=(
            t.gettext("The room is closed to new phones")
            if engine.locked
            else t.gettext("join code")
        ),
        status=_status(engine, phase, t),
        blocks=tuple(blocks or ()),
        withheld=withheld,
        withheld_message=message,
        labels={
            "join": t.gettext("Join"),
            "wifi": t.gettext("Wi-Fi"),
            "join_code": t.gettext("join code"),
            "locked": t.gettext("The room is locked."),
        },
    )


def _call_to_action(phase: str, revealed: bool, failed: bool, t: Translator) -> str:
    if failed or phase == TALK:
        return ""
    if phase == OPEN:
        return t.gettext("Answer now on your phone")
    if phase == CLOSED and not revealed:
        return t.gettext("Answering is closed")
    return ""


PHASE_WORDS = {
    WAITING: N_("not open yet"),
    OPEN: N_("answering open"),
    CLOSED: N_("answering closed"),
}


def _status(engine: Engine, phase: str, t: Translator) -> str:
    run = engine.current_run
    total = len(engine.agenda.items)
    parts = [t.gettext("Item {number} of {total}", number=engine.index + 1, total=total)]
    if phase != TALK:
        parts.append(t.gettext(PHASE_WORDS[phase]) if phase in PHASE_WORDS else phase)
        parts.append(t.ngettext("{count} answer", "{count} answers", run.count))
    parts.append(t.ngettext("{count} joined", "{count} joined", engine.joined))
    if engine.locked:
        parts.append(t.gettext("room locked"))
    return " · ".join(parts)
