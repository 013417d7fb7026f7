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

import gc
import re
import sys
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp.web_urldispatcher import UrlMappingMatchInfo

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
    guarded,
)
from facilitate.server.state import STATE, ServerState

ANSWER_PREFIX = "/a/"


def answers_first(app: web.Application) -> None:
    """Have the application take a phone's answer (``POST /a/ID``) straight to its
    handler behind the same guard, past the router's search and the middleware chain:
    it is the request a room sends most, at once, and the rest of the way is the same.

    Anything unusual about such a request (an id that is not an item id as agendas
    write them, ``Expect``) takes the ordinary way. Call after the routes are added.
    """
    route = next(
        r
        for r in app.router.routes()
        if r.method == "POST"
        and r.resource is not None
        and r.resource.canonical == ANSWER_PREFIX + "{item_id}"
    )
    handle = app._handle
    answer = participant.answer
    found: dict[str, UrlMappingMatchInfo] = {}

    def match_info(item_id: str) -> UrlMappingMatchInfo:
        # What the router would find, made once per id: frozen, it is never changed.
        info = found.get(item_id)
        if info is None:
            info = UrlMappingMatchInfo({"item_id": item_id}, route)
            info.add_app(app)
            info.freeze()
            if len(found) < MATCHES_KEPT:
                found[item_id] = info
        return info

    async def handle_answers_first(request: web.Request) -> web.StreamResponse:
        if request.method == "POST":
            plain = ANSWER_PATH.fullmatch(request.raw_path)
            if plain is not None and "Expect" not in request.headers:
                request._match_info = match_info(plain[1])
                return await guarded(request, answer, refuse)
        return await handle(request)

    app._handle = handle_answers_first  # type: ignore[method-assign]


ANSWER_PATH = re.compile(r"/a/([a-z0-9][a-z0-9-]{0,63})")
"""An answer's address with an item id as agendas write them (``facilitate.agenda``)."""
MATCHES_KEPT = 1000


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


YOUNG_OBJECTS = 10_000
"""Objects made since the last collection before the collector looks at them again
(Python's default is 700). Hundreds of requests in flight at once hold that many
between them, so at 700 the collector ran every few dozen answers, walking requests
that were about to be freed anyway; none of them makes a reference cycle."""


async def live_updates(app: web.Application) -> AsyncIterator[None]:
    app[STATE].start()
    # What exists once the server is up (modules, the agenda, the engine) lives as long
    # as the process: the collector need not walk it again on every full collection.
    gc.freeze()
    if not _SERVING:
        _SERVING.append((gc.get_threshold(), sys.getswitchinterval()))
        threshold = _SERVING[0][0]
        gc.set_threshold(max(threshold[0], YOUNG_OBJECTS), *threshold[1:])
        sys.setswitchinterval(min(_SERVING[0][1], SWITCH_SECONDS))
    _SERVING.append(app)
    yield
    _SERVING.remove(app)
    if len(_SERVING) == 1:  # the last server in this process stopped
        threshold, switch = _SERVING.pop()
        gc.set_threshold(*threshold)
        sys.setswitchinterval(switch)
    app[STATE].stop()


SWITCH_SECONDS = 0.0005
"""How long a thread that wants the interpreter waits for the busy one to give it up
(Python's default is 5 ms). The store's writer thread commits answers while the event
loop's thread answers phones; at 5 ms, each commit it made then waited that long for
the lock to tell the loop, the loop ran out of work meanwhile, and every answer in the
batch was late by as much (half the room's throughput on the benchmark)."""

_SERVING: list[Any] = []
"""Python's collector thresholds and thread switch interval before the first server
started, then each server running in this process (tests run several at once)."""


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
    answers_first(app)
    return app
