"""What the console says about the workshop, computed from the engine and the room model.

Plain functions from engine state to Rich renderables, so the screens stay thin and the
wording is tested in one place. Everything here is for the facilitator, in the
facilitator's language (``t``); what the room sees is worded by :mod:`facilitate.room`
in the room's language, and only quoted here. Facilitator-written text (titles, notes)
goes through the same safe path as participant text: nothing here is ever markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from facilitate.engine import CLOSED, OPEN, WAITING, Engine, ItemRun
from facilitate.faults import storage_banner
from facilitate.i18n import N_, Translator
from facilitate.render.terminal import (
    GREEN,
    ORANGE,
    SKY_BLUE,
    VERMILLION,
    line,
    plain,
    render_view,
)
from facilitate.room import (
    TALK,
    Audience,
    RoomView,
    Withheld,
    format_code,
    held_back,
    item_disclosure,
    moderation_preview,
    shown_view,
)
from facilitate.tui.widgets.quick_table import QuickTable

REVEALED, HIDDEN, REFUSED = "revealed", "hidden", "refused"
STATE_LABELS = {
    WAITING: N_("waiting"),
    OPEN: N_("open for answers"),
    CLOSED: N_("closed"),
    REVEALED: N_("results revealed"),
    HIDDEN: N_("results hidden"),
    REFUSED: N_("answers refused: cannot save"),
    TALK: N_("no answering"),
}
STATE_STYLES = {
    WAITING: "bold",
    OPEN: f"bold {GREEN}",
    CLOSED: f"bold {ORANGE}",
    REVEALED: f"bold {SKY_BLUE}",
    HIDDEN: "",
    REFUSED: f"bold reverse {VERMILLION}",
    TALK: "",
}


def short_clock(seconds: float) -> str:
    """A duration as "m:ss" or "h:mm:ss" without leading zeros: "0:30", "12:05"."""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def signed_clock(seconds: float) -> str:
    if abs(seconds) < 1:
        return "±0:00"
    return ("+" if seconds > 0 else "−") + short_clock(seconds)


def state_of(run: ItemRun) -> str:
    return TALK if run.item.activity is None else run.state


def answering_of(engine: Engine) -> str:
    """Whether the current item takes answers now: the phase, or *refused* while the
    session cannot be saved (answers then fail however open the item is)."""
    run = engine.current_run
    if run.item.activity is None:
        return TALK
    if run.phase == OPEN and engine.storage_fault is not None:
        return REFUSED
    return run.phase


def results_of(run: ItemRun) -> str:
    return REVEALED if run.revealed else HIDDEN


def item_drift(run: ItemRun, index: int, current: int) -> float | None:
    """An item's drift: a finished item's against its plan, as
    :func:`facilitate.clock.agenda_drift` counts it; the current item's against the time
    it has now (its plan with the minutes added or taken off), as its timer shows it."""
    if not run.timer.started:
        return None
    if index < current:
        return run.timer.elapsed - run.item.duration
    if index == current:
        return run.timer.overrun
    return None


def planned_time(run: ItemRun, current: bool) -> Text:
    """The plan column: the current item's time as it now stands, marked when changed."""
    if current and run.timer.adjustment:
        return Text(short_clock(run.timer.allowed), style=f"bold {ORANGE}")
    return Text(short_clock(run.item.duration))


def agenda_table(engine: Engine, t: Translator, *, compact: bool = False) -> RenderableType:
    """The day: each item's plan, actual time and drift; the total and projected end.

    ``compact`` (a narrow terminal) keeps the titles readable and leaves out the actual
    times; the status line still shows the drift.
    """
    table = Table(box=None, pad_edge=False, expand=True, show_footer=True, header_style="bold")
    end = Text(_hhmm(engine.projected_end()), style="bold")
    footer = t.pgettext("agenda", "end") if compact else t.pgettext("agenda", "drift / end")
    table.add_column("", width=1, footer="")
    table.add_column(
        Text(t.pgettext("agenda", "item")),
        ratio=1,
        no_wrap=True,
        overflow="ellipsis",
        footer=Text(footer),
    )
    plan = Text(t.pgettext("agenda", "plan"))
    if compact:
        table.add_column(plan, justify="right", footer=end)
    else:
        table.add_column(plan, justify="right", footer=Text(""))
        took = Text(t.pgettext("agenda", "took"))
        table.add_column(took, justify="right", footer=_drift_text(engine.drift()))
        table.add_column("±", justify="right", footer=end)
    for index, item in enumerate(engine.agenda.items):
        run = engine.runs[item.id]
        current = index == engine.index
        marker = Text("▶", style=f"bold {SKY_BLUE}") if current else Text(" ")
        title = line(item.title, style="bold" if current else "")
        planned = planned_time(run, current)
        if compact:
            table.add_row(marker, title, planned)
            continue
        took_text = Text(short_clock(run.timer.elapsed) if run.timer.started else "")
        drift = item_drift(run, index, engine.index)
        table.add_row(
            marker, title, planned, took_text, _drift_text(drift) if drift is not None else ""
        )
    return QuickTable(table)  # drawn every second: Rich's own drawing measures each cell


def _hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _drift_text(seconds: float) -> Text:
    if abs(seconds) < 1:
        return Text("±0")
    style = VERMILLION if seconds > 0 else GREEN
    return Text(signed_clock(seconds), style=f"bold {style}")


def storage_line(engine: Engine, t: Translator) -> Text:
    """The banner while the session cannot be saved (empty while it can)."""
    banner = storage_banner(engine.storage_fault, t)
    return Text(f" {banner} ", style=f"bold reverse {VERMILLION}") if banner else Text("")


def status_bar(engine: Engine, t: Translator, join_url: str, note: str = "") -> Text:
    """One line: join code, devices joined, room lock, drift, projected end; first of
    all, while it lasts, that the session cannot be saved."""
    locked = (t.gettext("room LOCKED"), f"bold reverse {ORANGE}")
    text = Text.assemble(
        storage_line(engine, t),
        "  " if engine.storage_fault is not None else "",
        (t.gettext("code {code}", code=format_code(engine.join_code)), "bold"),
        "  ",
        (t.ngettext("{count} joined", "{count} joined", engine.joined), "bold"),
        "  ",
        locked if engine.locked else (t.gettext("room open"), ""),
        "  ",
        *pace(engine, t),
        "  ",
        (t.gettext("ends {time}", time=_hhmm(engine.projected_end())), ""),
        "  ",
        line(join_url, style=SKY_BLUE),
    )
    if note:
        text.append("  ")
        text.append(line(note, style=f"italic {ORANGE}"))
    return text


def pace(engine: Engine, t: Translator) -> list[tuple[str, str]]:
    """The day's drift against the plan, and the current item's time once it is over:
    never "on time" while the timer shows OVER TIME (after ``-``, say)."""
    drift = engine.drift()
    over = engine.current_run.timer.overrun
    said: list[tuple[str, str]] = []
    if drift >= 60:
        said.append((t.gettext("{duration} behind", duration=short_clock(drift)), ""))
    elif drift <= -60:
        said.append((t.gettext("{duration} ahead", duration=short_clock(drift)), ""))
    elif over < 1:
        said.append((t.gettext("on time"), ""))
    if over >= 1:
        if said:
            said.append(("  ", ""))
        item_over = t.gettext("this item {duration} over", duration=short_clock(over))
        said.append((item_over, f"bold {VERMILLION}"))
    return said


def item_heading(engine: Engine, t: Translator) -> Text:
    run = engine.current_run
    kind = engine.type_title(run.item, t.language) if run.item.activity else t.gettext("talk")
    # One line whatever the width: the kind is cut before the title is.
    heading = Text.assemble(
        (f"{engine.index + 1}/{len(engine.agenda.items)} ", "dim"),
        line(run.item.title, style="bold"),
        ("  ", ""),
        line(f"[{kind}]", style=SKY_BLUE),
    )
    heading.no_wrap = True
    heading.overflow = "ellipsis"
    return heading


def item_state(engine: Engine, t: Translator) -> Text:
    """Answering (open, closed, refused) and results (revealed, hidden) as two facts,
    so ``o`` visibly changes what the console says with the results on the projector."""
    run = engine.current_run
    state = answering_of(engine)
    # One fact a line, so nothing wraps mid-phrase beside the timer on a narrow console.
    label = t.gettext(STATE_LABELS[state]) if state in STATE_LABELS else state
    text = Text.assemble((label, STATE_STYLES.get(state, "")))
    if run.item.activity is not None:
        shown = results_of(run)
        text.append("\n")
        text.append(t.gettext(STATE_LABELS[shown]), style=STATE_STYLES[shown])
        text.append("\n")
        text.append(t.ngettext("{count} answer", "{count} answers", run.count), style="bold")
        text.append(f"  k = {engine.k_for(run.item.id)}", style="dim")
        pending = engine.pending_count(run.item.id)
        if pending:
            moderate = t.ngettext("{count} to moderate", "{count} to moderate", pending)
            text.append(f"\n{moderate}", style=f"bold {ORANGE}")
    text.append("\n" + t.ngettext("{count} joined", "{count} joined", engine.joined))
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def hint(engine: Engine, t: Translator, room: RoomView, *, simulated: int = 0) -> Text:
    """The next sensible key for where the workshop is: a newcomer's guide, one line.

    What the room sees is the room model's (``room``): after ``r`` the hint says whether
    the results reached the projector, or why not.
    """
    run = engine.current_run
    last = engine.index + 1 >= len(engine.agenda.items)
    if last:
        onward = t.gettext("q ends the session (it is kept)")
    else:
        onward = t.gettext("n for the next item")
    if room.withheld is Withheld.FAILED:
        clauses = [t.gettext("this item's plugin failed; press n to skip it")]
    elif room.phase == TALK:
        clauses = [onward] if run.timer.started else [t.gettext("space starts the timer"), onward]
    elif room.phase == WAITING:
        clauses = [_open_hint(t, simulated)]
    elif not room.revealed:
        clauses = _before_reveal(engine, t, room)
    else:
        # Answering goes on (or not) after a reveal: o still opens and closes it.
        if run.phase == OPEN:
            toggle = t.gettext("o closes answering")
        else:
            toggle = t.gettext("o reopens answering")
        clauses = [_after_reveal(engine, t, room), toggle, onward]
    if engine.pending_count(run.item.id):
        clauses.append(t.gettext("m to moderate free text"))
    return Text.assemble(("→ ", f"bold {SKY_BLUE}"), line(" · ".join(clauses), style="italic"))


def _open_hint(t: Translator, simulated: int) -> str:
    if not simulated:
        return t.gettext("press o to open answering")
    return t.ngettext(
        "press o to open answering (the {count} simulated phone answers once it is open)",
        "press o to open answering (the {count} simulated phones answer once it is open)",
        simulated,
    )


def _before_reveal(engine: Engine, t: Translator, room: RoomView) -> list[str]:
    item_id = engine.current.id
    if (
        room.phase == OPEN
        and item_disclosure(engine, item_id, Audience.CONSOLE) is Withheld.TOO_FEW
    ):
        k = engine.k_for(item_id)
        return [
            t.gettext("answering is open"),
            t.ngettext(
                "results stay hidden until {count} answer",
                "results stay hidden until {count} answers",
                k,
            ),
        ]
    if room.phase == OPEN:
        toggle = t.gettext("o closes answering")
    else:
        toggle = t.gettext("o reopens answering")
    return [t.gettext("press r to show the results on the projector"), toggle]


def _after_reveal(engine: Engine, t: Translator, room: RoomView) -> str:
    if room.withheld is Withheld.OFF_PROJECTOR:
        return t.gettext("revealed, but this item keeps its results off the projector")
    if room.withheld is Withheld.TOO_FEW:
        return t.ngettext(
            "revealed: the room sees the results from {count} answer on",
            "revealed: the room sees the results from {count} answers on",
            engine.k_for(engine.current.id),
        )
    return t.gettext("the room sees the results (r hides them)")


def room_preview(room: RoomView, t: Translator, pages: tuple[int, int] | None = None) -> Text:
    """What the room sees now, one line: the projector's own words, quoted as they read;
    with ``pages`` (page, count) when the projector shows a long result page by page."""
    text = Text.assemble((t.gettext("Projector"), "bold"), (" ▸ ", SKY_BLUE))
    said = [words for words in (room.call_to_action, room.withheld_message) if words]
    if room.shows_result:
        text.append(t.gettext("results shown"), style=f"bold {GREEN}")
        if pages is not None:
            page, count = pages
            text.append(" · ")
            text.append(
                t.gettext(
                    "page {number} of {count} (PgDn / PgUp)",
                    number=t.number(page + 1),
                    count=t.number(count),
                ),
                style="bold",
            )
    elif said:
        text.append(line(" · ".join(said), style="italic"))
    else:
        text.append(t.gettext("the item, its timer and how to join"), style="dim")
    if room.locked:
        text.append(" · ")
        text.append(line(room.join_caption, style="italic"))
    return text


def console_result(engine: Engine, t: Translator) -> RenderableType:
    """The live result for the facilitator; hidden below k, like everywhere else.

    The console may be mirrored to the projector, so it keeps the anonymity threshold too:
    with two answers in, a bar chart could tell the room who answered what.
    """
    run = engine.current_run
    view, withheld = shown_view(engine, run.item.id, Audience.CONSOLE)
    if view is not None:
        waiting = held_back(engine, run.item.id)
        if not waiting:
            return render_view(view, t)
        steps = t.ngettext(
            "{count} newer answer waits for the next step ({k} at a time)",
            "{count} newer answers wait for the next step ({k} at a time)",
            waiting,
            k=engine.k_for(run.item.id),
        )
        return Group(render_view(view, t), Text(steps, style="italic dim"))
    if withheld is Withheld.FAILED:
        return _error(run.error or "", t)
    if withheld is Withheld.TOO_FEW:
        return Text(
            t.ngettext(
                "{count} answer · results hidden until {k}",
                "{count} answers · results hidden until {k}",
                run.count,
                k=engine.k_for(run.item.id),
            ),
            style="italic",
        )
    return Text("")


def _error(message: str, t: Translator) -> RenderableType:
    return Group(
        Text(
            t.gettext("This item cannot be shown: its plugin failed."), style=f"bold {VERMILLION}"
        ),
        line(message),
        Text(t.gettext("Press n to skip to the next item."), style="bold"),
    )


def moderation_queue(engine: Engine, t: Translator, limit: int = 8) -> RenderableType:
    """Free text waiting for the facilitator, most frequent first (a preview; m to act).

    Consoles end up on projectors, so the text of an item with fewer than ``k`` answers
    is not shown here, only counted (the room model decides which).
    """
    pending, hidden = moderation_preview(engine, limit=limit)
    if not pending and not hidden:
        return Text("")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for _, text in pending[:limit]:
        table.add_row(Text(f"×{t.number(text.count)}", style=ORANGE), line(text.text))
    total = engine.all_pending_count()  # counted, never listed: O(items)
    heading = t.ngettext("To moderate ({count}) · m", "To moderate ({count}) · m", total)
    parts: list[Any] = [Text(heading, style=f"bold {ORANGE}"), table]
    more = total - hidden - min(limit, len(pending))
    if more > 0:
        parts.append(Text(t.ngettext("… and {count} more", "… and {count} more", more), "italic"))
    if hidden:
        parts.append(
            Text(
                t.ngettext(
                    "{count} text not shown here until its item has enough answers",
                    "{count} texts not shown here until their items have enough answers",
                    hidden,
                ),
                "italic",
            )
        )
    return Group(*parts)


def notes(engine: Engine, t: Translator) -> RenderableType:
    text = engine.current.notes
    if not text:
        return Text("")
    return Group(Text(t.gettext("Notes"), style="bold"), plain(reflow(text)))


def reflow(text: str) -> str:
    """Notes as paragraphs: TOML line breaks inside a paragraph become spaces, so the
    panel wraps them to its own width; blank lines and list items keep their breaks."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines: list[str] = []
        for raw_line in block.splitlines():
            stripped = raw_line.strip()
            if lines and stripped and not stripped.startswith(("-", "*", "•")):
                lines[-1] += " " + stripped
            elif stripped:
                lines.append(stripped)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)
