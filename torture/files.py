"""Open files and connections: a room that idle or half-sent connections cannot lock out.

Two experiments against a ``facilitate serve`` in a child process:

- ``flood``: the child's open-file limit is set low (256, soft and hard, the usual macOS
  default), 3,000 idle sockets are opened to it, then real phones join, load the page
  and answer. Counted: phones that got through, how long they took, what the server
  wrote to stderr meanwhile.
- ``linger``: 500 slowloris connections (a request's head sent a few bytes at a time,
  never finished) and 3,000 idle ones; counted: how many the server still holds open
  after 40 seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from torture.child import Child, start_serve, write_agenda
from torture.http import HOST, Closed, Phone, control

PHONE_SECONDS = 30.0
"""How long a phone tries (join, page, answer) before it counts as locked out."""


def open_idle(port: int, count: int) -> list[socket.socket]:
    """``count`` connections that never send a byte (connects still in progress count)."""
    sockets = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            s.connect((HOST, port))
        sockets.append(s)
    return sockets


def still_open(sockets: list[socket.socket]) -> int:
    """How many of these connections the server has not closed (nor refused)."""
    count = 0
    for s in sockets:
        try:
            data = s.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            count += 1  # connected (or still connecting), nothing from the server
            continue
        except OSError as error:
            if error.errno in (errno.ENOTCONN,):
                count += 1
            continue
        if data:
            count += 1  # the server answered something but kept it open
    return count


def server_sockets(pid: int) -> int | None:
    """How many sockets a process holds open (Linux's /proc; ``None`` elsewhere)."""
    folder = Path(f"/proc/{pid}/fd")
    try:
        names = list(folder.iterdir())
    except OSError:
        return None
    count = 0
    for name in names:
        with contextlib.suppress(OSError):
            count += os.readlink(name).startswith("socket:")
    return count


def close_all(sockets: list[socket.socket]) -> None:
    for s in sockets:
        with contextlib.suppress(OSError):
            s.close()


async def one_phone(child: Child) -> float | None:
    """Seconds for a phone to join, load the question and have its answer saved."""
    phone = Phone(child.port)
    started = time.monotonic()
    try:
        async with asyncio.timeout(PHONE_SECONDS):
            while True:
                try:
                    await phone.join(child.join_path)
                    if await phone.answer("pick", {"choice": "1"}) == 303:
                        return time.monotonic() - started
                except (Closed, OSError):
                    pass
                await asyncio.sleep(0.5)
    except TimeoutError:
        return None
    finally:
        phone.close()


async def _phones(child: Child, count: int) -> list[float | None]:
    return await asyncio.gather(*(one_phone(child) for _ in range(count)))


async def _slowloris(
    child: Child, count: int, seconds: float
) -> tuple[list[socket.socket], int | None]:
    """Connections sending a request's head a few bytes at a time, never finishing it;
    with the most sockets the server held meanwhile."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            s.connect((HOST, child.port))
        sockets.append(s)
    await asyncio.sleep(0.5)
    for s in sockets:
        with contextlib.suppress(OSError):
            s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
    peak: int | None = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(min(5, max(0.0, deadline - time.monotonic())))
        held = server_sockets(child.process.pid)
        if held is not None:
            peak = max(peak or 0, held)
        for s in sockets:
            with contextlib.suppress(OSError):
                s.send(b"X-a: b\r\n")
    return sockets, peak


def flood(
    *, pythonpath: str | None = None, limit: int = 256, idle: int = 3000, phones: int = 20
) -> dict[str, Any]:
    """Phones against 3,000 idle sockets at a low open-file limit."""
    with tempfile.TemporaryDirectory(prefix="torture-files-") as folder:
        home = Path(folder)
        child = start_serve(
            home, write_agenda(home), pythonpath=pythonpath, open_files=(limit, limit)
        )
        try:
            asyncio.run(_open_pick(child))
            before = child.stderr_bytes()
            sockets = open_idle(child.port, idle)
            time.sleep(2)
            started = time.monotonic()
            times = asyncio.run(_phones(child, phones))
            elapsed = time.monotonic() - started
            held = still_open(sockets)
            close_all(sockets)
            through = [t for t in times if t is not None]
            stderr = child.stderr_bytes() - before
            lines = child.stderr_text().count("\n")
            return {
                "limit": limit,
                "idle sockets": idle,
                "phones": phones,
                "phones answered": len(through),
                "median seconds": round(statistics.median(through), 2) if through else None,
                "slowest seconds": round(max(through), 2) if through else None,
                "window seconds": round(elapsed, 1),
                "stderr bytes": stderr,
                "stderr lines": lines,
                "idle still open": held,
            }
        finally:
            child.kill()


async def _open_pick(child: Child) -> None:
    await control(child.port, child.control_path, "goto", index=1)
    await control(child.port, child.control_path, "open")


def linger(
    *, pythonpath: str | None = None, slow: int = 500, idle: int = 3000, seconds: float = 40.0
) -> dict[str, Any]:
    """How many slowloris and idle connections the server still holds after ``seconds``
    (counted in the server's own open files where the system shows them)."""
    with tempfile.TemporaryDirectory(prefix="torture-linger-") as folder:
        home = Path(folder)
        child = start_serve(home, write_agenda(home), pythonpath=pythonpath)
        try:
            baseline = server_sockets(child.process.pid) or 0
            idle_sockets = open_idle(child.port, idle)
            slow_sockets, peak = asyncio.run(_slowloris(child, slow, seconds))
            held = server_sockets(child.process.pid)
            result = {
                "slowloris": slow,
                "idle": idle,
                "server held at most": peak - baseline if peak is not None else None,
                "server holds after": held - baseline if held is not None else None,
                "after seconds": seconds,
                "phone answered after": asyncio.run(one_phone_after_open(child)),
            }
            close_all(idle_sockets + slow_sockets)
            return result
        finally:
            child.kill()


async def one_phone_after_open(child: Child) -> float | None:
    await _open_pick(child)
    taken = await one_phone(child)
    return round(taken, 2) if taken is not None else None


if __name__ == "__main__":  # pragma: no cover - by hand
    import json
    import sys

    path = sys.argv[2] if len(sys.argv) > 2 else None
    which = sys.argv[1] if len(sys.argv) > 1 else "flood"
    print(json.dumps((flood if which == "flood" else linger)(pythonpath=path or None), indent=1))
