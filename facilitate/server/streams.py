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
PING_SLOTS = 15
"""Streams are pinged in this many turns spread over :data:`PING_SECONDS` (one turn a
second), so 10,000 phones do not all get their ping, nor wake the server, at once."""
STREAMS_PER_DEVICE = 2
"""Two tabs on one phone; a third (or a reload) closes the oldest."""
FAN_OUT_BATCH = 1000
"""Streams written to in one go when a message is published: between batches the loop
answers other requests, so telling 10,000 phones never stalls an answer for long."""
BEHIND_BYTES = 64 * 1024
"""A stream with this much still unsent is far behind (a phone gone quiet without
closing): it is closed, and its page reconnects and gets the newest message."""
PING = b": ping\n\n"


def chunk(message: bytes) -> bytes:
    """A message as one HTTP/1.1 chunk (event streams are sent chunked)."""
    return b"%x\r\n%s\r\n" % (len(message), message)


class _Listener:
    """One open stream: its connection, and the future its handler waits on."""

    __slots__ = ("done", "request", "slot")

    def __init__(self, request: web.Request, done: asyncio.Future[None], slot: int) -> None:
        self.request = request
        self.done = done
        self.slot = slot

    def send(self, frame: bytes) -> bool:
        """Write a framed message; ``False`` (and the stream ends) if the phone is gone
        or so far behind that it would rather reconnect."""
        transport = self.request.transport
        if transport is None or transport.is_closing():
            self.end()
            return False
        if transport.get_write_buffer_size() > BEHIND_BYTES:
            transport.close()
            self.end()
            return False
        transport.write(frame)
        return True

    def end(self) -> None:
        if not self.done.done():
            self.done.set_result(None)


class Broadcast:
    """The latest message of one live channel, written to every open stream.

    A new message is framed once and written straight to each stream's connection, in
    batches; no stream wakes a task of its own, and none holds a timer: one task per
    channel pings the streams, a slot of them a second (:data:`PING_SLOTS`).
    """

    def __init__(self, message: bytes = b"") -> None:
        self.version = 0
        self.message = message
        self.closed = False
        self.listeners = 0
        self.limit: int | None = None
        """The most streams this channel holds at once (``None``: no limit)."""
        self._devices: dict[str, collections.deque[web.Request]] = {}
        self._slots: list[dict[_Listener, None]] = [{} for _ in range(PING_SLOTS)]
        self._next_slot = 0
        self._pinger: asyncio.Task[None] | None = None

    def publish(self, message: bytes) -> None:
        self.version += 1
        self.message = message
        frame = chunk(message)
        everyone = [listener for slot in self._slots for listener in slot]
        loop = asyncio.get_running_loop()
        for start in range(0, len(everyone), FAN_OUT_BATCH):
            batch = everyone[start : start + FAN_OUT_BATCH]
            if start == 0:
                self._send(batch, frame, self.version)
            else:
                loop.call_soon(self._send, batch, frame, self.version)

    def _send(self, batch: list[_Listener], frame: bytes, version: int) -> None:
        if version != self.version:  # a newer message went out meanwhile: it is enough
            return
        for listener in batch:
            if not listener.done.done():
                listener.send(frame)

    def close(self) -> None:
        self.closed = True
        for slot in self._slots:
            for listener in list(slot):
                listener.end()
        if self._pinger is not None:
            self._pinger.cancel()
            self._pinger = None

    async def _ping(self) -> None:
        """Ping one slot of streams a second, round and round."""
        frame = chunk(PING)
        turn = 0
        while not self.closed:
            await asyncio.sleep(PING_SECONDS / PING_SLOTS)
            for listener in list(self._slots[turn]):
                listener.send(frame)
            turn = (turn + 1) % PING_SLOTS

    def join(self, request: web.Request) -> _Listener:
        """A prepared stream starts listening (its handler awaits ``.done``)."""
        loop = asyncio.get_running_loop()
        listener = _Listener(request, loop.create_future(), self._next_slot)
        self._next_slot = (self._next_slot + 1) % PING_SLOTS
        self._slots[listener.slot][listener] = None
        self.listeners += 1
        if self._pinger is None and not self.closed:
            self._pinger = loop.create_task(self._ping())
        return listener

    def part(self, listener: _Listener) -> None:
        if self._slots[listener.slot].pop(listener, False) is None:
            self.listeners -= 1

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
                oldest.transport.close()  # its file is free now; its stream ends at the next write

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


STREAM_HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "X-Accel-Buffering": "no"}


async def stream(
    request: web.Request, channel: Broadcast, *, device: str | None = None
) -> web.StreamResponse:
    """Server-sent events: the channel's current message now, then each newer one
    (written by :meth:`Broadcast.publish`), until the phone leaves or the server stops.

    ``device`` (a phone's token) limits how many streams one device holds.
    """
    channel.admit(request, device)
    response = web.StreamResponse(headers=STREAM_HEADERS)
    sent = channel.version
    try:
        await response.prepare(request)
        await response.write(channel.message)
    except BaseException:
        channel.leave(request, device)
        raise
    if channel.closed:
        channel.leave(request, device)
        return response
    listener = channel.join(request)
    if channel.version != sent:  # a newer message came while the first was being sent
        listener.send(chunk(channel.message))
    try:
        await listener.done
    except (ConnectionError, RuntimeError):
        pass  # the phone went away
    finally:
        channel.part(listener)
        channel.leave(request, device)
    return response
