"""Load generators that run in their own process, so clients and server do not share a loop.

Each function is the target of a ``multiprocessing`` process: it runs its own asyncio
loop, talks to 127.0.0.1 only, stops by itself, and sends its measurements back on a
pipe. They speak HTTP/1.1 over plain asyncio streams with keep-alive, because a full
HTTP client in Python is slower than the server it would be measuring.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any
from urllib.parse import urlencode

FORM_TOKEN = re.compile(rb'name="_ft" value="([^"]+)"')
COOKIE = re.compile(rb"Set-Cookie: t=([^;\r\n]+)", re.IGNORECASE)
LENGTH = re.compile(rb"Content-Length: (\d+)", re.IGNORECASE)
HOST = "127.0.0.1"


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        return self

    async def request(
        self, method: str, path: str, *, cookie: str = "", body: bytes = b""
    ) -> tuple[int, bytes, bytes]:
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
        if cookie:
            head += f"Cookie: t={cookie}\r\n"
        if method == "POST":
            head += (
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n"
            )
        self.writer.write(head.encode() + b"\r\n" + body)
        response_head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(response_head.split(b" ", 2)[1])
        found = LENGTH.search(response_head)
        length = int(found.group(1)) if found else 0
        content = await self.reader.readexactly(length) if length else b""
        return status, response_head, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def join(port: int, code: str) -> tuple[Connection, str, str]:
    """A phone that has joined: its connection, device token and form token."""
    connection = await Connection(port).open()
    status, head, _ = await connection.request("GET", f"/j/{code}")
    found = COOKIE.search(head)
    assert status == 303 and found, (status, head)
    token = found.group(1).decode()
    _, _, page = await connection.request("GET", "/", cookie=token)
    form = FORM_TOKEN.search(page)
    return connection, token, form.group(1).decode() if form else ""


async def join_many(port: int, code: str, count: int) -> list[tuple[Connection, str, str]]:
    phones: list[tuple[Connection, str, str]] = []
    for start in range(0, count, 100):
        phones += await asyncio.gather(*(join(port, code) for _ in range(min(100, count - start))))
    return phones


# -- for make bench: phones joined once, streams and closed loops in several processes ----


async def join_to_file(
    port: int, link_key: str, count: int, path: Any, *, need_form: bool = True
) -> int:
    """Join ``count`` phones through the QR link; write "TOKEN FORMTOKEN" lines."""
    phones = await join_many(port, link_key, count)
    with open(path, "w", encoding="ascii") as out:
        for connection, token, form in phones:
            if need_form and not form:
                raise RuntimeError("a joined phone got no form token: is an item open?")
            out.write(f"{token} {form or '-'}\n")
            connection.close()
    # Closed now, not when the caller's loop next runs: a caller that goes on to run
    # wrk (blocking) would leave them open, and the server would drop them, ten thousand
    # at once, in the middle of the first measurement.
    await asyncio.gather(
        *(c.writer.wait_closed() for c, _, _ in phones if c.writer is not None),
        return_exceptions=True,
    )
    return len(phones)


def read_phones(path: Any) -> list[tuple[str, str]]:
    with open(path, encoding="ascii") as lines:
        return [tuple(line.split()) for line in lines if line.strip()]  # type: ignore[misc]


def raise_files() -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def stream_listeners(
    conn: Any, port: int, cookies: list[str], marker: bytes, timeout: float
) -> None:
    """Hold one event stream per cookie ("" for none); say "ready" once each delivered
    its first event, then note when each hears ``marker`` (``time.monotonic()``)."""
    raise_files()

    async def run() -> dict[str, Any]:
        arrivals: list[float] = []
        ready = asyncio.Event()
        connected = 0
        writers: list[asyncio.StreamWriter] = []

        async def listen(cookie: str) -> None:
            nonlocal connected
            reader, writer = await asyncio.open_connection(HOST, port, limit=4096)
            writers.append(writer)
            header = f"Cookie: t={cookie}\r\n" if cookie else ""
            writer.write(f"GET /events HTTP/1.1\r\nHost: {HOST}\r\n{header}\r\n".encode())
            seen = await reader.readuntil(b"\n\n")  # headers, then the current state
            connected += 1
            if connected == len(cookies):
                ready.set()
            while marker not in seen:
                chunk = await reader.read(4096)
                if not chunk:
                    return
                seen = seen[-64:] + chunk
            arrivals.append(time.monotonic())

        tasks = []
        for start in range(0, len(cookies), 500):
            batch = [asyncio.create_task(listen(c)) for c in cookies[start : start + 500]]
            tasks += batch
            await asyncio.wait(batch, timeout=0.2)  # not all at once: the backlog is finite
        await asyncio.wait_for(ready.wait(), timeout)
        conn.send("ready")
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        for writer in writers:
            writer.close()
        return {"arrivals": arrivals, "connected": connected}

    conn.send(asyncio.run(run()))


def closed_loop_processes(
    port: int,
    path: str,
    phones_file: Any,
    connections: int,
    seconds: float,
    field: str,
    distinct: bool,
    processes: int,
) -> list[dict[str, Any]]:
    """Without wrk: ``processes`` Python clients share ``connections`` closed loops."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    pipes, workers = [], []
    for number in range(processes):
        parent, child = context.Pipe()
        share = connections // processes + (number < connections % processes)
        worker = context.Process(
            target=_posting,
            args=(child, port, path, str(phones_file), share, seconds, field, distinct, number),
            daemon=True,
        )
        worker.start()
        pipes.append(parent)
        workers.append(worker)
    results = [pipe.recv() for pipe in pipes]
    for worker in workers:
        worker.join(30)
    return results


def _posting(
    conn: Any,
    port: int,
    path: str,
    phones_file: str,
    connections: int,
    seconds: float,
    field: str,
    distinct: bool,
    number: int,
) -> None:
    phones = read_phones(phones_file)

    async def run() -> dict[str, Any]:
        opened = [await Connection(port).open() for _ in range(connections)]
        latencies: list[float] = []
        failures = 0
        deadline = time.monotonic() + seconds
        counter = number * 1_000_000

        async def worker(connection: Connection) -> None:
            nonlocal failures, counter
            while time.monotonic() < deadline:
                counter += 1
                token, form = phones[counter % len(phones)]
                value = f"words {counter}" if distinct else str(counter % 3)
                body = urlencode({"_ft": form, field: value}).encode()
                started = time.perf_counter()
                status, _, _ = await connection.request("POST", path, cookie=token, body=body)
                latencies.append(time.perf_counter() - started)
                if status not in (200, 303):
                    failures += 1

        started = time.monotonic()
        await asyncio.gather(*(worker(c) for c in opened))
        elapsed = time.monotonic() - started
        for connection in opened:
            connection.close()
        return {"latencies": latencies, "failures": failures, "seconds": elapsed}

    conn.send(asyncio.run(run()))
