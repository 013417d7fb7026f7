"""The web projector page (``/screen/SECRET``): what the room sees, in the room's language.

Everything on it comes from :func:`facilitate.room.room_view`, the one place where
reveal, ``k`` and privacy are decided; this module only draws it (results through the
WEB medium, :mod:`facilitate.render.web`) beside the join QR code, and the Wi-Fi code
when the facilitator shows one. The page fetches its live part again when the engine
changes (``screen.js``); without JavaScript it is still a complete page.

A revealed result is laid out for a 16:9 screen (:mod:`facilitate.render.web_layout`):
what does not fit goes on further pages, which the facilitator steps through from the
control page; the join code moves to a corner. The colours are light or dark, as the
control page last chose, or as ``?theme=`` on the projector's address asks.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from markupsafe import Markup

from facilitate.i18n import translator
from facilitate.qr import qr_svg
from facilitate.render.pages import Page
from facilitate.render.web_layout import draw_page, roomy, screen_pages
from facilitate.room import TIMER_WORDS, WARNING_SECONDS, RoomView, room_view
from facilitate.server.responses import page, render
from facilitate.server.state import require_projector, state_of
from facilitate.server.streams import stream


def wifi_network(payload: str) -> str:
    """The network name (SSID) of a ``WIFI:`` payload, for those who type it in; never
    the password."""
    fields, current, escaped = [], "", False
    for char in payload.removeprefix("WIFI:"):
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == ";":
            fields.append(current)
            current = ""
        else:
            current += char
    return next((f[2:] for f in fields if f.startswith("S:")), "")


THEMES = ("light", "dark")


def address_parts(address: str) -> list[str]:
    """An address in the pieces a line may break between ("http://", "192.168.1.20",
    ":8000"), so that it never breaks inside a number."""
    found = re.fullmatch(r"([a-z]+://)?([^:/]*)(:\d+)?(.*)", address)
    if found is None:
        return [address]
    return [part for part in found.groups() if part]


def room_pages(room: RoomView) -> list[Page]:
    """The revealed result's pages on this projector (none while it is withheld)."""
    if not room.shows_result:
        return []
    return screen_pages(room.blocks, title=room.title, prompt=room.prompt)


def chosen_theme(request: web.Request) -> str:
    asked = request.query.get("theme", "")
    return asked if asked in THEMES else state_of(request).screen_theme


def screen_values(request: web.Request) -> dict[str, Any]:
    """What ``screen_part.html`` draws: the room model, a page of its result, the join box."""
    state = state_of(request)
    room = room_view(state.engine)
    t = translator(room.language)
    base = f"{request.scheme}://{request.host}"
    join_url = state.join_url(base)
    wifi = None
    if state.wifi_payload:
        wifi = {
            # The payload is only in the modules, never in text.
            "qr": qr_svg(state.wifi_payload, title=room.labels["wifi"]),
            "network": wifi_network(state.wifi_payload),
        }
    pages = room_pages(room)
    page = min(state.page_of(state.engine.current.id), max(0, len(pages) - 1))
    return {
        "room": room,
        "results": (
            draw_page(
                pages[page],
                t,
                room.prompt,
                spacious=roomy(pages[page], title=room.title, prompt=room.prompt),
            )
            if pages
            else Markup()
        ),
        "page_number": page + 1,
        "page_count": len(pages),
        "theme": chosen_theme(request),
        "timer_words": {name: t.gettext(words) for name, words in TIMER_WORDS.items()},
        "warn_below": WARNING_SECONDS,
        "join_url": join_url,
        "join_address": address_parts(state.join_address(base)),
        "join_qr": qr_svg(join_url, title=room.labels["join"]),
        "wifi": wifi,
    }


async def screen(request: web.Request) -> web.Response:
    engine = require_projector(request)
    values = screen_values(request)
    t = translator(values["room"].language)
    text = render(
        "screen.html",
        t,
        page_title=engine.agenda.title,
        live_base=f"/screen/{engine.projector_secret}",
        **values,
    )
    return page(request, text)


async def screen_fragment(request: web.Request) -> web.Response:
    require_projector(request)
    values = screen_values(request)
    return page(request, render("screen_part.html", translator(values["room"].language), **values))


async def screen_events(request: web.Request) -> web.StreamResponse:
    """The projector's live channel: "fetch yourself again"."""
    require_projector(request)
    return await stream(request, state_of(request).screen)
