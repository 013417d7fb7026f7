"""Connections that cannot lock the room out: open files, idle and half-sent connections.

Every connection is an open file, and a laptop has a limited number of them (256 by
default on macOS: about 125 phones holding a live channel and a keep-alive each). So:

- at start the soft open-file limit is raised toward the hard one
  (:func:`raise_open_file_limit`), and a limit still low is said plainly, with how many
  phones it allows and how to raise it;
- a connection that sends nothing (or a request's head a few bytes at a time) is closed
  after :data:`IDLE_SECONDS`, and a request's body must arrive within
  :data:`~facilitate.server.security.BODY_SECONDS`;
- when the connections near the limit, the oldest *idle* ones are closed to make room
  (:class:`ConnectionGuard`): a request being answered is never cut, so a phone that
  sends its answer gets through however many sockets sit idle;
- asyncio logs a failed accept (too many open files) with a traceback on every attempt;
  :class:`OncePerMinute` lets one line through a minute, with how many it held back.
"""

from __future__ import annotations

import collections
import logging
import resource
import time
from typing import Any

from aiohttp import web
from attrs import field, frozen

from facilitate.i18n import Translator
from facilitate.reprs import attrs_repr

log = logging.getLogger(__name__)

IDLE_SECONDS = 10.0
"""A connection with no request in progress is closed after this long: an idle
keep-alive, or a request's head still not complete (browsers open a new one at once)."""
RESERVED_FILES = 48
"""Open files kept for everything but phones: the session's files, the terminal, the
listening sockets, the event loop's own, the console's."""
HIGHEST_LIMIT = 65536
"""The soft limit is raised toward the hard one, but not past this (plenty for a room)."""
LOW_LIMIT = 1024
"""Below this soft limit (once raised) the facilitator is told how many phones fit."""
FILES_PER_PHONE = 2
"""A phone with JavaScript holds its live channel and, now and then, a request."""

LOW_LIMIT_NOTICE = "low-limit"
"""The open-file limit leaves room for fewer phones than a big room brings."""
CROWDED_NOTICE = "crowded"
"""So many connections are open that idle ones are being closed."""


@frozen
class ConnectionNotice:
    """Something the facilitator should know about connections, worded in their language."""

    __repr__ = attrs_repr

    kind: str
    """``LOW_LIMIT_NOTICE`` or ``CROWDED_NOTICE``."""
    count: int
    values: dict[str, Any] = field(factory=dict)

    def text(self, t: Translator) -> str:
        if self.kind == LOW_LIMIT_NOTICE:
            return t.ngettext(
                "This computer's open-file limit ({limit}) leaves room for about {count} phone"
                " at once. To allow more: stop, run ulimit -n 4096, and start again.",
                "This computer's open-file limit ({limit}) leaves room for about {count} phones"
                " at once. To allow more: stop, run ulimit -n 4096, and start again.",
                self.count,
                **self.values,
            )
        return t.ngettext(
            "Many connections at once ({count} open): idle ones are closed to let phones in.",
            "Many connections at once ({count} open): idle ones are closed to let phones in.",
            self.count,
            **self.values,
        )


@frozen
class FileLimit:
    """The process's open-file limit: before and after raising it, and the hard one."""

    __repr__ = attrs_repr

    before: int
    soft: int
    hard: int

    @property
    def backlog(self) -> int:
        """Connections the kernel may queue for accepting: asyncio accepts up to this many
        at once, before any of them can be looked at, so they need files to spare."""
        return min(128, max(16, self.soft // 16))

    @property
    def connections(self) -> int:
        """How many connections the server may hold at once: a burst accepted before any
        of it is seen (up to two backlogs, measured) must still find files."""
        return max(16, self.soft - RESERVED_FILES - 2 * self.backlog)

    @property
    def phones(self) -> int:
        return self.connections // FILES_PER_PHONE

    @property
    def low(self) -> bool:
        return self.soft < LOW_LIMIT


def raise_open_file_limit() -> FileLimit:
    """Raise the soft open-file limit toward the hard one (capped at :data:`HIGHEST_LIMIT`).

    macOS reports an unlimited hard limit it does not honour: the highest value it
    accepts is tried in steps down.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    before = soft
    ceiling = HIGHEST_LIMIT if hard == resource.RLIM_INFINITY else min(hard, HIGHEST_LIMIT)
    for wanted in (ceiling, 10240, 4096, 2048, 1024):
        if wanted <= soft:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            continue
        soft = wanted
        break
    if soft != before:
        log.info("open-file limit raised from %d to %d", before, soft)
    return FileLimit(before, soft, hard)


def _busy(handler: Any) -> bool:
    """Whether a connection is answering a request now (aiohttp's handler knows)."""
    return bool(getattr(handler, "_request_in_progress", True))


class ConnectionGuard:
    """Keeps the server's connections under ``cap``, closing the oldest idle ones first.

    Attached to aiohttp's ``Server`` (the connection factory of a runner), whose
    ``connection_made`` and ``connection_lost`` it wraps.
    """

    def __init__(self, server: web.Server, cap: int, *, burst: int = 16) -> None:
        self.cap = cap
        self.burst = burst
        """How many connections may arrive at once (the listening backlog): room is made
        for that many, as the ones closed here let go of their files a moment later."""
        self.open: collections.OrderedDict[Any, None] = collections.OrderedDict()
        self.closed_to_make_room = 0
        self.crowded_since: float | None = None
        self._made = server.connection_made
        self._lost = server.connection_lost
        server.connection_made = self.connection_made  # type: ignore[method-assign]
        server.connection_lost = self.connection_lost  # type: ignore[method-assign]

    def connection_made(self, handler: Any, transport: Any) -> None:
        self._made(handler, transport)
        self.open[handler] = None
        if len(self.open) > self.cap:
            self._make_room()

    def connection_lost(self, handler: Any, exc: BaseException | None = None) -> None:
        self.open.pop(handler, None)
        self._lost(handler, exc)
        if self.crowded_since is not None and len(self.open) < self.cap * 3 // 4:
            self.crowded_since = None

    def _make_room(self) -> None:
        """Close idle connections, oldest first, to make room for a burst of new ones."""
        target = max(1, self.cap - self.burst)
        for handler in list(self.open):
            if len(self.open) <= target:
                break
            if _busy(handler):
                continue
            self.open.pop(handler, None)
            handler.force_close()
            self.closed_to_make_room += 1
        if self.crowded_since is None:
            self.crowded_since = time.monotonic()
            log.warning(
                "connections at the limit (%d): closing idle ones to let phones in", self.cap
            )

    @property
    def crowded(self) -> bool:
        return self.crowded_since is not None


class OncePerMinute(logging.Filter):
    """Lets one record of a repeated kind through a minute, without its traceback.

    asyncio reports "socket.accept() out of system resource" on every accept attempt
    while the open files are used up: megabytes a minute, with a traceback each.
    """

    def __init__(self, prefixes: tuple[str, ...], seconds: float = 60.0) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.seconds = seconds
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def reset(self) -> None:
        """Start counting afresh (a server starting reports its first of each kind)."""
        self._last.clear()
        self._held.clear()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        kind = next((p for p in self.prefixes if message.startswith(p)), None)
        if kind is None:
            return True
        now = time.monotonic()
        if now - self._last.get(kind, -self.seconds) < self.seconds:
            self._held[kind] = self._held.get(kind, 0) + 1
            return False
        self._last[kind] = now
        held = self._held.pop(kind, 0)
        error = record.exc_info[1] if record.exc_info else None
        cause = f": {error}" if error is not None else ""
        repeats = f" ({held} more like it since the last report)" if held else ""
        record.msg = f"{kind}{cause}{repeats}"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True


ACCEPT_ERRORS = OncePerMinute(("socket.accept() out of system resource",))


def quiet_accept_errors() -> None:
    """Install :data:`ACCEPT_ERRORS` on asyncio's logger (once)."""
    asyncio_log = logging.getLogger("asyncio")
    if ACCEPT_ERRORS not in asyncio_log.filters:
        asyncio_log.addFilter(ACCEPT_ERRORS)
    ACCEPT_ERRORS.reset()
