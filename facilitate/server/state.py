"""What the server holds beside the engine, all in memory: settings, live channels, limits.

Every request reads from and writes to the engine; the server keeps no copy of the
workshop. What it does keep (rate-limit buckets keyed by device token, checked device
tokens, the latest live-update message, the facilitator's last message) is forgotten
when it stops. It never looks at a client's address or user agent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from aiohttp import web
from attrs import define, field

from facilitate import anonymity, events
from facilitate.engine import WAITING, Engine
from facilitate.reprs import attrs_repr
from facilitate.server.security import FACILITATOR_ONLY, PageError, RateLimiter, secret_matches
from facilitate.server.streams import Broadcast, sse

TOKEN_COOKIE = "t"
SCREEN_THROTTLE = 0.2
"""The projector redraws at most about five times a second however fast answers come."""
COOKIE_GRACE = 3600
"""How long past the agenda's projected end a phone's cookies last (overruns, a late
evaluation); then the phone has to scan the code again."""
COOKIE_LONGEST = 12 * 3600
"""However long the agenda: a cookie never lasts longer than this (a training of several
days resumes its session each morning, and phones join again)."""


def cookie_seconds(engine: Engine) -> int:
    """How long a phone keeps its cookies: until the session's projected end and a grace.

    A cookie without an expiry would last "until the browser closes", which on a phone
    that restores its tabs can mean for months.
    """
    remaining = (engine.projected_end() - engine.clock.wall()).total_seconds()
    return int(min(COOKIE_LONGEST, max(0.0, remaining) + COOKIE_GRACE))


@define
class ServerState:
    """The server's memory for one engine."""

    __repr__ = attrs_repr

    engine: Engine
    facilitator_language: str
    """The control page's language (``--lang``, or the system's)."""
    advertised_url: str | None = None
    """Base URL phones use (http://LAN-ADDRESS:PORT), for the join QR on the projector."""
    wifi_payload: str | None = None
    """A ``WIFI:`` QR payload to show beside the join code, if the facilitator gave one."""
    last_done: str = ""
    """What the facilitator's last action from the control page did, in their language."""
    screen_page: tuple[str, int] = ("", 0)
    """The page of a long result the projector shows, as (item id, page): another item
    starts at its first page. Memory only, like the theme."""
    timer_changes: int = 0
    """How often the current timers started, paused or changed: phones compare it with
    their page's and fetch their time again when it moved."""
    screen_theme: str = "light"
    """The projector's colours, ``"light"`` or ``"dark"`` (the control page switches it;
    ``?theme=`` on the projector's address overrides it for that browser)."""
    participants: Broadcast = field(factory=Broadcast)
    screen: Broadcast = field(factory=Broadcast)
    answer_limit: RateLimiter = field(factory=lambda: RateLimiter(burst=20, per_second=1.0))
    wrong_codes: RateLimiter = field(factory=lambda: RateLimiter(burst=30, per_second=3.0))
    """Typed join codes that were wrong, for the whole room: six digits are guessable, so
    while wrong codes come faster than this, typed codes wait. The join link's key is
    not limited (it cannot be guessed), so phones that scan always get in."""
    _verified: dict[str, str] = field(factory=dict)
    _screen_pending: bool = False
    _unsubscribe: Callable[[], None] | None = None

    def form_token(self, token: str) -> str | None:
        """The device's form token, or ``None`` if the session did not issue the token.

        Remembered per device in memory only, so checking a device costs one lookup
        rather than two HMACs per request.
        """
        known = self._verified.get(token)
        if known is None:
            if not self.engine.is_member(token):
                return None
            if len(self._verified) > 50_000:
                self._verified.clear()
            known = self._verified[token] = anonymity.form_token(self.engine.secret, token)
        return known

    def join_url(self, base: str) -> str:
        """The join link the QR code carries (with the key, not the typed code)."""
        return f"{self.join_address(base)}/j/{self.engine.access.link_key}"

    def join_address(self, base: str) -> str:
        """Where phones go to type the code: the server's address, for reading aloud."""
        return (self.advertised_url or base).rstrip("/")

    # Engine events arrive on the loop thread (the engine is only ever driven from it).
    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.TimerChanged):
            self.timer_changes += 1
        if isinstance(event, events.ItemChanged | events.PhaseChanged | events.TimerChanged):
            message = self.participant_message()
            if message != self.participants.message:
                self.participants.publish(message)
        self.refresh_screen()

    def refresh_screen(self) -> None:
        """Have the projector and control pages fetch themselves again (coalesced)."""
        if not self._screen_pending:
            self._screen_pending = True
            asyncio.get_running_loop().call_later(SCREEN_THROTTLE, self._flush_screen)

    def set_wifi(self, payload: str | None) -> None:
        """Show a Wi-Fi QR code on the projector page (``None`` takes it off).

        Kept in memory only: the payload carries the network's password, so it is never
        written to the session file or logged.
        """
        if payload is not None and not (isinstance(payload, str) and payload.startswith("WIFI:")):
            raise ValueError("expected a WIFI: payload from facilitate.qr.wifi_qr_payload")
        if payload != self.wifi_payload:
            self.wifi_payload = payload or None
            self.refresh_screen()

    def page_of(self, item_id: str) -> int:
        """The page of the item's result the projector shows (0 for another item's)."""
        shown, page = self.screen_page
        return page if shown == item_id else 0

    def show_page(self, item_id: str, page: int) -> None:
        self.screen_page = (item_id, max(0, page))
        self.refresh_screen()

    def _flush_screen(self) -> None:
        self._screen_pending = False
        self.screen.publish(sse("change", str(self.screen.version + 1)))

    def participant_message(self) -> bytes:
        run = self.engine.current_run
        phase = run.phase if run.item.activity is not None else WAITING
        # "timer" counts the timer's starts, pauses and extensions: a phone whose page
        # shows an older count fetches its time again (``/?part=bar``).
        message = {"item": run.item.id, "phase": phase, "timer": self.timer_changes}
        return sse("change", json.dumps(message))

    def start(self) -> None:
        self.participants = Broadcast(self.participant_message())
        self.screen = Broadcast(sse("change", "0"))
        self._unsubscribe = self.engine.subscribe(self.on_event)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.participants.close()
        self.screen.close()


STATE = web.AppKey("state", ServerState)


def state_of(request: web.Request) -> ServerState:
    return request.app[STATE]


def read_cookie(request: web.Request, name: str) -> str | None:
    # Read by hand: the full cookie parser is a noticeable share of an answer's cost.
    for part in request.headers.get("Cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def member_token(request: web.Request, state: ServerState | None = None) -> str | None:
    """The device token from the cookie, if this session issued it."""
    token = read_cookie(request, TOKEN_COOKIE)
    if not token:
        return None
    known = (state or state_of(request)).form_token(token)
    return token if known is not None else None


def require_facilitator(request: web.Request) -> Engine:
    """The engine, for a request that carries the control secret in its path."""
    engine = state_of(request).engine
    if not secret_matches(request.match_info.get("secret", ""), engine.facilitator_secret):
        raise PageError(403, FACILITATOR_ONLY)
    return engine


def require_projector(request: web.Request) -> Engine:
    """The engine, for a request that carries the projector secret in its path.

    The control secret is welcome too, but the page is sent to its own address
    (``/screen/PROJECTOR-SECRET``) first, so the address bar the room reads never shows
    the secret that drives the workshop.
    """
    engine = state_of(request).engine
    given = request.match_info.get("secret", "")
    if secret_matches(given, engine.projector_secret):
        return engine
    if secret_matches(given, engine.facilitator_secret):
        own = request.path.replace(f"/screen/{given}", f"/screen/{engine.projector_secret}", 1)
        raise web.HTTPSeeOther(own)
    raise PageError(403, FACILITATOR_ONLY)
