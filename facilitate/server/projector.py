"""The web projector page (``/screen/SECRET``): what the room sees, in the room's language.

Everything on it comes from :func:`facilitate.room.room_view`, the one place where
reveal, ``k`` and privacy are decided; this module only draws it (results through the
WEB medium, :mod:`facilitate.render.web`) beside the join QR code, and the Wi-Fi code
when the facilitator shows one. The page fetches its live part again when the engine
changes (``screen.js``); without JavaScript it is still a complete page.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from markupsafe import Markup

from facilitate.i18n import translator
from facilitate.qr import qr_svg
from facilitate.render.web import render_view
from facilitate.room import TIMER_WORDS, WARNING_SECONDS, room_view
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


def screen_values(request: web.Request) -> dict[str, Any]:
    """What ``screen_part.html`` draws: the room model, its results as HTML, the join box."""
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
    return {
        "room": room,
        "results": render_view(room.blocks, t) if room.shows_result else Markup(),
        "timer_words": {name: t.gettext(words) for name, words in TIMER_WORDS.items()},
        "warn_below": WARNING_SECONDS,
        "join_url": join_url,
        "join_address": state.join_address(base),
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
