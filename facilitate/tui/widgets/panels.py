"""What the console and the projector say about the workshop, computed from the engine.

Plain functions from engine state to Rich renderables, so the screens stay thin and
the wording is tested in one place. Facilitator-written text (titles, notes) goes
through the same safe path as participant text: nothing here is ever markup.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from facilitate.engine import CLOSED, OPEN, WAITING, Engine, ItemRun, PluginError
from facilitate.tui.render import GREEN, ORANGE, SKY_BLUE, VERMILLION, line, plain, render_view

if TYPE_CHECKING:
    from facilitate.server.i18n import Translator

STATE_LABELS = {
    WAITING: "waiting",
    OPEN: "open for answers",
    CLOSED: "closed",
    "revealed": "results revealed",
    "talk": "no answering",
}
STATE_STYLES = {
    WAITING: "bold",
    OPEN: f"bold {GREEN}",
    CLOSED: f"bold {ORANGE}",
    "revealed": f"bold {SKY_BLUE}",
    "talk": "",
}


def format_code(code: str) -> str:
    """A join code in groups of three digits, easier to read from the back of a room."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))


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
    return "talk" if run.item.activity is None else run.state


def prompt_of(engine: Engine, run: ItemRun) -> str:
    if run.item.activity is None:
        return ""
    try:
        return engine.activity_type(run.item).prompt(run.item.activity.config)
    except Exception:  # a plugin's prompt must not take the console down
        return ""


def kind_title(engine: Engine, run: ItemRun) -> str:
    if run.item.activity is None:
        return "talk"
    activity_type = engine.plugins.activity_types.get(run.item.activity.type)
    return (activity_type.title if activity_type else "") or run.item.activity.type


def item_drift(run: ItemRun, index: int, current: int) -> float | None:
    """An item's drift as :func:`facilitate.clock.agenda_drift` counts it."""
    if not run.timer.started:
        return None
    over = run.timer.elapsed - run.item.duration
    if index < current:
        return over
    if index == current:
        return max(0.0, over)
    return None


def agenda_table(engine: Engine, *, compact: bool = False) -> RenderableType:
    """The day: each item's plan, actual time and drift; the total and projected end.

    ``compact`` (a narrow terminal) keeps the titles readable and leaves out the actual
    times; the status line still shows the drift.
    """
    table = Table(box=None, pad_edge=False, expand=True, show_footer=True, header_style="bold")
    drift = engine.drift()
    end = Text(_hhmm(engine.projected_end()), style="bold")
    table.add_column("", width=1, footer="")
    table.add_column(
        "item",
        ratio=1,
        no_wrap=True,
        overflow="ellipsis",
        footer=Text("end" if compact else "drift / end"),
    )
    if compact:
        table.add_column("plan", justify="right", footer=end)
    else:
        table.add_column("plan", justify="right", footer=Text(""))
        table.add_column("took", justify="right", footer=_drift_text(drift))
        table.add_column("±", justify="right", footer=end)
    for index, item in enumerate(engine.agenda.items):
        run = engine.runs[item.id]
        current = index == engine.index
        marker = Text("▶", style=f"bold {SKY_BLUE}") if current else Text(" ")
        title = line(item.title, style="bold" if current else "")
        plan = Text(short_clock(item.duration))
        if compact:
            table.add_row(marker, title, plan)
            continue
        took = Text(short_clock(run.timer.elapsed) if run.timer.started else "")
        item_drift_seconds = item_drift(run, index, engine.index)
        table.add_row(
            marker,
            title,
            plan,
            took,
            _drift_text(item_drift_seconds) if item_drift_seconds is not None else Text(""),
        )
    return table


def _hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _drift_text(seconds: float) -> Text:
    if abs(seconds) < 1:
        return Text("±0")
    style = VERMILLION if seconds > 0 else GREEN
    return Text(signed_clock(seconds), style=f"bold {style}")


def status_bar(engine: Engine, join_url: str, note: str = "") -> Text:
    """One line: join code, devices joined, room lock, drift, projected end."""
    drift = engine.drift()
    if abs(drift) < 60:
        ahead = "on time"
    else:
        ahead = f"{short_clock(drift)} {'behind' if drift > 0 else 'ahead'}"
    text = Text.assemble(
        ("code ", ""),
        (format_code(engine.join_code), "bold"),
        "  ",
        (f"{engine.joined} joined", "bold"),
        "  ",
        ("room LOCKED", f"bold reverse {ORANGE}") if engine.locked else ("room open", ""),
        "  ",
        (ahead, ""),
        "  ",
        ("ends ", ""),
        (_hhmm(engine.projected_end()), "bold"),
        "  ",
        line(join_url, style=SKY_BLUE),
    )
    if note:
        text.append("  ")
        text.append(line(note, style=f"italic {ORANGE}"))
    return text


def item_heading(engine: Engine) -> Text:
    run = engine.current_run
    # One line whatever the width: the kind is cut before the title is.
    heading = Text.assemble(
        (f"{engine.index + 1}/{len(engine.agenda.items)} ", "dim"),
        line(run.item.title, style="bold"),
        ("  ", ""),
        line(f"[{kind_title(engine, run)}]", style=SKY_BLUE),
    )
    heading.no_wrap = True
    heading.overflow = "ellipsis"
    return heading


def item_state(engine: Engine) -> Text:
    run = engine.current_run
    state = state_of(run)
    # One fact a line, so nothing wraps mid-phrase beside the timer on a narrow console.
    text = Text.assemble((STATE_LABELS.get(state, state), STATE_STYLES.get(state, "")))
    if run.item.activity is not None:
        k = engine.agenda.k_for(run.item)
        text.append("\n")
        text.append(plural(run.count, "answer"), style="bold")
        text.append(f"  k = {k}", style="dim")
        pending = len(engine.pending(run.item.id))
        if pending:
            text.append(f"\n{pending} to moderate", style=f"bold {ORANGE}")
    text.append(f"\n{engine.joined} joined")
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def hint(engine: Engine, *, simulated: int = 0) -> Text:
    """The next sensible key for where the workshop is: a newcomer's guide, one line."""
    run = engine.current_run
    last = engine.index + 1 >= len(engine.agenda.items)
    next_key = "q to quit (the session is kept)" if last else "n for the next item"
    if run.error:
        message = "this item's plugin failed; press n to skip it"
    elif run.item.activity is None:
        message = (
            f"space starts the timer · {next_key}" if not run.timer.started else f"press {next_key}"
        )
    elif run.phase == WAITING:
        message = "press o to open answering"
        if simulated:
            message += f" (the {simulated} simulated phones answer once it is open)"
    elif run.phase == OPEN and not engine.enough_answers(run.item.id):
        message = (
            f"answering is open · results stay hidden until {engine.agenda.k_for(run.item)} answers"
        )
    elif not run.revealed:
        message = "press r to show the results on the projector · o "
        message += "closes answering" if run.phase == OPEN else "reopens answering"
    else:
        message = f"the room sees the results (r hides them) · {next_key}"
    if engine.pending(run.item.id):
        message += " · m to moderate free text"
    return Text.assemble(("→ ", f"bold {SKY_BLUE}"), line(message, style="italic"))


def console_result(engine: Engine) -> RenderableType:
    """The live result for the facilitator; hidden below k, like everywhere else.

    The console may be mirrored to the projector, so it keeps the anonymity threshold too:
    with two answers in, a bar chart could tell the room who answered what.
    """
    run = engine.current_run
    if run.error:
        return _error(run.error)
    if run.item.activity is None:
        return Text("")
    k = engine.agenda.k_for(run.item)
    if not engine.enough_answers(run.item.id):
        return Text(f"{run.count} answers · results hidden until {k}", style="italic")
    try:
        view = engine.view(run.item.id)
    except PluginError as error:
        return _error(str(error))
    return render_view(view)


def _error(message: str) -> RenderableType:
    return Group(
        Text("This item cannot be shown: its plugin failed.", style=f"bold {VERMILLION}"),
        line(message),
        Text("Press n to skip to the next item.", style="bold"),
    )


def moderation_queue(engine: Engine, limit: int = 8) -> RenderableType:
    """Free text waiting for the facilitator, most frequent first (a preview; m to act)."""
    pending = engine.all_pending()
    if not pending:
        return Text("")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for _, text in pending[:limit]:
        table.add_row(Text(f"×{text.count}", style=ORANGE), line(text.text))
    more = len(pending) - limit
    heading = Text(f"To moderate ({len(pending)}) · m", style=f"bold {ORANGE}")
    parts: list[Any] = [heading, table]
    if more > 0:
        parts.append(Text(f"… and {more} more", style="italic"))
    return Group(*parts)


def notes(engine: Engine) -> RenderableType:
    text = engine.current.notes
    if not text:
        return Text("")
    return Group(Text("Notes", style="bold"), plain(reflow(text)))


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


def room_words(engine: Engine) -> Translator:
    """The projector's words in the agenda's language (the console's stay English)."""
    # Plain tables, no aiohttp; imported here so that importing the UI loads no server module.
    from facilitate.server.i18n import Translator

    return Translator(engine.agenda.language)


def room_line(engine: Engine) -> Text:
    """What the room is asked to do now, on the projector."""
    run = engine.current_run
    if run.item.activity is None or run.error:
        return Text("")
    t = room_words(engine)
    if run.phase == OPEN:
        return Text(t("screen_answer_now"), style=f"bold {GREEN}")
    if run.phase == CLOSED and not run.revealed:
        return Text(t("screen_answering_closed"), style=f"bold {ORANGE}")
    return Text("")


def projector_result(engine: Engine) -> RenderableType:
    """Results for the room: only once revealed, with at least k answers."""
    run = engine.current_run
    if run.item.activity is None or not run.revealed or run.error:
        return Text("")
    view = engine.public_view(run.item.id)
    if view is None:
        t = room_words(engine)
        if not engine.enough_answers(run.item.id):
            k = engine.agenda.k_for(run.item)
            return Text(t("screen_results_after_people", k=k), style="italic")
        return Text(t("screen_results_private"), style="italic")
    return render_view(view, big=True)
