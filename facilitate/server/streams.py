"""Live updates: one broadcast channel per audience, sent as server-sent events.

Phones listen to ``/events`` and fetch their page again when the item or its phase
changes; the projector and control pages listen to their own channel and fetch their
live fragment. A channel only keeps its newest message: a listener that falls behind
skips straight to it, so a slow phone costs nothing but its connection.

Each stream is an open file for as long as the page is open, so a device holds at most
:data:`STREAMS_PER_DEVICE` (opening one more closes its oldest: a reloaded page), and the
phones' channel takes at most :attr:`Broadcast.limit` streams (more are refused with a
429; the page still works, with its Refresh link).
"""

from __future__ import annotations

import asyncio
import collections

from aiohttp import web

from facilitate.server.security import TOO_MANY, PageError

PING_SECONDS = 15.0
"""A comment line this often keeps idle connections (and the proxies between) open."""
STREAMS_PER_DEVICE = 2
"""Two tabs on one phone; a third (or a reload) closes the oldest."""


class Broadcast:
    """The latest message of one live channel; every listener wakes when it changes."""

    def __init__(self, message: bytes = b"") -> None:
        self.version = 0
        self.message = message
        self.closed = False
        self._changed = asyncio.Event()
        self.listeners = 0
        self.limit: int | None = None
        """The most streams this channel holds at once (``None``: no limit)."""
        self._devices: dict[str, collections.deque[web.Request]] = {}

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

    def admit(self, request: web.Request, device: str | None) -> None:
        """Take one more stream, or refuse it (429); a device's oldest stream past
        :data:`STREAMS_PER_DEVICE` is closed."""
        if self.limit is not None and self.listeners >= self.limit:
            raise PageError(429, TOO_MANY)
        if device is None:
            return
        held = self._devices.setdefault(device, collections.deque())
        held.append(request)
        while len(held) > STREAMS_PER_DEVICE:
            oldest = held.popleft()
            if oldest.transport is not None:
                oldest.transport.close()  # its file is free now; its loop ends at the next write

    def leave(self, request: web.Request, device: str | None) -> None:
        held = self._devices.get(device) if device is not None else None
        if held is not None:
            if request in held:
                held.remove(request)
            if not held:
                del self._devices[device]  # type: ignore[arg-type]


def sse(event: str, data: str) -> bytes:
    """One server-sent event."""
    return f"event: {event}\ndata: {data}\n\n".encode()


async def stream(
    request: web.Request, channel: Broadcast, *, device: str | None = None
) -> web.StreamResponse:
    """Server-sent events: the channel's current message now, then each newer one.

    ``device`` (a phone's token) limits how many streams one device holds.
    """
    channel.admit(request, device)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream; charset=utf-8", "X-Accel-Buffering": "no"}
    )
    try:
        await response.prepare(request)
    except BaseException:
        channel.leave(request, device)
        raise
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
        channel.leave(request, device)
    return response
