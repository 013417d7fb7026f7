"""The participant web server: join, answer, live updates, projector page, control API.

Every request reads from and writes to the engine; the server keeps no copy of the
workshop. What it does keep in memory (rate-limit buckets keyed by device token, the
last live-update message) is forgotten when it stops. It never looks at a client's
address or user agent, and the access log is off.
"""

from __future__ import annotations

import asyncio
import gzip
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import unquote_plus

from aiohttp import web
from attrs import define, field

from facilitate import anonymity, events
from facilitate.engine import OPEN, WAITING, Engine, NotJoined, PluginError, RoomLocked
from facilitate.forms import AnswerError
from facilitate.model import format_clock
from facilitate.qr import qr_svg
from facilitate.server import pages
from facilitate.server.i18n import MESSAGES, Translator, choose_language
from facilitate.server.pages import FORM_TOKEN_FIELD, esc

log = logging.getLogger(__name__)

TOKEN_COOKIE = "t"
LANGUAGE_COOKIE = "lang"
MAX_BODY = 32 * 1024
MAX_FIELDS = 500
COMPRESS_OVER = 4096
"""Pages bigger than this (a long form such as a risk map) go gzipped to phones that
accept it: on a crowded Wi-Fi the bytes matter more than the few µs of zlib."""
PING_SECONDS = 15.0
SCREEN_THROTTLE = 0.2
"""The projector redraws at most about five times a second however fast answers come."""

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

STATUS_MESSAGES = {
    400: "bad_request",
    403: "facilitator_only",
    404: "not_found",
    405: "method",
    409: "closed",
    413: "too_large",
    429: "too_many",
}


class PageError(Exception):
    """Refuse a request with a readable page: an HTTP status and a message key."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


# -- live updates ----------------------------------------------------------------


class Broadcast:
    """The latest message of one live channel; every listener wakes when it changes.

    Listeners only ever need the newest state (they fetch the page again), so a
    listener that falls behind skips straight to the latest message.
    """

    def __init__(self, message: bytes = b"") -> None:
        self.version = 0
        self.message = message
        self.closed = False
        self._changed = asyncio.Event()
        self.listeners = 0

    def publish(self, message: bytes) -> None:
        self.version += 1
        self.message = message
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def close(self) -> None:
        self.closed = True
        self._changed.set()

    async def wait(self, seen: int) -> None:
        changed = self._changed
        if self.version != seen or self.closed:
            return
        await changed.wait()


def sse(event: str, data: str) -> bytes:
    return f"event: {event}\ndata: {data}\n\n".encode()


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


@define
class ServerState:
    """What the server holds beside the engine: settings and live channels, all in memory."""

    engine: Engine
    advertised_url: str | None = None
    """Base URL phones use (http://LAN-ADDRESS:PORT), for the join QR on the projector."""
    wifi_payload: str | None = None
    """A ``WIFI:`` QR payload to show beside the join code, if the facilitator gave one."""
    participants: Broadcast = field(factory=Broadcast)
    screen: Broadcast = field(factory=Broadcast)
    answer_limit: RateLimiter = field(factory=lambda: RateLimiter(burst=20, per_second=1.0))
    join_limit: RateLimiter = field(factory=lambda: RateLimiter(burst=30, per_second=3.0))
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
        code = self.engine.join_code.replace(" ", "")
        return f"{(self.advertised_url or base).rstrip('/')}/j/{code}"

    # Engine events arrive on the loop thread (the engine is only ever driven from it).
    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.ItemChanged | events.PhaseChanged):
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

    def _flush_screen(self) -> None:
        self._screen_pending = False
        self.screen.publish(sse("change", str(self.screen.version + 1)))

    def participant_message(self) -> bytes:
        run = self.engine.current_run
        phase = run.phase if run.item.activity is not None else WAITING
        return sse("change", json.dumps({"item": run.item.id, "phase": phase}))

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
STATIC = web.AppKey("static", dict)


def _static_files() -> dict[str, tuple[bytes, bytes, str]]:
    """Each file's bytes, gzipped once here (they are sent with every page), and type."""
    folder = resources.files("facilitate.server") / "static"
    types = {".css": "text/css", ".js": "text/javascript"}
    found = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if suffix in types:
            body = entry.read_bytes()
            found[entry.name] = (body, _gzip(body), types[suffix])
    return found


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)  # mtime 0: no time in the header


def _accepts_gzip(request: web.Request) -> bool:
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _compressed(body: bytes, content_type: str, status: int = 200) -> web.Response:
    response = web.Response(
        body=body, status=status, headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    )
    response.content_type = content_type
    response.charset = "utf-8"
    return response


# -- request helpers ---------------------------------------------------------------


def state_of(request: web.Request) -> ServerState:
    return request.app[STATE]


def translator(request: web.Request) -> Translator:
    cached = request.get("translator")
    if cached is None:
        engine = state_of(request).engine
        cached = Translator(
            choose_language(
                query=request.query.get("lang"),
                cookie=request.cookies.get(LANGUAGE_COOKIE),
                accept_language=request.headers.get("Accept-Language"),
                default=engine.agenda.language,
            )
        )
        request["translator"] = cached
    return cached


def _cookie(request: web.Request, name: str) -> str | None:
    # Read by hand: the full cookie parser is a noticeable share of an answer's cost.
    for part in request.headers.get("Cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def member_token(request: web.Request) -> str | None:
    """The device token from the cookie, if this session issued it."""
    token = _cookie(request, TOKEN_COOKIE)
    if not token:
        return None
    return token if state_of(request).form_token(token) is not None else None


def html(request: web.Request, text: str, *, status: int = 200) -> web.Response:
    if len(text) > COMPRESS_OVER and _accepts_gzip(request):
        response = _compressed(_gzip(text.encode()), "text/html", status)
    else:
        response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
    chosen = request.query.get("lang") if request.query_string else None
    if chosen in MESSAGES:
        # The visible language switch: a cookie that says only which language.
        response.set_cookie(LANGUAGE_COOKIE, chosen, path="/", httponly=True, samesite="Lax")
    return response


def redirect(location: str) -> web.Response:
    # The security headers go in now: the answer path ends here, and it is the busiest.
    return web.Response(status=303, headers={**SECURITY_HEADERS, "Location": location})


def error_response(request: web.Request, status: int, key: str) -> web.Response:
    if _wants_json(request):
        return web.json_response({"error": Translator("en")(key)}, status=status)
    t = translator(request)
    joined = member_token(request) is not None
    return html(request, pages.error_page(t, key, joined=joined), status=status)


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _same_origin(request: web.Request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    # With Referrer-Policy no-referrer, browsers send "Origin: null" on their own form
    # posts; the form token (or the facilitator secret) still guards those.
    if origin is not None and origin != "null":
        return origin == f"{request.scheme}://{request.host}"
    return True


# -- middleware ----------------------------------------------------------------------


@web.middleware
async def guard(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every refusal a readable page in the participant's language; never a traceback."""
    try:
        if request.method not in ("GET", "HEAD"):
            length = request.content_length
            if length is not None and length > MAX_BODY:
                raise PageError(413, "too_large")
            if request.method == "POST" and not _same_origin(request):
                raise PageError(403, "cross_site")
        return await handler(request)
    except PageError as refusal:
        return error_response(request, refusal.status, refusal.key)
    except web.HTTPException as refusal:
        if refusal.status < 400:
            raise
        return error_response(
            request, refusal.status, STATUS_MESSAGES.get(refusal.status, "bad_request")
        )
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception:
        route = request.match_info.route.resource
        log.exception("error in %s", route.canonical if route is not None else "an unknown route")
        return error_response(request, 500, "server_error")


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    if "Content-Security-Policy" in headers:  # set whole by redirect()
        return
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


# -- participants --------------------------------------------------------------------


def _item_body(
    request: web.Request, token: str, *, raw: Any = None, error: AnswerError | None = None
) -> tuple[str, dict[str, str]]:
    """The participant's view of the current item, and its live-update attributes."""
    engine = state_of(request).engine
    t = translator(request)
    run = engine.current_run
    item = run.item
    live = {"item": item.id, "phase": run.phase if item.activity is not None else WAITING}
    if item.activity is None or (run.phase == WAITING):
        return pages.waiting_block(t), live
    try:
        form = engine.form(item.id)
        answer = engine.answer_of(token, item.id)
    except PluginError:
        return pages.message_block(t("sorry"), t("unavailable")) + pages.waiting_block(t), live
    prefill = raw if raw is not None else pages.value_to_raw(form, answer)
    body = pages.item_block(
        t,
        item_id=item.id,
        title=item.title,
        form=form,
        phase_open=run.phase == OPEN,
        answered=answer is not None,
        raw=prefill,
        form_token=state_of(request).form_token(token) or "",
        error=error,
    )
    return body, live


async def index(request: web.Request) -> web.Response:
    t = translator(request)
    token = member_token(request)
    if token is None:
        if request.query.get("part"):
            raise PageError(403, "not_joined")
        return html(request, pages.join_page(t))
    body, live = _item_body(request, token)
    if request.query.get("part"):
        return html(request, body)
    return html(request, pages.participant_frame(t, body, live=live))


async def join_typed(request: web.Request) -> web.Response:
    """The join form on the welcome page: the typed code, as if the QR had been scanned."""
    digits = "".join(ch for ch in request.query.get("code", "") if ch.isdigit())[:6]
    return await _join(request, digits)


async def join(request: web.Request) -> web.Response:
    return await _join(request, request.match_info["code"])


async def _join(request: web.Request, code: str) -> web.Response:
    state = state_of(request)
    engine = state.engine
    if member_token(request) is not None:
        return redirect("/")
    now = asyncio.get_running_loop().time()
    # Wrong codes use up a room-wide allowance, so 900,000 codes cannot be tried quickly.
    if state.join_limit.exhausted("join", now):
        raise PageError(429, "too_many")
    if not engine.code_matches(code):
        state.join_limit.allow("join", now)
        t = translator(request)
        return html(request, pages.join_page(t, error=t("bad_code")), status=404)
    try:
        token = engine.join()
    except RoomLocked:
        raise PageError(403, "locked") from None
    response = redirect("/")
    # No Expires or Max-Age: the token goes when the browser closes.
    response.set_cookie(TOKEN_COOKIE, token, path="/", httponly=True, samesite="Lax")
    return response


async def _participant_post(request: web.Request) -> tuple[str, dict[str, list[str]]]:
    """The checks every participant POST passes: joined, not too fast, a valid form token."""
    state = state_of(request)
    token = member_token(request)
    if token is None:
        raise PageError(403, "not_joined")
    if not state.answer_limit.allow(token, asyncio.get_running_loop().time()):
        raise PageError(429, "too_many")
    raw = await _form_data(request)
    sent = (raw.pop(FORM_TOKEN_FIELD, None) or [""])[0]
    if not hmac.compare_digest(sent.encode(), (state.form_token(token) or "").encode()):
        raise PageError(403, "bad_form")
    return token, raw


async def _form_data(request: web.Request) -> dict[str, list[str]]:
    """The posted form as each key's values; files in a multipart body are ignored."""
    raw: dict[str, list[str]] = {}
    if request.content_type == "application/x-www-form-urlencoded":
        # Parsed directly: quicker than request.post(), and every answer goes through here.
        body = (await request.read()).decode("utf-8", "replace")
        if body.count("&") >= MAX_FIELDS:
            raise PageError(400, "bad_request")
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
    for key in data:
        raw.setdefault(key, [v for v in data.getall(key) if isinstance(v, str)])
    return raw


def _open_item(request: web.Request) -> str:
    engine = state_of(request).engine
    item_id = request.match_info["item_id"]
    if item_id not in engine.runs:
        raise PageError(404, "not_found")
    if item_id != engine.current.id or engine.runs[item_id].phase != OPEN:
        raise PageError(409, "closed")
    return item_id


async def answer(request: web.Request) -> web.Response:
    token, raw = await _participant_post(request)
    item_id = _open_item(request)
    engine = state_of(request).engine
    try:
        await engine.submit(token, item_id, raw)
    except NotJoined:
        raise PageError(403, "not_joined") from None
    except PluginError:
        raise PageError(409, "unavailable") from None
    except AnswerError as error:
        if error.code == "closed":
            raise PageError(409, "closed") from None
        body, live = _item_body(request, token, raw=raw, error=error)
        return html(
            request, pages.participant_frame(translator(request), body, live=live), status=400
        )
    return redirect("/")


async def retract(request: web.Request) -> web.Response:
    token, _ = await _participant_post(request)
    item_id = _open_item(request)
    try:
        await state_of(request).engine.retract(token, item_id)
    except AnswerError:
        raise PageError(409, "closed") from None
    return redirect("/")


async def participant_events(request: web.Request) -> web.StreamResponse:
    if member_token(request) is None:
        raise PageError(403, "not_joined")
    return await stream(request, state_of(request).participants)


async def stream(request: web.Request, channel: Broadcast) -> web.StreamResponse:
    """Server-sent events: the channel's current message now, then each newer one."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream; charset=utf-8", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    channel.listeners += 1
    seen = -1
    try:
        while not channel.closed:
            if channel.version != seen:
                seen = channel.version
                await response.write(channel.message)
                continue
            try:
                async with asyncio.timeout(PING_SECONDS):
                    await channel.wait(seen)
            except TimeoutError:
                await response.write(b": ping\n\n")
    except (ConnectionError, RuntimeError):
        pass  # the phone went away
    finally:
        channel.listeners -= 1
    return response


async def weather(request: web.Request) -> web.Response:
    return html(request, pages.weather_page(translator(request)))


async def static(request: web.Request) -> web.Response:
    found = request.app[STATIC].get(request.match_info["name"])
    if found is None:
        raise PageError(404, "not_found")
    body, zipped, content_type = found
    if _accepts_gzip(request):
        return _compressed(zipped, content_type)
    return web.Response(
        body=body, content_type=content_type, charset="utf-8", headers={"Vary": "Accept-Encoding"}
    )


async def no_icon(request: web.Request) -> web.Response:
    return web.Response(status=204)


# -- facilitator: projector page and control API ------------------------------------------


def _facilitator(request: web.Request) -> Engine:
    engine = state_of(request).engine
    given = request.match_info.get("secret", "")
    if not hmac.compare_digest(given.encode(), engine.facilitator_secret.encode()):
        raise PageError(403, "facilitator_only")
    return engine


ENGLISH = Translator("en")
"""The facilitator's control page speaks English whatever the agenda's language."""


def room_words(engine: Engine) -> Translator:
    """The projector page's words, in the agenda's language: they are for the room."""
    return Translator(engine.agenda.language)


def _status_line(engine: Engine, t: Translator = ENGLISH) -> str:
    run = engine.current_run
    parts = [t("screen_item_of", number=engine.index + 1, total=len(engine.agenda.items))]
    if run.item.activity is not None:
        phase = {"waiting": "screen_not_open", "open": "screen_open", "closed": "screen_closed"}
        parts.append(t(phase[run.phase]) if run.phase in phase else run.phase)
        plural = "screen_answers_one" if run.count == 1 else "screen_answers_other"
        parts.append(t(plural, count=run.count))
    parts.append(t("screen_joined", count=engine.joined))
    if engine.locked:
        parts.append(t("screen_locked"))
    return " · ".join(parts)


def _timer_html(engine: Engine) -> str:
    timer = engine.current_run.timer
    remaining = timer.remaining
    css = "timer over" if remaining < 0 else "timer"
    return (
        f'<p id="timer" class="{css}" dir="ltr" data-remaining="{remaining:.1f}"'
        f' data-running="{1 if timer.running else 0}">{format_clock(remaining)}</p>'
    )


def _results_html(engine: Engine, t: Translator) -> str:
    run = engine.current_run
    item = run.item
    if item.activity is None:
        return ""
    try:
        prompt = engine.activity_type(item).prompt(item.activity.config)
    except Exception:  # a plugin's prompt must not take the projector down
        prompt = ""
    out = f'<p class="prompt">{esc(prompt)}</p>' if prompt else ""
    if run.error:
        return out + _note(t("screen_problem"))
    view = engine.public_view(item.id)
    if view is not None:
        return out + pages.view_html(view)
    k = engine.agenda.k_for(item)
    if not run.revealed:
        return out + _note(t("screen_results_once_revealed"))
    if run.count < k:
        return out + _note(t("screen_results_after_answers", k=k))
    return out + _note(t("screen_results_off"))


def _note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def _wifi_network(payload: str) -> str:
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


def _join_html(state: ServerState, request: web.Request, t: Translator) -> str:
    engine = state.engine
    url = state.join_url(f"{request.scheme}://{request.host}")
    wifi = ""
    wifi_word, join_word = t("screen_wifi"), t("screen_join")
    if state.wifi_payload:
        network = _wifi_network(state.wifi_payload)
        wifi = (
            f'<div class="wifi">{qr_svg(state.wifi_payload, title=wifi_word)}'
            f'<p class="wifilabel">1. {esc(wifi_word)}</p>'
            f'<p class="url" dir="auto">{esc(network)}</p></div>'
        )
    locked = _note(t("screen_room_locked")) if engine.locked else ""
    join_label = f'<p class="wifilabel">2. {esc(join_word)}</p>' if wifi else ""
    box = "joinbox two" if wifi else "joinbox"
    return (
        f'<aside class="{box}">{wifi}<div class="joinqr">{qr_svg(url, title=join_word)}'
        f"{join_label}"
        f'<p class="code" dir="ltr">{esc(engine.join_code)}</p>'
        f'<p class="url" dir="ltr">{esc(url)}</p>'
        f"{locked}</div></aside>"
    )


def screen_part(state: ServerState, request: web.Request) -> str:
    engine = state.engine
    t = room_words(engine)
    return (
        f'<div class="top"><h1>{esc(engine.current.title)}</h1>{_timer_html(engine)}</div>'
        f'<div class="cols"><section class="results">{_results_html(engine, t)}</section>'
        f"{_join_html(state, request, t)}</div>"
        f'<p class="status">{esc(_status_line(engine, t))}</p>'
    )


async def screen(request: web.Request) -> web.Response:
    engine = _facilitator(request)
    base = f"/screen/{engine.facilitator_secret}"
    body = screen_part(state_of(request), request)
    return html(
        request,
        pages.facilitator_frame(
            engine.agenda.title,
            body,
            script="screen.js",
            data={"base": base},
            language=room_words(engine).language,
        ),
    )


async def screen_fragment(request: web.Request) -> web.Response:
    _facilitator(request)
    return html(request, screen_part(state_of(request), request))


async def facilitator_events(request: web.Request) -> web.StreamResponse:
    _facilitator(request)
    return await stream(request, state_of(request).screen)


def _button(base: str, action: str, label: str, *, css: str = "", **fields: object) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in fields.items()
    )
    style = f' class="{css}"' if css else ""
    return (
        f'<form method="post" action="{esc(base)}/{action}">{hidden}'
        f'<button type="submit"{style}>{esc(label)}</button></form>'
    )


def control_part(state: ServerState, request: web.Request) -> str:
    """The control page's live part: buttons in labelled groups, the free text waiting
    for approval, and the agenda beside them on a wide screen (below on a phone)."""
    engine = state.engine
    base = f"/control/{engine.facilitator_secret}"
    run = engine.current_run
    groups = [
        (
            "Agenda",
            [
                _button(base, "previous", "◀ Previous"),
                _button(base, "next", "Next ▶", css="primary"),
            ],
        ),
        (
            "Timer",
            [
                _button(base, "pause", "Pause")
                if run.timer.running
                else _button(base, "start", "Start", css="primary"),
                _button(base, "extend", "+1 min", seconds=60),
                _button(base, "extend", "−1 min", seconds=-60),
            ],
        ),
    ]
    if run.item.activity is not None:
        groups.append(
            (
                "Answers",
                [
                    _button(base, "close", "Close answering")
                    if run.phase == OPEN
                    else _button(base, "open", "Open answering", css="primary"),
                    _button(base, "reveal", "Hide results", hide=1)
                    if run.revealed
                    else _button(base, "reveal", "Reveal results"),
                ],
            )
        )
    groups.append(
        (
            "Room",
            [
                _button(
                    base,
                    "lock",
                    "Unlock room" if engine.locked else "Lock room",
                    locked=0 if engine.locked else 1,
                ),
                _button(base, "rotate", "New join code"),
            ],
        )
    )
    controls = "".join(
        f'<section class="group" aria-label="{esc(name)}"><h2>{esc(name)}</h2>'
        f'<div class="btns">{"".join(buttons)}</div></section>'
        for name, buttons in groups
    )
    agenda = "".join(
        f"<li{' class=current aria-current=step' if i == engine.index else ''}>"
        f"{_button(base, 'goto', f'{i + 1}. {item.title}', index=i)}</li>"
        for i, item in enumerate(engine.agenda.items)
    )
    pending = engine.all_pending()
    moderation = "".join(
        f'<li><span class="text">“{esc(p.text)}” ×{p.count}</span>'
        f"{_button(base, 'approve', 'Approve', item=item_id, id=p.id)}"
        f"{_button(base, 'reject', 'Reject', css='no', item=item_id, id=p.id)}</li>"
        for item_id, p in pending
    )
    return (
        f'<div class="top"><h1>{esc(engine.current.title)}</h1>{_timer_html(engine)}</div>'
        f'<p class="status">{esc(_status_line(engine))} · join code {esc(engine.join_code)}</p>'
        f'<div class="desk"><div class="main"><div class="controls">{controls}</div>'
        f'<h2>Waiting for approval ({len(pending)})</h2><ul class="pending">{moderation}</ul>'
        f'<p><a href="/screen/{esc(engine.facilitator_secret)}">Projector page</a></p></div>'
        f'<nav class="side" aria-label="Agenda"><h2>Agenda</h2>'
        f'<ol class="agenda controls">{agenda}</ol></nav></div>'
    )


async def control_page(request: web.Request) -> web.Response:
    engine = _facilitator(request)
    body = control_part(state_of(request), request)
    return html(
        request,
        pages.facilitator_frame(
            f"{engine.agenda.title}: control",
            body,
            script="screen.js",
            data={"base": f"/control/{engine.facilitator_secret}"},
        ),
    )


async def control_fragment(request: web.Request) -> web.Response:
    _facilitator(request)
    return html(request, control_part(state_of(request), request))


class BadControl(ValueError):
    """A control request with a missing or wrong parameter."""


def _int(data: Any, key: str, default: int | None = None) -> int:
    text = data.get(key)
    if text is None or str(text).strip() == "":
        if default is None:
            raise BadControl(f"{key!r} is required")
        return default
    try:
        return int(str(text).strip())
    except ValueError:
        raise BadControl(f"{key!r} must be a whole number, got {text!r}") from None


def _flag(data: Any, key: str, default: bool) -> bool:
    text = str(data.get(key, "")).strip().lower()
    if not text:
        return default
    return text not in ("0", "false", "no", "off")


def _moderate(engine: Engine, data: Any, decide: Callable[[str, list[str]], int]) -> dict[str, Any]:
    item_id = str(data.get("item") or engine.current.id)
    if item_id not in engine.runs:
        raise BadControl(f"no item {item_id!r}")
    ids = [str(i) for i in data.getall("id", [])]
    if _flag(data, "all", False):
        ids = [p.id for p in engine.pending(item_id)]
    if not ids:
        raise BadControl("give the text 'id' (or all=1)")
    return {"changed": decide(item_id, ids)}


def _goto(engine: Engine, data: Any) -> None:
    if data.get("item"):
        try:
            index = engine.agenda.index_of(str(data["item"]))
        except KeyError:
            raise BadControl(f"no item {data['item']!r}") from None
    else:
        index = _int(data, "index")
    try:
        engine.goto(index)
    except IndexError as error:
        raise BadControl(str(error)) from None


def _extend(engine: Engine, data: Any) -> None:
    seconds = _int(data, "seconds", 60)
    if abs(seconds) > 6 * 3600:
        raise BadControl("'seconds' must be within six hours")
    engine.extend(seconds)


CONTROL_ACTIONS: dict[str, Callable[[Engine, Any], Any]] = {
    "next": lambda engine, data: engine.next(),
    "previous": lambda engine, data: engine.previous(),
    "goto": _goto,
    "start": lambda engine, data: engine.start_timer(),
    "pause": lambda engine, data: engine.pause_timer(),
    "extend": _extend,
    "open": lambda engine, data: engine.open_answering(),
    "close": lambda engine, data: engine.close_answering(),
    "reveal": lambda engine, data: engine.reveal(not _flag(data, "hide", False)),
    "lock": lambda engine, data: engine.lock(_flag(data, "locked", True)),
    "rotate": lambda engine, data: engine.rotate_code(),
    "approve": lambda engine, data: _moderate(engine, data, engine.approve),
    "reject": lambda engine, data: _moderate(engine, data, engine.reject),
}


def control_state(engine: Engine) -> dict[str, Any]:
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
    }


async def control(request: web.Request) -> web.Response:
    engine = _facilitator(request)
    action = CONTROL_ACTIONS.get(request.match_info["action"])
    if action is None:
        raise PageError(404, "not_found")
    data = await request.post()
    try:
        outcome = action(engine, data)
    except BadControl as error:
        if _wants_json(request):
            return web.json_response({"error": str(error)}, status=400)
        return html(
            request,
            pages.participant_frame(
                Translator("en"), pages.message_block("Not done", str(error)), exit_button=False
            ),
            status=400,
        )
    if _wants_json(request):
        result = {"ok": True, "state": control_state(engine)}
        if isinstance(outcome, dict):
            result.update(outcome)
        return web.json_response(result)
    return redirect(f"/control/{engine.facilitator_secret}")


async def facilitator_missing(request: web.Request) -> web.Response:
    raise PageError(403, "facilitator_only")


# -- the application -------------------------------------------------------------------


def make_app(
    engine: Engine, *, advertised_url: str | None = None, wifi_payload: str | None = None
) -> web.Application:
    """The whole server for one engine; start it with :func:`facilitate.server.start_server`
    or hand it to the aiohttp test client."""
    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[STATE] = ServerState(engine, advertised_url=advertised_url, wifi_payload=wifi_payload)
    app[STATIC] = _static_files()

    async def live_updates(app: web.Application) -> AsyncIterator[None]:
        app[STATE].start()
        yield
        app[STATE].stop()

    async def end_streams(app: web.Application) -> None:
        # Before connections are drained, so open event streams do not hold up a stop.
        app[STATE].stop()

    app.cleanup_ctx.append(live_updates)
    app.on_shutdown.append(end_streams)
    app.on_response_prepare.append(security_headers)
    app.add_routes(
        [
            web.get("/", index),
            web.get("/j", join_typed),
            web.get("/j/{code}", join),
            web.post("/a/{item_id}", answer),
            web.post("/r/{item_id}", retract),
            web.get("/events", participant_events),
            web.get("/w", weather),
            web.get("/s/{name}", static),
            web.get("/favicon.ico", no_icon),
            web.get("/screen", facilitator_missing),
            web.get("/screen/{secret}", screen),
            web.get("/screen/{secret}/part", screen_fragment),
            web.get("/screen/{secret}/events", facilitator_events),
            web.get("/control", facilitator_missing),
            web.get("/control/{secret}", control_page),
            web.get("/control/{secret}/part", control_fragment),
            web.get("/control/{secret}/events", facilitator_events),
            web.post("/control/{secret}/{action}", control),
        ]
    )
    return app
