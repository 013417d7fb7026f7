"""Live channels: one write per stream per message, pings spread out, slow phones let go."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from facilitate.server import streams
from facilitate.server.streams import Broadcast, chunk


class Transport:
    def __init__(self, buffered: int = 0) -> None:
        self.written: list[bytes] = []
        self.buffered = buffered
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return self.buffered


class Request:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport


def listen(channel: Broadcast, count: int, **options: Any) -> list[Transport]:
    transports = [Transport(**options) for _ in range(count)]
    for transport in transports:
        channel.join(Request(transport))  # type: ignore[arg-type]
    return transports


async def test_a_message_is_framed_once_and_reaches_every_stream() -> None:
    channel = Broadcast(b"first")
    transports = listen(channel, 2500)
    channel.publish(b"event: change\ndata: 1\n\n")
    await asyncio.sleep(0.05)  # the batches after the first go on the next turns
    frame = chunk(b"event: change\ndata: 1\n\n")
    assert frame == b"17\r\nevent: change\ndata: 1\n\n\r\n"
    assert all(t.written == [frame] for t in transports)
    channel.close()


async def test_a_newer_message_supersedes_one_still_going_out() -> None:
    channel = Broadcast()
    transports = listen(channel, 2 * streams.FAN_OUT_BATCH)
    channel.publish(b"old")
    channel.publish(b"new")
    await asyncio.sleep(0.05)
    both = [t for t in transports if t.written == [chunk(b"old"), chunk(b"new")]]
    newest = [t for t in transports if t.written == [chunk(b"new")]]
    assert len(both) == streams.FAN_OUT_BATCH  # the first batch got each at once
    assert len(newest) == len(transports) - len(both)  # the rest skipped to the newest
    channel.close()


async def test_pings_are_spread_out_not_all_due_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "PING_SECONDS", 0.3)  # a turn every 20 ms
    channel = Broadcast()
    transports = listen(channel, 150)
    pinged = []
    await asyncio.sleep(0.01)
    for _ in range(5):
        await asyncio.sleep(0.02)
        pinged.append(sum(1 for t in transports if t.written))
    channel.close()
    assert 0 < pinged[0] < len(transports) // 3  # a turn pings a slot, not everyone
    assert pinged == sorted(pinged) and pinged[-1] > pinged[0]  # then the next slot


async def test_a_phone_far_behind_is_let_go_and_a_closed_one_forgotten() -> None:
    channel = Broadcast()
    (slow,) = listen(channel, 1, buffered=streams.BEHIND_BYTES + 1)
    (gone,) = listen(channel, 1)
    gone.closed = True
    channel.publish(b"news")
    assert slow.closed and slow.written == []
    assert gone.written == []
    assert all(
        listener.done.done() for slot in channel._slots for listener in slot
    )  # their handlers return, and part from the channel
    channel.close()
