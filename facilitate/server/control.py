"""The facilitator's control page (``/control/SECRET``) and API, in the facilitator's language.

Every action is a command of :mod:`facilitate.commands`, run with
:func:`~facilitate.commands.perform` exactly as the terminal's keys run it, so "next" on
a failed item skips it here too. ``POST /control/SECRET/<name>`` answers JSON
(``ok``, ``state``, ``message`` and the command's data) to API clients, and redirects a
browser back to the control page, which then says what the action did.

``POST /control/SECRET/screen`` is the web projector's own: which page of a long
result it shows (``page=next``, ``previous`` or a number from 1) and its colours
(``theme=light`` or ``dark``), kept in memory only.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from facilitate.commands import COMMANDS, CommandError, NotSaved, perform_durably
from facilitate.engine import OPEN, Engine
from facilitate.faults import storage_banner
from facilitate.i18n import Translator
from facilitate.room import (
    PHASE_WORDS,
    TIMER_WORDS,
    WARNING_SECONDS,
    format_code,
    read_timer,
    room_view,
)
from facilitate.server.projector import THEMES, room_pages
from facilitate.server.responses import facilitator_words, page, redirect, render, wants_json
from facilitate.server.security import BAD_REQUEST, NOT_FOUND, PageError, read_parameters
from facilitate.server.state import require_facilitator, state_of
from facilitate.server.streams import stream


def control_status(engine: Engine, t: Translator) -> str:
    """The facilitator's one-line summary: item, phase, answers, phones, lock, join code."""
    run = engine.current_run
    parts = [
        t.gettext(
            "Item {number} of {total}", number=engine.index + 1, total=len(engine.agenda.items)
        )
    ]
    banner = storage_banner(engine.storage_fault, t)
    if banner:
        parts.insert(0, banner)
    if run.item.activity is not None:
        parts.append(t.gettext(PHASE_WORDS[run.phase]) if run.phase in PHASE_WORDS else run.phase)
        parts.append(t.ngettext("{count} answer", "{count} answers", run.count))
    parts.append(t.ngettext("{count} joined", "{count} joined", engine.joined))
    if engine.locked:
        parts.append(t.gettext("room locked"))
    parts.append(t.gettext("join code {code}", code=format_code(engine.join_code)))
    return " · ".join(parts)


def control_values(request: web.Request) -> dict[str, Any]:
    """What ``control_part.html`` draws."""
    state = state_of(request)
    engine = state.engine
    t = facilitator_words(request)
    run = engine.current_run
    return {
        "base": f"/control/{engine.facilitator_secret}",
        "screen_path": f"/screen/{engine.projector_secret}",
        "engine": engine,
        "run": run,
        "has_activity": run.item.activity is not None,
        "answering": run.phase == OPEN,
        "timer": read_timer(run.timer, t),
        "timer_words": {name: t.gettext(words) for name, words in TIMER_WORDS.items()},
        "warn_below": WARNING_SECONDS,
        "status": control_status(engine, t),
        "said": state.last_done,
        "pending": engine.all_pending(),
        "labels": {name: command.label for name, command in COMMANDS.items()},
        "screen": screen_state(request),
    }


def screen_state(request: web.Request) -> dict[str, Any]:
    """The web projector as the control page shows it: its page of how many, its theme."""
    state = state_of(request)
    pages = len(room_pages(room_view(state.engine)))
    page = min(state.page_of(state.engine.current.id), max(0, pages - 1))
    return {"page": page + 1, "pages": pages, "theme": state.screen_theme}


async def control_page(request: web.Request) -> web.Response:
    engine = require_facilitator(request)
    t = facilitator_words(request)
    values = control_values(request)
    title = t.gettext("{title}: control", title=engine.agenda.title)
    text = render("control.html", t, page_title=title, live_base=values["base"], **values)
    return page(request, text, compress=False)


async def control_fragment(request: web.Request) -> web.Response:
    require_facilitator(request)
    text = render("control_part.html", facilitator_words(request), **control_values(request))
    return page(request, text, compress=False)


async def control_events(request: web.Request) -> web.StreamResponse:
    """The control page's live channel (the projector's, behind the control secret)."""
    require_facilitator(request)
    return await stream(request, state_of(request).screen)


def control_state(engine: Engine) -> dict[str, Any]:
    """The workshop's state as the control API reports it after every action."""
    run = engine.current_run
    return {
        "index": engine.index,
        "item": run.item.id,
        "title": run.item.title,
        "phase": run.phase,
        "revealed": run.revealed,
        "answers": run.count,
        "running": run.timer.running,
        "remaining": round(run.timer.remaining, 1),
        "locked": engine.locked,
        "joined": engine.joined,
        "join_code": engine.join_code,
        "pending": len(engine.all_pending()),
        "saving": "ok" if engine.storage_fault is None else engine.storage_fault.kind.value,
    }


def _not_saved(request: web.Request, failure: NotSaved) -> web.Response:
    """The action is done in the room but not saved: said on the page and in the API."""
    state = state_of(request)
    state.last_done = failure.text(facilitator_words(request))
    state.refresh_screen()
    if wants_json(request):
        answer = {"ok": False, "saved": False, "error": state.last_done}
        return web.json_response(answer | {"state": control_state(state.engine)}, status=503)
    return redirect(f"/control/{state.engine.facilitator_secret}")


async def act(request: web.Request) -> web.Response:
    """``POST /control/SECRET/<name>``: run one command of the table."""
    engine = require_facilitator(request)
    name = request.match_info["action"]
    if name not in COMMANDS:
        raise PageError(404, NOT_FOUND)
    given = await read_parameters(request)
    t = facilitator_words(request)
    base = f"/control/{engine.facilitator_secret}"
    try:
        done = await perform_durably(engine, name, given)
    except NotSaved as failure:
        return _not_saved(request, failure)
    except CommandError as error:
        message = error.text(t)
        if wants_json(request):
            return web.json_response({"ok": False, "error": message}, status=400)
        text = render(
            "control_refused.html", t, page_title=message, live_base="", message=message, base=base
        )
        return page(request, text, status=400)
    state = state_of(request)
    state.last_done = done.text(t)
    state.refresh_screen()  # the control page shows what the action did, even if nothing moved
    if wants_json(request):
        answer = {
            **done.data,
            "ok": True,
            "state": control_state(engine),
            "message": state.last_done,
        }
        return web.json_response(answer)
    return redirect(base)


async def screen_settings(request: web.Request) -> web.Response:
    """``POST /control/SECRET/screen``: the projector's page (``page``) or colours
    (``theme``)."""
    engine = require_facilitator(request)
    given = await read_parameters(request)
    t = facilitator_words(request)
    state = state_of(request)
    base = f"/control/{engine.facilitator_secret}"
    if "page" in given:
        pages = len(room_pages(room_view(engine)))
        page = _asked_page(str(given["page"]), state.page_of(engine.current.id))
        if page is None or not 0 <= page < pages:
            return _screen_refused(request, t.gettext("The projector has no such page."), base)
        state.show_page(engine.current.id, page)
        done = t.gettext("Projector: page {number} of {count}", number=page + 1, count=pages)
    elif given.get("theme") in THEMES:
        state.screen_theme = str(given["theme"])
        state.refresh_screen()
        if state.screen_theme == "dark":
            done = t.gettext("Projector: dark colours")
        else:
            done = t.gettext("Projector: light colours")
    else:
        raise PageError(400, BAD_REQUEST)
    state.last_done = done
    state.refresh_screen()
    if wants_json(request):
        return web.json_response({"ok": True, "message": done, "screen": screen_state(request)})
    return redirect(base)


def _asked_page(asked: str, now: int) -> int | None:
    """The page index asked for: "next", "previous", or a page number counted from 1."""
    if asked == "next":
        return now + 1
    if asked == "previous":
        return now - 1
    return int(asked) - 1 if asked.isdigit() else None


def _screen_refused(request: web.Request, message: str, base: str) -> web.Response:
    if wants_json(request):
        return web.json_response({"ok": False, "error": message}, status=400)
    t = facilitator_words(request)
    text = render(
        "control_refused.html", t, page_title=message, live_base="", message=message, base=base
    )
    return page(request, text, status=400)
