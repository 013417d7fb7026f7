"""Starting the server inside the running loop, on the right addresses, and its URLs.

``start_server`` binds the app (the laptop's local-network address and loopback by
default) with ``AppRunner`` + ``TCPSite``, so the TUI's loop or ``facilitate serve`` can
host it, and returns a :class:`RunningServer` with the URLs to show. Given a TLS context
(the facilitator's own certificate, see :mod:`facilitate.server.tls`), every address
speaks HTTPS and the URLs say so.

Before it listens it raises the open-file limit, and it closes idle connections (see
:mod:`facilitate.server.connections`); what the facilitator should know about that (a
low limit, a crowd of connections) is in :attr:`RunningServer.warnings`.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import ssl

from aiohttp import web
from attrs import define

from facilitate.engine import Engine
from facilitate.reprs import attrs_repr
from facilitate.server.app import make_app
from facilitate.server.connections import (
    CROWDED_NOTICE,
    IDLE_SECONDS,
    LOW_LIMIT_NOTICE,
    ConnectionGuard,
    ConnectionNotice,
    FileLimit,
    OncePerMinute,
    quiet_accept_errors,
    raise_open_file_limit,
)
from facilitate.server.security import headers_on_every_response
from facilitate.server.state import STATE

LOOPBACK = "127.0.0.1"
SHUTDOWN_SECONDS = 3.0
LINGER_SECONDS = 2.0
"""After answering, how long an unread request body may still be read before closing."""


class _NoAddresses(logging.Filter):
    """aiohttp logs "Error handling request from <address>" for malformed requests; drop
    the address and the exception text (which can quote request bytes), keep the fact."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "%s" in record.msg and record.args:
            record.msg = record.msg.replace(" from %s", "").replace("%s", "?")
            record.args = ()
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
            record.exc_info = None
            record.exc_text = None
        return True


_server_log = logging.getLogger("facilitate.server.http")
_server_log.addFilter(_NoAddresses())
# A malformed request is one line, and a flood of them one line a minute.
_MALFORMED = OncePerMinute(("Error handling request", "Unhandled exception"))
_server_log.addFilter(_MALFORMED)


def lan_address() -> str | None:
    """This laptop's address on the local network, found without sending a packet.

    Connecting a UDP socket only asks the kernel which interface would route there;
    nothing goes out. ``None`` when there is no network (or only loopback).
    """
    candidates: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: documentation only, never routed to
        candidates.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        candidates += [
            str(info[4][0])
            for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        ]
    for address in candidates:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            continue
        if not (parsed.is_loopback or parsed.is_unspecified or parsed.is_link_local):
            return address
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@define
class RunningServer:
    """A started server: its URLs, and how to stop it."""

    __repr__ = attrs_repr

    engine: Engine
    runner: web.AppRunner
    address: str
    """The address phones use (the LAN address, or loopback without a network)."""
    port: int
    note: str = ""
    tls: bool = False
    """Whether the server speaks HTTPS (with the facilitator's certificate)."""
    limit: FileLimit | None = None
    guard: ConnectionGuard | None = None

    @property
    def warnings(self) -> list[ConnectionNotice]:
        """What the facilitator should know now about connections (``.text(t)`` words it)."""
        found: list[ConnectionNotice] = []
        if self.limit is not None and self.limit.low:
            limit = self.limit
            found.append(ConnectionNotice(LOW_LIMIT_NOTICE, limit.phones, {"limit": limit.soft}))
        if self.guard is not None and self.guard.crowded:
            found.append(ConnectionNotice(CROWDED_NOTICE, len(self.guard.open)))
        return found

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.address}:{self.port}"

    @property
    def join_url(self) -> str:
        """What the QR code shows: the join link with its key, which nobody can guess and
        which no flood of wrong codes holds up; follows the join code when it rotates."""
        return f"{self.base_url}/j/{self.engine.access.link_key}"

    @property
    def local_url(self) -> str:
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    @property
    def screen_url(self) -> str:
        """The projector page: its address opens nothing but the projector."""
        return f"{self.local_url}/screen/{self.engine.projector_secret}"

    @property
    def control_url(self) -> str:
        """The facilitator's control page; POST to ``control_url + "/next"`` and so on."""
        return f"{self.local_url}/control/{self.engine.facilitator_secret}"

    def describe(self) -> dict[str, object]:
        return {
            "join_url": self.join_url,
            "join_code": self.engine.join_code,
            "local_url": self.local_url,
            "screen_url": self.screen_url,
            "control_url": self.control_url,
            "port": self.port,
            "note": self.note,
        }

    def set_wifi(self, payload: str | None) -> None:
        """Show a Wi-Fi QR code beside the join code on the projector page, live; ``None``
        takes it off. ``payload`` comes from :func:`facilitate.qr.wifi_qr_payload`; it is
        held in memory only, never stored or logged (it carries the password)."""
        self.runner.app[STATE].set_wifi(payload)

    @property
    def wifi_shown(self) -> bool:
        return self.runner.app[STATE].wifi_payload is not None

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_server(
    engine: Engine,
    *,
    host: str | None = None,
    port: int | None = None,
    wifi_payload: str | None = None,
    facilitator_language: str | None = None,
    tls: ssl.SSLContext | None = None,
) -> RunningServer:
    """Serve the engine in the running loop.

    With no ``host``, the server listens on the laptop's LAN address (for phones) and on
    127.0.0.1 (for the facilitator's own browser and simulated phones); with no network
    it listens on loopback only and says so in ``note``. ``port`` 0 picks a free port;
    none means 8000. ``facilitator_language`` is the control page's (default: the
    system's). ``tls``, a server context from :func:`facilitate.server.tls.tls_context`,
    makes every address speak HTTPS.
    """
    note = ""
    if host is None:
        found = lan_address()
        if found is None:
            note = "No local network found: serving on this computer only (127.0.0.1)."
        hosts = [found, LOOPBACK] if found else [LOOPBACK]
    elif host in ("0.0.0.0", ""):
        found = lan_address()
        hosts = ["0.0.0.0"]
        if found is None:
            note = "No local network found: phones cannot reach this computer yet."
    else:
        hosts = [host] if _is_loopback(host) else [host, LOOPBACK]
    limit = raise_open_file_limit()
    quiet_accept_errors()
    _MALFORMED.reset()
    app = make_app(engine, wifi_payload=wifi_payload, facilitator_language=facilitator_language)
    runner = web.AppRunner(
        app,
        access_log=None,
        shutdown_timeout=SHUTDOWN_SECONDS,
        logger=_server_log,
        keepalive_timeout=IDLE_SECONDS,
        lingering_time=LINGER_SECONDS,
    )
    await runner.setup()
    headers_on_every_response(runner)
    assert runner.server is not None
    guard = ConnectionGuard(runner.server, limit.connections, burst=limit.backlog)
    # Phones' live streams may take most of the connections, not all: answers need some.
    app[STATE].participants.limit = max(8, limit.connections - limit.connections // 8 - 8)
    engine.watch_storage()
    try:
        chosen = 8000 if port is None else port
        backlog = limit.backlog
        first = web.TCPSite(runner, hosts[0], chosen, ssl_context=tls, backlog=backlog)
        await first.start()
        bound = runner.addresses[0][1]
        for extra in hosts[1:]:
            await web.TCPSite(runner, extra, bound, ssl_context=tls, backlog=backlog).start()
    except BaseException:
        await runner.cleanup()
        raise
    address = (lan_address() or LOOPBACK) if hosts[0] == "0.0.0.0" else hosts[0]
    server = RunningServer(
        engine, runner, address, bound, note, tls=tls is not None, limit=limit, guard=guard
    )
    app[STATE].advertised_url = server.base_url
    return server
