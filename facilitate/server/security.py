"""The server's guards: security headers, same-origin and form-token checks, limits.

Every response carries the headers below (no inline script or style, nothing from
elsewhere, no caching, no referrer). State changes only by POST, from the same origin;
participant posts also carry a per-device form token and face a rate limit keyed on the
device token (never an address). Bodies over :data:`MAX_BODY` are refused before they
are read. The :func:`guard` middleware turns every refusal, and every unexpected error,
into a readable page; it never shows a traceback. Requests too broken to reach the
application (aiohttp answers those itself) get the headers through
:func:`headers_on_every_response`.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import logging
from collections.abc import Callable
from urllib.parse import unquote_plus

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from facilitate.i18n import N_

log = logging.getLogger(__name__)

MAX_BODY = 32 * 1024
MAX_FIELDS = 500
FORM_TOKEN_FIELD = "_ft"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# What a refused participant reads (in their language): catalog message ids.
BAD_REQUEST = N_("This request could not be understood.")
NOT_JOINED = N_("Please join first with the code on the screen.")
BAD_CODE = N_("This code is not valid. Check the code on the screen and try again.")
ROOM_LOCKED = N_("The room is closed to new participants. Please ask the facilitator.")
BAD_FORM = N_("This page was out of date, so nothing was saved. Please try again.")
CROSS_SITE = N_("This request came from another site and was refused.")
TOO_LARGE = N_("That was too much to send. Please shorten your answer.")
TOO_MANY = N_("Too many requests at once. Please wait a moment and try again.")
TOO_MANY_CODES = N_(
    "Too many wrong codes were tried here just now. Please scan the QR code on the screen,"
    " or type the code again in a minute."
)
NOT_FOUND = N_("This page does not exist.")
WRONG_METHOD = N_("This page cannot be used that way.")
SERVER_ERROR = N_("Something went wrong. Your earlier answers are safe. Please try again.")
FACILITATOR_ONLY = N_("This page needs the facilitator's link.")
QUESTION_CLOSED = N_("This question is closed.")
UNAVAILABLE = N_("This question is not available right now.")

STATUS_MESSAGES = {
    400: BAD_REQUEST,
    403: FACILITATOR_ONLY,
    404: NOT_FOUND,
    405: WRONG_METHOD,
    409: QUESTION_CLOSED,
    413: TOO_LARGE,
    429: TOO_MANY,
}
"""The message for a refusal raised by aiohttp itself (an unknown route, a wrong method)."""


class PageError(Exception):
    """Refuse a request with a readable page: an HTTP status and a catalog message id."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Refuse = Callable[[web.Request, int, str], web.StreamResponse]


def same_origin(request: web.Request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    # With Referrer-Policy no-referrer, browsers send "Origin: null" on their own form
    # posts; the form token (or the facilitator secret) still guards those.
    if origin is not None and origin != "null":
        return origin == f"{request.scheme}://{request.host}"
    return True


def guard(refuse: Refuse) -> Middleware:
    """The middleware: body limit and same-origin check first, then every refusal (and
    every unexpected error) drawn by ``refuse`` as a page; never a traceback."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            if request.method not in ("GET", "HEAD"):
                length = request.content_length
                if length is not None and length > MAX_BODY:
                    raise PageError(413, TOO_LARGE)
                if request.method == "POST" and not same_origin(request):
                    raise PageError(403, CROSS_SITE)
            return await handler(request)
        except PageError as refusal:
            return refuse(request, refusal.status, refusal.message)
        except web.HTTPException as refusal:
            if refusal.status < 400:
                raise
            message = STATUS_MESSAGES.get(refusal.status, BAD_REQUEST)
            return refuse(request, refusal.status, message)
        except (asyncio.CancelledError, ConnectionResetError):
            raise
        except Exception:
            route = request.match_info.route.resource
            where = route.canonical if route is not None else "an unknown route"
            log.exception("error in %s", where)
            return refuse(request, 500, SERVER_ERROR)

    return middleware


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    _set_headers(response)


def _set_headers(response: web.StreamResponse) -> None:
    headers = response.headers
    if "Content-Security-Policy" in headers:  # set whole by responses.redirect()
        return
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


class _HeadedRequest(web.Request):
    """A request whose every response carries the security headers, even one aiohttp
    makes itself for a request that never reached the application (a malformed request
    line, headers too long): the application's own hook only runs for routed requests."""

    async def _prepare_hook(self, response: web.StreamResponse) -> None:
        await super()._prepare_hook(response)
        _set_headers(response)


def headers_on_every_response(runner: web.AppRunner) -> None:
    """Have the started runner's server make :class:`_HeadedRequest` requests.

    Call after ``runner.setup()`` and before the sites start: each connection takes
    its request factory when it opens.
    """
    server = runner.server
    if server is None:
        raise RuntimeError("the runner is not set up yet")
    server.request_factory = functools.partial(runner.app._make_request, _cls=_HeadedRequest)


def secret_matches(given: str, secret: str) -> bool:
    """Whether a facilitator secret (or a form token) is the expected one, in constant time."""
    return hmac.compare_digest(given.encode(), secret.encode())


class RateLimiter:
    """Token buckets per device token, in memory only; an idle device's bucket is dropped."""

    def __init__(self, burst: float, per_second: float) -> None:
        self.burst = burst
        self.per_second = per_second
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, now: float) -> bool:
        level, last = self._buckets.get(key, (self.burst, now))
        level = min(self.burst, level + (now - last) * self.per_second)
        if level < 1:
            self._buckets[key] = (level, now)
            return False
        self._buckets[key] = (level - 1, now)
        if len(self._buckets) > 20_000:
            self._forget_idle(now)
        return True

    def exhausted(self, key: str, now: float) -> bool:
        level, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, level + (now - last) * self.per_second) < 1

    def _forget_idle(self, now: float) -> None:
        full = self.burst / self.per_second if self.per_second else 3600.0
        for key, (_, last) in list(self._buckets.items()):
            if now - last > full:
                del self._buckets[key]


async def read_form(request: web.Request) -> dict[str, list[str]]:
    """The posted form as each key's values; a flood of fields is refused, files ignored."""
    raw: dict[str, list[str]] = {}
    if request.content_type == "application/x-www-form-urlencoded":
        # Parsed directly: quicker than request.post(), and every answer goes through here.
        body = (await request.read()).decode("utf-8", "replace")
        if body.count("&") >= MAX_FIELDS:
            raise PageError(400, BAD_REQUEST)
        # What parse_qsl(keep_blank_values=True) gives, without its per-pair overhead.
        for pair in body.split("&"):
            if not pair:
                continue
            key, _, value = pair.partition("=")
            if "%" in key or "+" in key:
                key = unquote_plus(key)
            if "%" in value or "+" in value:
                value = unquote_plus(value)
            raw.setdefault(key, []).append(value)
        return raw
    data = await request.post()
    if len(data) >= MAX_FIELDS:
        raise PageError(400, BAD_REQUEST)
    for key in data:
        raw.setdefault(key, [v for v in data.getall(key) if isinstance(v, str)])
    return raw
