"""The server's guards: security headers, same-origin and form-token checks, limits.

Every response carries the headers below (no inline script or style, nothing from
elsewhere, no caching, no referrer). State changes only by POST, from the same origin;
participant posts also carry a per-device form token and face a rate limit keyed on the
device token (never an address). Bodies over :data:`MAX_BODY` are refused before they
are read, and a body must arrive within :data:`BODY_SECONDS` (a phone on a bad network
sends a few hundred bytes well within it; a connection that trickles one byte at a time
does not hold a file open for long). A body that cannot be read as sent (a broken
``Content-Encoding``, a multipart without its boundary, a charset no one knows) is a
400, never a 500. The :func:`guard` middleware turns every refusal, and every unexpected
error, into a readable page; it never shows a traceback. A write that fails because the
session cannot be saved is a 503 that says so (the store logs the fault once, not once a
request). Requests too broken to reach the application (aiohttp answers those itself)
get the headers through :func:`headers_on_every_response`.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import email.message
import email.parser
import email.policy
import email.utils
import functools
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_plus

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler, Middleware
from aiohttp.web_protocol import RequestPayloadError
from multidict import MultiDict

from facilitate.faults import StorageError
from facilitate.i18n import N_

log = logging.getLogger(__name__)

MAX_BODY = 32 * 1024
MAX_FIELDS = 500
BODY_SECONDS = 10.0
"""How long a request's body may take to arrive once its head has."""
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
TOO_SLOW = N_("This took too long to arrive, so nothing was saved. Please try again.")
NOT_SAVED = N_(
    "Your answer could not be saved just now, so it was not counted. Please try again in a moment."
)

STATUS_MESSAGES = {
    400: BAD_REQUEST,
    403: FACILITATOR_ONLY,
    404: NOT_FOUND,
    405: WRONG_METHOD,
    408: TOO_SLOW,
    409: QUESTION_CLOSED,
    413: TOO_LARGE,
    429: TOO_MANY,
}
"""The message for a refusal raised by aiohttp itself (an unknown route, a wrong method)."""


class PageError(Exception):
    """Refuse a request with a readable page: an HTTP status and a catalog message id.

    ``close`` ends the connection after the page (its request could not be read to the
    end, so the next bytes on it mean nothing).
    """

    def __init__(self, status: int, message: str, *, close: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.close = close


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
        return await guarded(request, handler, refuse)

    return middleware


async def guarded(request: web.Request, handler: Handler, refuse: Refuse) -> web.StreamResponse:
    """``handler`` behind the guard (what :func:`guard` does for each request; the answer
    route calls it directly, see :func:`facilitate.server.app.answers_first`)."""
    try:
        if request.method not in ("GET", "HEAD"):
            length = request.content_length
            if length is not None and length > MAX_BODY:
                raise PageError(413, TOO_LARGE)
            if request.method == "POST" and not same_origin(request):
                raise PageError(403, CROSS_SITE)
            await read_body(request)
        return await handler(request)
    except PageError as refusal:
        response = refuse(request, refusal.status, refusal.message)
        if refusal.close:
            response.force_close()
        return response
    except StorageError:  # the store has logged it, once for the whole fault
        return refuse(request, 503, NOT_SAVED)
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
        if self._match_info is None:  # not routed: the application's hook does not run
            _set_headers(response)
        else:
            await super()._prepare_hook(response)


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


async def read_body(request: web.Request) -> bytes:
    """The request's body, read once (later reads get it from memory): within
    :data:`BODY_SECONDS`, and a 400 if it cannot be decoded as sent."""
    read = request._read_bytes  # where aiohttp keeps what request.read() read
    if read is not None:
        return read
    content = request.content
    if content.is_eof() and content.exception() is None:
        # All here already (most answers): taken as it is, with no timer and none of
        # read()'s loop, which is a noticeable share of an answer's cost.
        body = content.read_nowait()
        if len(body) > MAX_BODY:
            raise PageError(413, TOO_LARGE)
        request._read_bytes = body
        return body
    try:
        async with asyncio.timeout(BODY_SECONDS):
            return await request.read()
    except (TimeoutError, RequestPayloadError, HttpProcessingError) as error:
        # The rest of the body is of no use: aiohttp must not read it after the page
        # (it would raise the same error again), and the connection ends with it.
        with contextlib.suppress(Exception):
            request.content.feed_eof()
        slow = isinstance(error, TimeoutError)
        raise PageError(
            408 if slow else 400, TOO_SLOW if slow else BAD_REQUEST, close=True
        ) from None


def _charset(request: web.Request) -> str:
    """The body's declared charset, UTF-8 if none; one Python does not know is a 400."""
    declared = request.charset
    if not declared:
        return "utf-8"
    try:
        return codecs.lookup(declared).name
    except (LookupError, ValueError):
        raise PageError(400, BAD_REQUEST) from None


FORM_TYPE = "application/x-www-form-urlencoded"


async def read_form(request: web.Request) -> dict[str, list[str]]:
    """The posted form as each key's values; a flood of fields is refused, files ignored."""
    body = await read_body(request)
    if request.headers.get("Content-Type") == FORM_TYPE:  # as browsers send it: no charset
        return _urlencoded(body, "utf-8")
    if request.content_type == FORM_TYPE:
        return _urlencoded(body, _charset(request))
    if request.content_type == "multipart/form-data":
        return _multipart(request, body)
    return {}


def _urlencoded(body: bytes, charset: str) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    if body.count(b"&") >= MAX_FIELDS:
        raise PageError(400, BAD_REQUEST)
    # Parsed directly: quicker than request.post(), and every answer goes through here.
    # What parse_qsl(keep_blank_values=True) gives, without its per-pair overhead.
    utf8 = charset == "utf-8"
    text = body.decode("utf-8" if utf8 else "latin-1", "replace")
    for pair in text.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        if "%" in key or "+" in key or not utf8:
            key = unquote_plus(key, encoding=charset, errors="replace")
        if "%" in value or "+" in value or not utf8:
            value = unquote_plus(value, encoding=charset, errors="replace")
        raw.setdefault(key, []).append(value)
    return raw


_MULTIPART = email.parser.BytesParser(policy=email.policy.compat32)


def _multipart(request: web.Request, body: bytes) -> dict[str, list[str]]:
    """A ``multipart/form-data`` body, read whole (it is at most :data:`MAX_BODY`): its
    text fields; files and nested parts are ignored, a body without parts is a 400."""
    content_type = request.headers.get("Content-Type", "")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    try:
        message = _MULTIPART.parsebytes(head + body)
        parts = message.get_payload() if message.is_multipart() else None
    except Exception:  # the parser is lenient; whatever it cannot take is a bad request
        parts = None
    if not isinstance(parts, list):
        raise PageError(400, BAD_REQUEST)
    raw: dict[str, list[str]] = {}
    for part in parts[:MAX_FIELDS]:
        if not isinstance(part, email.message.Message):
            continue
        if part.is_multipart() or part.get_param("filename", header="content-disposition"):
            continue
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        name = email.utils.collapse_rfc2231_value(name)
        data = part.get_payload(decode=True)
        value = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
        raw.setdefault(name, []).append(value)
    if len(parts) > MAX_FIELDS:
        raise PageError(400, BAD_REQUEST)
    return raw


async def read_parameters(request: web.Request) -> Mapping[str, Any]:
    """A control command's parameters: one JSON object, or form fields (repeatable)."""
    if request.content_type == "application/json":
        body = await read_body(request)
        try:
            given = json.loads(body.decode(_charset(request)))
        except ValueError:  # not JSON, or not in its charset
            raise PageError(400, BAD_REQUEST) from None
        if not isinstance(given, dict):
            raise PageError(400, BAD_REQUEST)
        return given
    form = await read_form(request)
    return MultiDict((key, value) for key, values in form.items() for value in values)
