"""What the room may see now: the one place where reveal, ``k`` and privacy are decided.

:func:`room_view` reads the engine and returns a :class:`RoomView`: the item's heading,
its timer, what the room is asked to do, how to join, and either the result's view or
the reason it is withheld, all worded in the room's language. The terminal projector,
the web projector (``/screen``) and the console's "what the room sees" preview draw
from it; the report asks :func:`disclosure` with its own audience. None of them
compares a count with ``k`` or reads ``revealed`` itself, so they cannot disagree.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from attrs import frozen

from facilitate.anonymity import enough_answers
from facilitate.clock import Timer
from facilitate.engine.runs import CLOSED, OPEN, WAITING, PluginError
from facilitate.i18n import N_, Translator, translator
from facilitate.model import format_clock
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
    """The item's view if ``audience`` may see it, else the reason it is withheld."""
    reason = item_disclosure(engine, item_id, audience)
    if reason is not None:
        return None, reason
    try:
        return engine.view(item_id), None
    except PluginError:
        return None, Withheld.FAILED


def public_view(engine: Engine, item_id: str) -> View | None:
    """What the projectors show of an item's result: ``None`` while it is withheld."""
    return shown_view(engine, item_id, Audience.ROOM)[0]


@frozen
class TimerReading:
    """A timer as a screen shows it: digits, a state for colour, and a caption."""

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
