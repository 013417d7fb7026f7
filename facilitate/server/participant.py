"""The participant's side: join with the code, see the current item, answer, change, withdraw.

Pages work without JavaScript (forms POST and redirect back; a full-width button looks
for the next question, and a page with no form to fill refreshes itself); ``p.js`` only
swaps in the next item when the live channel says it changed, and counts the time down.
A bar on top says whether the item is open, how long is left, whether this phone's
answer was received, and whether its own free text waits for approval or was approved
(never anything about other people's answers). The page's own words are in the
participant's language; questions and options are the agenda's.
The quick exit leads to a dull local page with nothing on it about the workshop, and
ends the device's cookie there, so neither Back nor the address brings the workshop back.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from aiohttp import web

from facilitate.engine import OPEN, WAITING, Engine, NotJoined, PluginError, RoomLocked
from facilitate.engine.runs import APPROVED, PENDING, ItemRun
from facilitate.forms import (
    ANSWER_MESSAGES,
    AnswerError,
    RawForm,
)
from facilitate.i18n import N_, Translator
from facilitate.model import format_clock
from facilitate.server.responses import (
    LANGUAGE_COOKIE,
    frame_values,
    page,
    participant_words,
    redirect,
    render,
)
from facilitate.server.security import (
    BAD_CODE,
    BAD_FORM,
    FORM_TOKEN_FIELD,
    NOT_FOUND,
    NOT_JOINED,
    QUESTION_CLOSED,
    ROOM_LOCKED,
    TOO_MANY,
    TOO_MANY_CODES,
    UNAVAILABLE,
    PageError,
    read_form,
    secret_matches,
)
from facilitate.server.state import (
    TOKEN_COOKIE,
    ServerState,
    cookie_seconds,
    member_token,
    state_of,
)
from facilitate.server.streams import stream

ANSWER_ERRORS = {
    "required": N_("Please answer this question."),
    "not_an_option": N_("Please choose one of the options."),
    "too_few": N_("Please choose at least {min}."),
    "too_many": N_("Please choose at most {max}."),
    "out_of_range": N_("Please choose a value from {min} to {max}."),
    "not_a_ranking": N_("Please give each option a different place, from 1 to {count}."),
    "closed": N_("This question is not open for answers right now."),
    "invalid": N_("This answer could not be accepted."),
}
"""What a participant reads for each :class:`AnswerError` code (two more, with a count
of things, are plurals: see :func:`answer_error_text`)."""


def answer_error_text(error: AnswerError, t: Translator) -> str:
    """Why an answer was refused, in the participant's language."""
    params = error.params
    if error.code == "too_long" and isinstance(params.get("max"), int):
        return t.ngettext(
            "Please keep it under {count} character.",
            "Please keep it under {count} characters.",
            params["max"],
        )
    if error.code == "points_total" and isinstance(params.get("total"), int):
        return t.ngettext(
            "Please share out exactly {count} point.",
            "Please share out exactly {count} points.",
            params["total"],
        )
    text = t.gettext(ANSWER_ERRORS.get(error.code, ANSWER_ERRORS["invalid"]), **params)
    if error.code == "invalid" and error.message and error.message != ANSWER_MESSAGES["invalid"]:
        # A plugin's own rule, in its own words (the room's language), after ours.
        return f"{text} {error.message}"
    return text


# -- the form's fields, for templates/fields.html ------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_.-]+")
"""Attribute values that need no quotes (grids leave them off to stay light)."""


class FieldHelpers:
    """Small functions the field templates call."""

    @staticmethod
    def first(raw: RawForm, key: str) -> str:
        values = raw.get(key) or ()
        return values[0] if values else ""

    @staticmethod
    def field_id(name: str, *parts: object) -> str:
        safe = "".join(ch if ch.isalnum() else "-" for ch in name)
        return "-".join(["f", safe, *map(str, parts)])

    @staticmethod
    def point_label(labels: Sequence[str], low: int, high: int, value: int) -> str:
        if len(labels) == high - low + 1:
            return labels[value - low]
        if len(labels) == 2 and value in (low, high):
            return labels[0] if value == low else labels[1]
        return ""

    @staticmethod
    def point_labels(labels: Sequence[str], low: int, high: int) -> list[str]:
        return [FieldHelpers.point_label(labels, low, high, p) for p in range(low, high + 1)]

    @staticmethod
    def bare(value: str) -> bool:
        return _BARE.fullmatch(value) is not None


def item_path(prefix: str, item_id: str) -> str:
    return f"{prefix}/{quote(item_id, safe='')}"


# -- the bar: the item's state, its time, this phone's answer -------------------------------

REFRESH_SECONDS = 10
"""How often a page with nothing to fill in reloads itself when JavaScript is off."""
EXCERPT = 40
"""Characters of a text quoted back in its status."""
TEXT_STATES = {
    PENDING: N_("“{text}”: waiting for the facilitator's approval"),
    APPROVED: N_("“{text}”: approved for the screen"),
}


def phone_clock(run: ItemRun, t: Translator) -> dict[str, Any]:
    """The item's time as a phone shows it (nothing before the timer starts)."""
    timer = run.timer
    remaining = timer.remaining
    if not timer.started and not timer.running:
        return {"words": "", "left": None}
    if remaining < 0:
        return {"words": t.gettext("Time is up"), "left": None}
    time = format_clock(remaining)
    if not timer.running:
        return {"words": t.gettext("{time} left (paused)", time=time), "left": None}
    return {"words": t.gettext("{time} left", time=time), "left": round(remaining)}


def excerpt(text: str) -> str:
    """A text's first words, on one line, cut between words."""
    text = " ".join(text.split())
    if len(text) <= EXCERPT:
        return text
    cut = text[: EXCERPT - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def text_states(engine: Engine, item_id: str, form: Any, answer: Any) -> list[tuple[str, str]]:
    """This phone's own free texts (each moderated field it filled) and what became of
    them: waiting for approval, or approved. A rejected text was erased from the
    answer, so it is not there to report."""
    if not isinstance(answer, dict):
        return []
    found = []
    for name in form.moderated_fields():
        text = answer.get(name)
        if isinstance(text, str) and text:
            state = engine.decision(item_id, text)
            if state in TEXT_STATES:
                found.append((excerpt(text), state))
    return found


# -- the current item ---------------------------------------------------------------------


def item_values(
    request: web.Request,
    token: str,
    *,
    raw: RawForm | None = None,
    error: AnswerError | None = None,
) -> dict[str, Any]:
    """What ``item.html`` needs to show the current item to one device."""
    state = state_of(request)
    engine = state.engine
    run = engine.current_run
    item = run.item
    live = {
        "item": item.id,
        "phase": run.phase if item.activity is not None else WAITING,
        "timer": str(state.timer_changes),
    }
    # Pages with nothing to fill in refresh themselves (without JavaScript).
    values: dict[str, Any] = {"live": live, "shows": "waiting", "refresh": REFRESH_SECONDS}
    if item.activity is None or run.phase == WAITING:
        return values
    try:
        form = engine.form(item.id)
        answer = engine.answer_of(token, item.id)
    except PluginError:
        return values | {"shows": "unavailable"}
    if run.phase == OPEN:
        values["refresh"] = 0
    t = participant_words(request)
    states = text_states(engine, item.id, form, answer)
    return values | {
        "shows": "form",
        "title": item.title,
        "form": form,
        "phase_open": run.phase == OPEN,
        "answered": answer is not None,
        "clock": phone_clock(run, t),
        "timer_changes": state.timer_changes,
        "texts": [(t.gettext(TEXT_STATES[mark], text=text), mark) for text, mark in states],
        "waiting_texts": any(mark == PENDING for _, mark in states),
        "raw": raw if raw is not None else form.raw(answer),
        "form_token": state.form_token(token) or "",
        "answer_path": item_path("/a", item.id),
        "retract_path": item_path("/r", item.id),
        "error_text": answer_error_text(error, t) if error else "",
        "error_field": error.field if error else None,
        "h": FieldHelpers,
        "token_field": FORM_TOKEN_FIELD,
    }


def item_page(
    request: web.Request, token: str, *, status: int = 200, **options: Any
) -> web.Response:
    t = participant_words(request)
    values = item_values(request, token, **options)
    values.update(frame_values(request, live=values["live"]))
    return page(request, render("item_page.html", t, **values), status=status)


async def index(request: web.Request) -> web.Response:
    t = participant_words(request)
    token = member_token(request)
    if token is None:
        if request.query.get("part"):
            raise PageError(403, NOT_JOINED)
        return page(request, render("join.html", t, error="", **frame_values(request)))
    part = request.query.get("part")
    if part == "bar":  # the live page's time and statuses, fetched again on a change
        values = item_values(request, token)
        shown = render("bar.html", t, **values) if values["shows"] == "form" else ""
        return page(request, shown)
    if part:
        return page(request, render("item.html", t, **item_values(request, token)))
    return item_page(request, token)


# -- joining ---------------------------------------------------------------------------------


async def join_typed(request: web.Request) -> web.Response:
    """The join form on the welcome page: the typed code."""
    digits = "".join(ch for ch in request.query.get("code", "") if ch.isdigit())[:6]
    return await _join_typed_code(request, digits)


async def join(request: web.Request) -> web.Response:
    """``/j/KEY`` from the QR code, or ``/j/CODE`` typed into the address bar."""
    given = request.match_info["code"]
    if member_token(request) is not None:
        return redirect("/")
    if state_of(request).engine.access.link_matches(given):
        return _joined(request)
    return await _join_typed_code(request, given)


async def _join_typed_code(request: web.Request, code: str) -> web.Response:
    """A typed six-digit code. Wrong codes use up an allowance of their own, so the
    900,000 codes cannot be tried quickly; while it is used up, typed codes wait (right
    or wrong alike, or the answer would tell a guesser which was right) and the page
    says to scan the QR code, whose link is never limited."""
    state = state_of(request)
    if member_token(request) is not None:
        return redirect("/")
    now = asyncio.get_running_loop().time()
    if state.wrong_codes.exhausted("room", now):
        raise PageError(429, TOO_MANY_CODES)
    if not state.engine.code_matches(code):
        state.wrong_codes.allow("room", now)
        t = participant_words(request)
        text = render("join.html", t, error=t.gettext(BAD_CODE), **frame_values(request))
        return page(request, text, status=404)
    return _joined(request)


def _joined(request: web.Request) -> web.Response:
    engine = state_of(request).engine
    try:
        token = engine.join()
    except RoomLocked:
        raise PageError(403, ROOM_LOCKED) from None
    response = redirect("/")
    # An expiry, not a browser-session cookie: phones that restore their tabs keep
    # those for months. Secure when the page came over TLS.
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        path="/",
        httponly=True,
        samesite="Lax",
        max_age=cookie_seconds(engine),
        secure=request.secure,
    )
    return response


# -- answering -------------------------------------------------------------------------------


async def _participant_post(
    request: web.Request, state: ServerState
) -> tuple[str, dict[str, list[str]]]:
    """The checks every participant POST passes: joined, not too fast, a valid form token."""
    token = member_token(request, state)
    if token is None:
        raise PageError(403, NOT_JOINED)
    if not state.answer_limit.allow(token, time.monotonic()):
        raise PageError(429, TOO_MANY)
    raw = await read_form(request)
    sent = (raw.pop(FORM_TOKEN_FIELD, None) or [""])[0]
    if not secret_matches(sent, state.form_token(token) or ""):
        raise PageError(403, BAD_FORM)
    return token, raw


def _open_item(request: web.Request, engine: Engine) -> str:
    item_id = request.match_info["item_id"]
    if item_id not in engine.runs:
        raise PageError(404, NOT_FOUND)
    if item_id != engine.current.id or engine.runs[item_id].phase != OPEN:
        raise PageError(409, QUESTION_CLOSED)
    return item_id


async def answer(request: web.Request) -> web.Response:
    state = state_of(request)
    token, raw = await _participant_post(request, state)
    item_id = _open_item(request, state.engine)
    try:
        await state.engine.submit(token, item_id, raw)
    except NotJoined:
        raise PageError(403, NOT_JOINED) from None
    except PluginError:
        raise PageError(409, UNAVAILABLE) from None
    except AnswerError as error:
        if error.code == "closed":
            raise PageError(409, QUESTION_CLOSED) from None
        return item_page(request, token, raw=raw, error=error, status=400)
    return redirect("/")


async def retract(request: web.Request) -> web.Response:
    state = state_of(request)
    token, _ = await _participant_post(request, state)
    item_id = _open_item(request, state.engine)
    try:
        await state.engine.retract(token, item_id)
    except AnswerError:
        raise PageError(409, QUESTION_CLOSED) from None
    return redirect("/")


async def participant_events(request: web.Request) -> web.StreamResponse:
    token = member_token(request)
    if token is None:
        raise PageError(403, NOT_JOINED)
    return await stream(request, state_of(request).participants, device=token)


QUICK_EXIT_CLEARS = '"cache", "cookies", "storage"'
"""What ``Clear-Site-Data`` asks the browser to forget (browsers honour it over TLS)."""


async def quick_exit(request: web.Request) -> web.Response:
    """Where the exit button leads: a page that says nothing of where the phone has been.

    It ends the device's cookie (and the language one), so Back and the address show
    only the welcome page again, with or without JavaScript; the answers stay counted.
    """
    response = page(request, render("quick_exit.html", participant_words(request)))
    for name in (TOKEN_COOKIE, LANGUAGE_COOKIE):
        # With the attributes it was set with: a browser keeps a Secure cookie that a
        # plain one tries to replace.
        response.del_cookie(name, path="/", httponly=True, samesite="Lax", secure=request.secure)
    response.headers["Clear-Site-Data"] = QUICK_EXIT_CLEARS
    return response
