"""Malformed requests and random forms against a ``facilitate serve``: never a 5xx.

Two generators, seeded so a failure can be replayed:

- :func:`malformed`: requests broken at the HTTP level, sent as raw bytes from a
  joined phone (its cookie and form token, so they get as deep as a request can): a
  ``Content-Encoding`` that is not what the body is, multipart without or with a wrong
  boundary, charsets no one knows, invalid UTF-8, bodies cut short, odd methods, odd
  paths; to the phones' pages and to the control API alike.
- :func:`forms`: well-formed requests with random fields and values (unknown names,
  repeated fields, huge and negative numbers, every script, control characters) for
  every item type and every control command, JSON bodies of any shape.

Every answer's status is counted; a 5xx, or the server no longer answering, is a
violation.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import tempfile
import zlib
from pathlib import Path
from urllib.parse import quote, urlencode

from attrs import define, field

from facilitate.commands import COMMANDS
from torture.child import ANSWERED_ITEMS, Child, start_serve, write_agenda
from torture.http import Closed, Connection, Phone, control

CHARSETS = ("utf-8", "latin-1", "bogus-9", "utf-16", "", "x" * 40, "utf-8; q=1", "UTF8")
ENCODINGS = ("gzip", "deflate", "br", "compress", "identity", "gzip, deflate", "zstd", "x")
TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "a/b/c;;;==",
    "",
)
WEIRD = ("", "\0", "\u202e", "é", "🙂", "\ud800", "%", "%zz", "+", "&", "=", "a" * 5000, "-1")


@define
class FuzzResult:
    name: str
    requests: int = 0
    server_errors: int = 0
    examples: list[str] = field(factory=list)
    violations: list[str] = field(factory=list)


def _text(rng: random.Random) -> str:
    parts = [rng.choice(WEIRD) for _ in range(rng.randint(0, 3))]
    parts.append("".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(0, 12))))
    return "".join(parts)


def _body(rng: random.Random, fields: dict[str, str]) -> bytes:
    encoded = urlencode(fields, errors="surrogatepass").encode("utf-8", "surrogatepass")
    match rng.randrange(6):
        case 0:
            return encoded
        case 1:
            return rng.randbytes(rng.randint(0, 300))
        case 2:
            return encoded + b"&" + rng.randbytes(20)
        case 3:
            return gzip.compress(encoded)
        case 4:
            return zlib.compress(encoded)
        case _:
            return encoded.replace(b"%", b"%\xff")


def _multipart(rng: random.Random, fields: dict[str, str]) -> tuple[str, bytes]:
    boundary = rng.choice(("abc", "", "x" * 80, "a b", '"q"', "--", "é"))
    used = rng.choice((boundary, "other", boundary + "x"))
    parts = []
    for name, value in fields.items():
        head = f'Content-Disposition: form-data; name="{name}"'
        if rng.random() < 0.2:
            head += '; filename="f.bin"'
        if rng.random() < 0.2:
            head += f"\r\nContent-Type: text/plain; charset={rng.choice(CHARSETS)}"
        if rng.random() < 0.1:
            head += "\r\nContent-Transfer-Encoding: base64"
        parts.append(f"--{used}\r\n{head}\r\n\r\n{value}\r\n".encode("utf-8", "surrogatepass"))
    body = b"".join(parts) + (f"--{used}--\r\n".encode() if rng.random() < 0.7 else b"")
    kind = "multipart/form-data"
    if rng.random() < 0.8:
        kind += f"; boundary={boundary}"
    return kind, body


def _fields(rng: random.Random, form_token: str) -> dict[str, str]:
    fields = {"_ft": form_token if rng.random() < 0.9 else _text(rng)}
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(("choice", "value", "text", "index", "item", "seconds", _text(rng)))
        fields[name] = _text(rng) if rng.random() < 0.5 else str(rng.randint(-(10**20), 10**20))
    return fields


async def _send(port: int, raw: bytes) -> int | None:
    """One request as raw bytes on its own connection; its status (None: no answer)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
    except (OSError, TimeoutError):
        return None
    try:
        writer.write(raw)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 15)
    except (OSError, TimeoutError):
        return None
    finally:
        writer.close()
    parts = line.split(b" ", 2)
    try:
        return int(parts[1])
    except (IndexError, ValueError):
        return None


def _request(
    method: str, path: str, headers: dict[str, str], body: bytes, *, cookie: str = ""
) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if cookie:
        head += f"Cookie: t={cookie}\r\n"
    for name, value in headers.items():
        head += f"{name}: {value}\r\n"
    head += f"Content-Length: {len(body)}\r\n"
    return head.encode("utf-8", "surrogatepass") + b"\r\n" + body


class Target:
    """A serve child with an item open and a joined phone, to aim requests at."""

    def __init__(self, child: Child, phone: Phone) -> None:
        self.child = child
        self.phone = phone

    def paths(self) -> list[str]:
        control_path = self.child.control_path
        return [
            *(f"/a/{item}" for item in ANSWERED_ITEMS),
            "/r/pick",
            *(f"{control_path}/{name}" for name in COMMANDS),
            f"{control_path}/nothing",
            "/control/wrong/next",
            "/j",
            "/",
        ]


async def _open_target(home: Path, pythonpath: str | None) -> Target:
    child = start_serve(home, write_agenda(home), pythonpath=pythonpath)
    await control(child.port, child.control_path, "goto", index=1)
    await control(child.port, child.control_path, "open")
    phone = Phone(child.port)
    await phone.join(child.join_path)
    return Target(child, phone)


def _count(result: FuzzResult, status: int | None, what: str) -> None:
    result.requests += 1
    if status is None or status >= 500:
        result.server_errors += 1
        if len(result.examples) < 5:
            result.examples.append(f"{status}: {what[:300]}")


CONCURRENCY = 50
"""Malformed requests in flight at once: some wait for a body that never comes."""


async def _malformed(target: Target, count: int, seed: int, result: FuzzResult) -> None:
    rng = random.Random(seed)
    paths = target.paths()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(raw: bytes, whole: bool) -> None:
        async with gate:
            status = await _send(target.child.port, raw)
        if status is None and not whole:
            result.requests += 1  # a request cut short may get no answer: it is closed
            return
        _count(result, status, repr(raw))

    sending = []
    for _ in range(count):
        fields = _fields(rng, target.phone.form_token)
        headers: dict[str, str] = {"Accept": rng.choice(("application/json", "text/html"))}
        kind = rng.choice(TYPES)
        body = _body(rng, fields)
        if kind == "multipart/form-data":
            kind, body = _multipart(rng, fields)
        elif kind == "application/json" and rng.random() < 0.5:
            body = json.dumps(fields).encode("utf-8", "surrogatepass")
        if rng.random() < 0.6:
            kind += f"; charset={rng.choice(CHARSETS)}"
        if kind:
            headers["Content-Type"] = kind
        if rng.random() < 0.4:
            headers["Content-Encoding"] = rng.choice(ENCODINGS)
        if rng.random() < 0.05:
            headers["Transfer-Encoding"] = "chunked"
        method = rng.choice(("POST",) * 8 + ("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"))
        path = rng.choice(paths)
        if rng.random() < 0.1:
            path += "?" + quote(_text(rng), safe="=&", errors="surrogatepass")
        raw = _request(method, path, headers, body, cookie=target.phone.token)
        whole = rng.random() >= 0.05
        if not whole:
            raw = raw[: rng.randint(0, len(raw))]  # cut short
        sending.append(asyncio.create_task(send(raw, whole)))
    await asyncio.gather(*sending)


async def _forms(target: Target, count: int, seed: int, result: FuzzResult) -> None:
    rng = random.Random(seed)
    child, phone = target.child, target.phone
    connection = Connection(child.port)
    for number in range(count):
        if number % 200 == 0:  # every item type, in turn
            index = 1 + (number // 200) % len(ANSWERED_ITEMS)
            await control(child.port, child.control_path, "goto", index=index)
            await control(child.port, child.control_path, "open")
            await phone.refresh()
        if rng.random() < 0.6:
            item = rng.choice(ANSWERED_ITEMS)
            fields = _fields(rng, phone.form_token)
            body = urlencode(fields, errors="surrogatepass").encode("utf-8", "surrogatepass")
            path = rng.choice((f"/a/{item}", f"/r/{item}"))
            headers = {}
        else:
            name = rng.choice([*COMMANDS, "goto", "extend"])
            path = f"{child.control_path}/{name}"
            headers = {"Accept": "application/json"}
            if rng.random() < 0.5:
                value = rng.choice((_text(rng), rng.randint(-(10**30), 10**30), None, [1], {}))
                given = {rng.choice(("index", "item", "seconds", "minutes", "id", "all")): value}
                body = json.dumps(given if rng.random() < 0.9 else [given]).encode()
                headers["Content-Type"] = "application/json"
            else:
                fields = _fields(rng, "")
                body = urlencode(fields, errors="surrogatepass").encode("utf-8", "surrogatepass")
        try:
            status, _, _ = await connection.request(
                "POST", path, cookie=phone.token, body=body, headers=headers
            )
        except (Closed, OSError):
            status = None
        _count(result, status, f"POST {path} {body[:200]!r}")
    connection.close()


def run(
    count: int, *, seed: int = 1, pythonpath: str | None = None
) -> tuple[FuzzResult, FuzzResult]:
    """``count`` malformed requests and ``count`` random forms against one server."""
    malformed = FuzzResult("malformed requests")
    forms = FuzzResult("random forms")

    async def both() -> None:
        with tempfile.TemporaryDirectory(prefix="torture-fuzz-") as folder:
            target = await _open_target(Path(folder), pythonpath)
            try:
                await _malformed(target, count, seed, malformed)
                await _forms(target, count, seed, forms)
                if await _send(target.child.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") is None:
                    forms.violations.append("the server stopped answering")
            finally:
                target.phone.close()
                target.child.kill()
                text = target.child.stderr_text()
                if "Traceback" in text:
                    at = text.index("Traceback")
                    malformed.violations.append(
                        f"a traceback on standard error: {text[at:][:1500]}"
                    )

    asyncio.run(both())
    return malformed, forms
