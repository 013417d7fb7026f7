"""The program opens no connection beyond this machine's loopback.

A whole rehearsal runs through the real server with simulated phones, and the server
is also started the way `facilitate run` starts it (on the LAN address it finds); every
TCP connection attempted meanwhile must go to 127.0.0.0/8 or ::1.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from facilitate.agenda import load_agenda
from facilitate.clock import ManualClock
from facilitate.dress_rehearsal import VIA_HTTP, dress_rehearsal_async
from facilitate.engine import Engine
from facilitate.store import Store

AGENDAS = Path(__file__).resolve().parent.parent / "facilitate" / "agendas"


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, object]]:
    seen: list[tuple[int, object]] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: object) -> None:
        seen.append((self.type, address))
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        seen.append((self.type, address))
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return seen


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


async def test_a_rehearsal_over_http_connects_only_to_loopback(
    connections: list[tuple[int, object]],
) -> None:
    agenda = load_agenda(AGENDAS / "demo.toml")
    outcome = await dress_rehearsal_async(
        agenda, 6, seed=1, via=VIA_HTTP, store=Store.create(ephemeral=True), answer_wait=5.0
    )
    assert outcome is not None
    streams = [address for kind, address in connections if kind == socket.SOCK_STREAM]
    assert streams, "the simulated phones should have connected to the server"
    assert all(_is_loopback(address) for address in streams), streams


async def test_serving_on_the_lan_address_sends_nothing_beyond_loopback(
    connections: list[tuple[int, object]],
) -> None:
    from facilitate.server import start_server

    engine = Engine.new(load_agenda(AGENDAS / "demo.toml"), clock=ManualClock())
    server = await start_server(engine, host=None, port=0)
    try:
        assert server.local_url.startswith("http://127.0.0.1:")
    finally:
        await server.stop()
        engine.close()
    # Finding the LAN address "connects" a UDP socket, which sends no packet; no TCP
    # connection goes anywhere.
    assert not [a for kind, a in connections if kind == socket.SOCK_STREAM and not _is_loopback(a)]
