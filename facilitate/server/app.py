"""The participant web server for one engine: every route in one place.

=========================== ================================================ ==================
path                        what                                             module
=========================== ================================================ ==================
``/``, ``/j``, ``/j/KEY``   join (QR link or typed code), the current item   :mod:`.participant`
``/a/ID``, ``/r/ID``        answer, withdraw an answer (POST)                :mod:`.participant`
``/events``                 the phone's live channel                         :mod:`.participant`
``/w``                      the quick exit                                   :mod:`.participant`
``/screen/SECRET``          the web projector page, its part and channel     :mod:`.projector`
``/control/SECRET``         the control page, its part, and the API (POST)   :mod:`.control`
``/control/SECRET/screen``  the web projector's page and colours (POST)      :mod:`.control`
``/s/NAME``                 CSS and script                                   :mod:`.responses`
=========================== ================================================ ==================

The projector and the control page have separate secrets: the projector's address is
on the wall for the room to read, so it opens the projector and nothing else.
Guards (headers, limits, same-origin) are in :mod:`.security`, live channels in
:mod:`.streams`, the server's memory in :mod:`.state`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from facilitate.engine import Engine
from facilitate.i18n import resolve_language, system_language
from facilitate.server import control, participant, projector
from facilitate.server.responses import STATIC, no_icon, refuse, static, static_files
from facilitate.server.security import (
    FACILITATOR_ONLY,
    MAX_BODY,
    PageError,
    add_security_headers,
    guard,
)
from facilitate.server.state import STATE, ServerState


async def facilitator_missing(request: web.Request) -> web.Response:
    raise PageError(403, FACILITATOR_ONLY)


ROUTES = [
    web.get("/", participant.index),
    web.get("/j", participant.join_typed),
    web.get("/j/{code}", participant.join),
    web.post("/a/{item_id}", participant.answer),
    web.post("/r/{item_id}", participant.retract),
    web.get("/events", participant.participant_events),
    web.get("/w", participant.quick_exit),
    web.get("/s/{name}", static),
    web.get("/favicon.ico", no_icon),
    web.get("/screen", facilitator_missing),
    web.get("/screen/{secret}", projector.screen),
    web.get("/screen/{secret}/part", projector.screen_fragment),
    web.get("/screen/{secret}/events", projector.screen_events),
    web.get("/control", facilitator_missing),
    web.get("/control/{secret}", control.control_page),
    web.get("/control/{secret}/part", control.control_fragment),
    web.get("/control/{secret}/events", control.control_events),
    web.post("/control/{secret}/screen", control.screen_settings),  # before the commands
    web.post("/control/{secret}/{action}", control.act),
]


async def live_updates(app: web.Application) -> AsyncIterator[None]:
    app[STATE].start()
    yield
    app[STATE].stop()


async def end_streams(app: web.Application) -> None:
    # Before connections are drained, so open event streams do not hold up a stop.
    app[STATE].stop()


def make_app(
    engine: Engine,
    *,
    advertised_url: str | None = None,
    wifi_payload: str | None = None,
    facilitator_language: str | None = None,
) -> web.Application:
    """The whole server for one engine; start it with :func:`facilitate.server.start_server`
    or hand it to the aiohttp test client.

    ``facilitator_language`` is the control page's language (default: the system's, from
    ``FACILITATE_LANG`` or the locale); the projector speaks the agenda's, phones their own.
    """
    app = web.Application(middlewares=[guard(refuse)], client_max_size=MAX_BODY)
    language = resolve_language(facilitator_language or system_language())
    app[STATE] = ServerState(
        engine, language, advertised_url=advertised_url, wifi_payload=wifi_payload
    )
    app[STATIC] = static_files()
    app.cleanup_ctx.append(live_updates)
    app.on_shutdown.append(end_streams)
    app.on_response_prepare.append(add_security_headers)
    app.add_routes(ROUTES)
    return app
