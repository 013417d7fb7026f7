"""How pages leave the server: rendered from templates, gzipped when big, in the right language.

Every page is a Jinja2 template of ``facilitate/server/templates`` rendered through
:func:`facilitate.render.html.render` (autoescape on). A participant's page speaks the
participant's language: a ``?lang=`` link (remembered in a cookie that says only the
language), else the browser's ``Accept-Language``, else the agenda's language.
"""

from __future__ import annotations

import gzip
from importlib import resources
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.helpers import rfc822_formatted_time
from aiohttp.http import SERVER_SOFTWARE, HttpVersion11
from aiohttp.http_writer import StreamWriter
from multidict import CIMultiDict

from facilitate.i18n import LANGUAGES, Translator, choose_language, translator
from facilitate.render import html
from facilitate.server.security import BAD_CODE, NOT_FOUND, NOT_JOINED, SECURITY_HEADERS, PageError
from facilitate.server.state import cookie_seconds, member_token, state_of

LANGUAGE_COOKIE = "lang"
COMPRESS_OVER = 4096
"""Pages bigger than this (a long form such as a risk map) go gzipped to phones that
accept it: on a crowded Wi-Fi the bytes matter more than the few µs of zlib."""
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript"}
STATIC = web.AppKey("static", dict)


def render(name: str, t: Translator, /, **values: Any) -> str:
    """A template of ``facilitate/server/templates`` with the words of ``t``."""
    return html.render("facilitate.server", name, t, **values)


def participant_words(request: web.Request) -> Translator:
    """The participant's language, chosen once per request."""
    cached = request.get("translator")
    if cached is None:
        engine = state_of(request).engine
        language = choose_language(
            query=request.query.get("lang"),
            cookie=request.cookies.get(LANGUAGE_COOKIE),
            accept_language=request.headers.get("Accept-Language"),
            default=engine.agenda.language,
        )
        cached = request["translator"] = translator(language)
    return cached


def facilitator_words(request: web.Request) -> Translator:
    """The facilitator's language, for the control page and its messages."""
    return translator(state_of(request).facilitator_language)


def page(
    request: web.Request, text: str, *, status: int = 200, compress: bool = True
) -> web.Response:
    """An HTML page, gzipped if big and the browser accepts it.

    ``compress=False`` for pages holding a secret next to text participants wrote (the
    control page): over TLS, the compressed size of such a page would let someone who
    sends texts and watches the traffic guess the secret (BREACH).
    """
    if compress and len(text) > COMPRESS_OVER and accepts_gzip(request):
        response = compressed(gzip_bytes(text.encode()), "text/html", status)
    else:
        response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
    chosen = request.query.get("lang") if request.query_string else None
    if chosen in LANGUAGES:
        # The visible language switch: a cookie that says only which language, and
        # lasts no longer than the device's own.
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            path="/",
            httponly=True,
            samesite="Lax",
            max_age=cookie_seconds(state_of(request).engine),
            secure=request.secure,
        )
    return response


_HEADED = CIMultiDict(SECURITY_HEADERS)
"""The security headers, built once: a copy of a ready multidict is the cheapest way in."""


def redirect(location: str) -> web.Response:
    # The security headers go in now: the answer path ends here, and it is the busiest.
    headers = _HEADED.copy()
    headers["Location"] = location
    return SeeOther(status=303, headers=headers)


class SeeOther(web.Response):
    """A 303 whose head is written as bytes made once per address, where it can be:
    every answer ends with one, and laying out and serialising its nine headers again
    each time was a tenth of the server's work for an answer.

    The head holds what aiohttp would write for the same response on a kept-alive
    HTTP/1.1 connection (``tests/server/test_answer_path.py`` compares the two); any other
    connection, or a response given a cookie or another header, goes the ordinary way.
    """

    async def _start(self, request: web.BaseRequest) -> AbstractStreamWriter:
        writer = request._payload_writer
        if (
            request.version != HttpVersion11
            or not request.keep_alive
            or self._keep_alive is False
            or self._cookies
            or len(self._headers) != _REDIRECT_HEADERS
            or not isinstance(writer, StreamWriter)
            or "_headers_buf" not in vars(writer)  # an aiohttp that writes heads at once
            or getattr(writer, "_on_headers_sent", None) is not None
        ):
            return await super()._start(request)
        self._req = request
        self._payload_writer = writer
        self._keep_alive = True
        date = rfc822_formatted_time()
        head = _HEADS.get((self._headers["Location"], date))
        if head is None:
            head = _see_other_head(self._headers, date)
        writer._headers_buf = head  # what writer.write_headers() would have buffered
        writer._headers_written = False
        return writer


_REDIRECT_HEADERS = len(_HEADED) + 1
_HEADS: dict[tuple[str, str], bytes] = {}


def _see_other_head(headers: CIMultiDict[str], date: str) -> bytes:
    lines = ["HTTP/1.1 303 See Other"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["Content-Length: 0", f"Date: {date}", f"Server: {SERVER_SOFTWARE}", "", ""]
    head = "\r\n".join(lines).encode("latin-1")
    if len(_HEADS) > 32:  # a new second (or many addresses): the old ones are done
        _HEADS.clear()
    _HEADS[(headers["Location"], date)] = head
    return head


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def refuse(request: web.Request, status: int, message: str) -> web.Response:
    """A refusal: JSON for API clients, else a readable page in the participant's language."""
    t = participant_words(request)
    if wants_json(request):
        return web.json_response({"ok": False, "error": t.gettext(message)}, status=status)
    joined = member_token(request) is not None
    return page(
        request,
        render(
            "error.html",
            t,
            message=message,
            joined=joined,
            join_form=not joined and message in (NOT_JOINED, BAD_CODE, NOT_FOUND),
            **frame_values(request),
        ),
        status=status,
    )


def frame_values(request: web.Request, *, live: dict[str, str] | None = None) -> dict[str, Any]:
    """What the participant frame (``participant.html``) needs beside the words."""
    return {"languages": LANGUAGES, "here": request.path, "live": live or {}}


# -- compression and static files -------------------------------------------------------


def gzip_bytes(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)  # mtime 0: no time in the header


def accepts_gzip(request: web.Request) -> bool:
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def compressed(body: bytes, content_type: str, status: int = 200) -> web.Response:
    response = web.Response(
        body=body, status=status, headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    )
    response.content_type = content_type
    response.charset = "utf-8"
    return response


def static_files() -> dict[str, tuple[bytes, bytes, str]]:
    """Each file's bytes, gzipped once here (they are sent with every page), and type."""
    folder = resources.files("facilitate.server") / "static"
    found = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if suffix in STATIC_TYPES:
            body = entry.read_bytes()
            found[entry.name] = (body, gzip_bytes(body), STATIC_TYPES[suffix])
    return found


async def static(request: web.Request) -> web.Response:
    found = request.app[STATIC].get(request.match_info["name"])
    if found is None:
        raise PageError(404, NOT_FOUND)
    body, zipped, content_type = found
    if accepts_gzip(request):
        return compressed(zipped, content_type)
    return web.Response(
        body=body, content_type=content_type, charset="utf-8", headers={"Vary": "Accept-Encoding"}
    )


async def no_icon(request: web.Request) -> web.Response:
    return web.Response(status=204)
