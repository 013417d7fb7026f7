"""Live updates: one broadcast channel per audience, sent as server-sent events.

Phones listen to ``/events`` and fetch their page again when the item or its phase
changes; the projector and control pages listen to their own channel and fetch their
live fragment. A channel only keeps its newest message: a listener that falls behind
skips straight to it, so a slow phone costs nothing but its connection.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

PING_SECONDS = 15.0
"""A comment line this often keeps idle connections (and the proxies between) open."""


class Broadcast:
    """The latest message of one live channel; every listener wakes when it changes."""

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
    """One server-sent event."""
    return f"event: {event}\ndata: {data}\n\n".encode()


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
